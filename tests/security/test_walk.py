"""S02: every URL x every method as anonymous, deactivated and outsider users (ASVS 8.2.1).

The URL list comes from the URLconf itself, so a new page or endpoint is tested the moment it
exists; without an entry in tests/security/policy.py it fails here with what to add.
"""

import json

import pytest

from tests.security.conftest import Target
from tests.security.policy import (
    API,
    CUSTOMER,
    GLOBAL,
    GUEST,
    PAGE,
    PUBLIC,
    STAFF,
    TOKEN,
    USER,
    Rule,
    rule_for,
)
from tests.security.routes import Route, all_routes, model_of, resolves_to

ROUTES = all_routes()
METHODS = ("get", "post", "put", "patch", "delete")
LOGIN = "/accounts/login/"


def describe(route: Route) -> str:
    return route.name or route.key


def missing_rule_message(route: Route) -> str:
    example = "api()" if route.is_api else ("page(Customer)" if route.kwargs else "page()")
    return (
        f"URL {route.key!r} (name {route.name!r}) has no access rule. Add it to POLICY in "
        f"tests/security/policy.py, e.g. {route.key!r}: {example}: say whether it is PAGE, API, "
        "STAFF, TOKEN or PUBLIC, and what its path ids designate (model=..., extra=...)."
    )


def object_model(route: Route, rule: Rule) -> type | None:
    return rule.model or (model_of(route) if route.kwargs else None)


def concrete_path(route: Route, rule: Rule, target: Target) -> str:
    """The route with its ids pointing at the target account's records."""
    values: dict[str, object] = {}
    model = object_model(route, rule)
    if model is not None and "pk" in route.kwargs:
        if rule.scope == USER:
            values["pk"] = target.owned(model, rule.owner_field).pk
        elif rule.scope == CUSTOMER:
            values["pk"] = target.obj(model).pk
        else:
            values["pk"] = (
                model._default_manager.first().pk if model._default_manager.exists() else 1
            )
    for name in ("customer_pk", "customer_id"):
        if name in route.kwargs:
            values[name] = target.customer.pk
    if rule.extra:
        values.update(rule.extra(target))
    for name in route.kwargs:
        if name not in route.choices:
            values.setdefault(name, 1)
    path = route.path(values)
    assert resolves_to(route, path), f"{path} does not resolve to {route.key}: fix `extra`"
    return path


def request(client, method: str, path: str, is_api: bool):
    if method == "get":
        return client.get(path)
    if is_api:
        return getattr(client, method)(path, data=json.dumps({}), content_type="application/json")
    return getattr(client, method)(path, data={} if method == "post" else "")


def test_the_walk_finds_the_projects_urls():
    keys = {route.key for route in ROUTES}
    assert {"", "accounts/login/", "api/customers/", "api/customers/<pk>/"} <= keys
    assert len(ROUTES) > 40


APP_ROUTES = [route for route in ROUTES if not route.key.startswith("admin/")]
ADMIN_ROUTES = [route for route in ROUTES if route.key.startswith("admin/")]


def test_every_admin_url_is_closed_to_anonymous_and_non_staff_users(clients, target_b):
    """The admin's ~200 URLs share one gate (AdminSite.admin_view); each is still tried."""
    failures = []
    for route in ADMIN_ROUTES:
        path = route.path({name: 1 for name in route.kwargs if name not in route.choices})
        for actor in ("anon", "outsider"):
            response = clients[actor].get(path)
            location = response.get("Location", "")
            allowed_exits = ("/admin/login/", LOGIN, "/accounts/two-factor/", "/")
            ok = response.status_code in (302, 403, 404, 405) and (
                response.status_code != 302 or location.startswith(allowed_exits)
            )
            if (
                response.status_code == 302
                and location.startswith("/admin/")
                and not (location.startswith("/admin/login/") or route.key == "admin/logout/")
            ):
                ok = False
            if not ok:
                failures.append(f"{actor} GET {path} -> {response.status_code} {location}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("route", APP_ROUTES, ids=describe)
def test_url_access_for_anonymous_inactive_and_outsider(route: Route, clients, target_b):
    rule = rule_for(route.key)
    if rule is None:
        pytest.fail(missing_rule_message(route))
    path = concrete_path(route, rule, target_b)
    is_object = bool(route.kwargs) and rule.scope != GLOBAL
    failures = []
    for actor in ("anon", "inactive", "outsider"):
        for method in METHODS:
            response = request(clients[actor], method, path, route.is_api)
            status = response.status_code
            location = response.get("Location", "")
            ok = status < 500
            if rule.kind == PUBLIC:
                pass
            elif rule.kind == GUEST:
                # No guest cookie: the guests' sign-in page, whoever the user is.
                ok = status == 405 or (status == 302 and location.startswith("/shared/sign-in/"))
            elif rule.kind == TOKEN:
                # No person gets in, whoever they are (the test settings configure no token).
                ok = status in (401, 403, 404, 405)
            elif actor in ("anon", "inactive"):
                if route.is_api:
                    ok = status in (401, 403)
                else:
                    ok = (status == 302 and location.startswith(LOGIN)) or status == 405
            elif rule.kind == STAFF:
                ok = status in (401, 403) if route.is_api else status in (302, 403, 405)
            elif is_object:
                ok = status in (404, 405)
            elif rule.kind not in (PAGE, API):
                ok = False
            if not ok:
                failures.append(f"{actor} {method.upper()} {path} -> {status} {location}")
    assert not failures, "\n".join(failures)


def test_the_policy_has_no_rules_for_urls_that_are_gone():
    from tests.security.policy import POLICY

    stale = set(POLICY) - {route.key for route in ROUTES}
    assert not stale, f"remove these entries from tests/security/policy.py: {sorted(stale)}"
