"""S05-S09: object-level authorization across teams (ASVS 8.2.2, 8.4.1, 8.3.2).

Every URL with an id in its path (found by the walk in routes.py, described in policy.py) is
requested by every actor against team B's records (and team A's), by read and by write. Lists
are compared with the permitted set; foreign ids in write bodies are refused or ignored.
"""

import json

import pytest
from django.test import Client

from accounts.models import AccountMembership
from customers.models import Customer
from tests.security.conftest import ACTOR_NAMES, Target
from tests.security.policy import API, CUSTOMER, GLOBAL, PAGE, USER, rule_for
from tests.security.routes import Route, all_routes, customer_path, model_of, row_hash
from tests.security.test_walk import concrete_path, object_model

ROUTES = all_routes()
UNSAFE = ("post", "put", "patch", "delete")

# Who may read an account's records (RELIABILITY.md's actors; accounts/visibility.py's rule).
READERS = {
    "a": {"sales_a", "spec_a", "viewer_a", "mgr_a", "admin"},
    "b": {"sales_b", "mgr_b", "admin"},
}
# Customers each actor may see.
VISIBLE = {
    "sales_a": {"customer_a"},
    "spec_a": {"customer_a"},
    "viewer_a": {"customer_a"},
    "sales_a2": {"customer_a2"},
    "mgr_a": {"customer_a", "customer_a2"},
    "sales_b": {"customer_b"},
    "mgr_b": {"customer_b"},
    "admin": {"customer_a", "customer_a2", "customer_b"},
    "outsider": set(),
}
# Actors from outside team B who try to write to team B's records.
# (The outsider's writes are in test_walk.py.)
INTRUDERS = ("sales_a", "spec_a", "mgr_a")


def _object_routes(kind: str | None = None) -> list[Route]:
    chosen = []
    for route in ROUTES:
        rule = rule_for(route.key)
        if rule is None or rule.kind not in (PAGE, API) or rule.scope == GLOBAL:
            continue
        if kind is not None and rule.kind != kind:
            continue
        if route.kwargs and object_model(route, rule) is not None:
            chosen.append(route)
    return chosen


OBJECT_ROUTES = _object_routes()


def send(client: Client, method: str, path: str, is_api: bool, body: dict | None = None):
    body = body or {}
    if method == "get":
        return client.get(path)
    if is_api:
        return getattr(client, method)(path, data=json.dumps(body), content_type="application/json")
    if method == "post":
        return client.post(path, data=body)
    return getattr(client, method)(path)


def fingerprint(route: Route, target: Target) -> tuple:
    """Every row of the route's model and of the target account: proof nothing changed."""
    rule = rule_for(route.key)
    model = object_model(route, rule)
    return (
        row_hash(model),
        row_hash(Customer, pk=target.customer.pk),
        row_hash(AccountMembership, customer=target.customer),
    )


def hostile_body(actors) -> dict:
    """A write body naming the writer's own account and people, and a made-up version."""
    return {
        "name": "pwned",
        "title": "pwned",
        "body": "pwned",
        "description": "pwned",
        "customer": actors.customer_a.pk,
        "lead": actors.sales_a.pk,
        "owner": actors.sales_a.pk,
        "user": actors.sales_a.pk,
        "role": "lead",
        "version": 1,
    }


# Who reads each team's record in the read matrix: every role on team B's side and every
# outsider to it; on team A's side the lead and the two people closest to it who must not see
# it (a teammate not on the account, and the other team's manager).
READ_MATRIX = {
    "b": ("sales_b", "mgr_b", "admin", "sales_a", "spec_a", "viewer_a", "mgr_a", "outsider"),
    "a": ("sales_a", "sales_a2", "mgr_b"),
}


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=lambda r: r.name or r.key)
def test_read_matrix_other_teams_objects_answer_404(route: Route, actors, clients):
    """GET on team A's and team B's record: readers 2xx/3xx, everyone else 404."""
    rule = rule_for(route.key)
    failures = []
    for team, customer, owner in (
        ("a", actors.customer_a, actors.sales_a),
        ("b", actors.customer_b, actors.sales_b),
    ):
        target = Target(customer, owner)
        path = concrete_path(route, rule, target)
        readers = {owner.username} if rule.scope == USER else READERS[team]
        reader_statuses = {}
        for actor in READ_MATRIX[team]:
            status = send(clients[actor], "get", path, route.is_api).status_code
            if actor in readers:
                reader_statuses[actor] = status
            elif status not in (404, 405):
                failures.append(f"{actor} GET {path} (team {team}) -> {status}, expected 404")
        readable = any(
            status < 400 or status in rule.reader_status for status in reader_statuses.values()
        )
        writes_only = all(status == 405 for status in reader_statuses.values())
        if not readable and not writes_only:
            failures.append(
                f"no reader could GET {path} (team {team}): {reader_statuses}; the matrix "
                "proves nothing unless the right people can read it (fix policy `extra`)"
            )
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=lambda r: r.name or r.key)
def test_write_matrix_other_teams_objects_refuse_and_change_nothing(route: Route, actors, clients):
    rule = rule_for(route.key)
    target = Target(actors.customer_b, actors.sales_b)
    path = concrete_path(route, rule, target)
    before = fingerprint(route, target)
    failures = []
    for actor in INTRUDERS:
        for method in UNSAFE:
            response = send(clients[actor], method, path, route.is_api, hostile_body(actors))
            if response.status_code not in (404, 405):
                failures.append(f"{actor} {method.upper()} {path} -> {response.status_code}")
    assert not failures, "\n".join(failures)
    assert fingerprint(route, target) == before, f"a refused write changed data via {path}"


MIXED_ROUTES = [
    route
    for route in OBJECT_ROUTES
    if rule_for(route.key).model is Customer
    and rule_for(route.key).mixed
    and any(name.endswith("_id") for name in route.kwargs)
]


@pytest.mark.parametrize("route", MIXED_ROUTES, ids=lambda r: r.name or r.key)
def test_own_account_id_with_other_teams_record_id_is_refused(route: Route, actors, clients):
    """/customers/<mine>/goals/<theirs>/: the record must be looked up under the account."""
    rule = rule_for(route.key)
    target = Target(actors.customer_b, actors.sales_b)
    path_b = concrete_path(route, rule, target)
    own = route.path(
        {**rule.extra(target), "pk": actors.customer_a.pk}
        | {k: v for k, v in route.choices.items() if k not in (rule.extra(target))}
    )
    assert own != path_b
    before = fingerprint(route, target)
    failures = []
    for method in ("get", *UNSAFE):
        response = send(clients["sales_a"], method, own, route.is_api, hostile_body(actors))
        if response.status_code not in (400, 404, 405):
            failures.append(f"sales_a {method.upper()} {own} -> {response.status_code}")
    assert not failures, "\n".join(failures)
    assert fingerprint(route, target) == before


# Lists


LIST_ROUTES = [
    route
    for route in ROUTES
    if rule_for(route.key) is not None
    and rule_for(route.key).kind == API
    and rule_for(route.key).scope == CUSTOMER
    and not route.kwargs
    and route.actions.get("get") == "list"
]


def _collect_ids(client: Client, path: str, id_field: str = "id") -> set:
    ids: set = set()
    url = f"{path}?page_size=200"
    for _ in range(50):
        response = client.get(url)
        assert response.status_code == 200, f"GET {url} -> {response.status_code}"
        data = response.json()
        rows = data["results"] if isinstance(data, dict) and "results" in data else data
        ids |= {row[id_field] for row in rows if isinstance(row, dict) and id_field in row}
        url = data.get("next") if isinstance(data, dict) else None
        if not url:
            break
    return ids


@pytest.mark.parametrize("route", LIST_ROUTES, ids=lambda r: r.name or r.key)
def test_lists_return_exactly_the_permitted_set(route: Route, actors, clients):
    rule = rule_for(route.key)
    model = rule.model or model_of(route)
    if model is None:
        pytest.fail(f"{route.key}: give its policy rule model=... so its list can be checked")
    path_to_customer = customer_path(model)
    assert path_to_customer is not None, f"{model.__name__} has no path to a customer"
    customers = {
        "customer_a": actors.customer_a,
        "customer_a2": actors.customer_a2,
        "customer_b": actors.customer_b,
    }
    created = {name: Target(c, c.lead).obj(model).pk for name, c in customers.items()}
    lookup = f"{path_to_customer}__in" if path_to_customer else "pk__in"
    failures = []
    for actor in ACTOR_NAMES:
        visible = [customers[name].pk for name in VISIBLE[actor]]
        permitted = set(
            model._default_manager.filter(**{lookup: visible}).values_list("pk", flat=True)
        )
        seen = _collect_ids(clients[actor], "/" + route.key, rule.id_field)
        if seen - permitted:
            failures.append(f"{actor} sees foreign ids {sorted(seen - permitted)} in {route.key}")
        expected_created = {created[name] for name in VISIBLE[actor]}
        if rule.list_complete and not expected_created <= seen:
            failures.append(
                f"{actor} misses permitted ids {sorted(expected_created - seen)} in {route.key}"
            )
    assert not failures, "\n".join(failures)


# Mass assignment


DETAIL_API_ROUTES = [
    route
    for route in OBJECT_ROUTES
    if route.is_api
    and rule_for(route.key).scope == CUSTOMER
    and route.actions.get("patch") == "partial_update"
]
PROTECTED_FIELDS = ("customer", "lead", "owner", "created_by", "author", "user", "specialist")


@pytest.mark.parametrize("route", DETAIL_API_ROUTES, ids=lambda r: r.name or r.key)
def test_mass_assignment_of_ownership_fields_is_refused_or_ignored(route: Route, actors, clients):
    rule = rule_for(route.key)
    model = object_model(route, rule)
    target = Target(actors.customer_b, actors.sales_b)
    path = concrete_path(route, rule, target)
    obj = model._default_manager.get(pk=target.obj(model).pk)
    attnames = {f.name: f.attname for f in model._meta.concrete_fields}
    guarded = [name for name in PROTECTED_FIELDS if name in attnames]
    before = {name: getattr(obj, attnames[name]) for name in guarded}
    version = getattr(obj, "version", None)
    client = clients["admin"] if rule.model is Customer else clients["sales_b"]
    body = dict.fromkeys(guarded, actors.sales_a.pk)
    if "customer" in guarded:
        body["customer"] = actors.customer_a.pk
    if version is not None:
        # A made-up future version is a stale write, never a way to set the counter.
        stale = client.patch(
            path,
            data=json.dumps({**body, "version": version + 50}),
            content_type="application/json",
        )
        assert stale.status_code in (400, 403, 409), stale.content
        obj.refresh_from_db()
        assert obj.version == version
        body["version"] = version
    response = client.patch(path, data=json.dumps(body), content_type="application/json")
    assert response.status_code in (200, 400, 403), response.content
    obj.refresh_from_db()
    after = {name: getattr(obj, attnames[name]) for name in guarded}
    assert after == before, f"PATCH {path} changed protected fields: {before} -> {after}"
    if version is not None:
        assert obj.version in (version, version + 1)


def test_customer_create_ignores_a_foreign_lead(actors, clients):
    response = clients["sales_b"].post(
        "/api/customers/",
        data=json.dumps({"name": "New B", "lead": actors.sales_a.pk, "version": 99}),
        content_type="application/json",
    )
    assert response.status_code == 201
    created = Customer.objects.get(pk=response.json()["id"])
    assert created.lead_id == actors.sales_b.pk
    assert created.version == 1


CREATE_ROUTES = [
    route
    for route in LIST_ROUTES
    if route.actions.get("post") == "create"
    and "customer"
    in {f.name for f in (rule_for(route.key).model or model_of(route))._meta.concrete_fields}
]


@pytest.mark.parametrize("route", CREATE_ROUTES, ids=lambda r: r.name or r.key)
def test_create_under_another_teams_account_is_refused(route: Route, actors, clients):
    """Re-post a record's own representation with customer = the other team's account."""
    rule = rule_for(route.key)
    model = rule.model or model_of(route)
    own = Target(actors.customer_a, actors.sales_a).obj(model)
    detail = clients["sales_a"].get(f"/{route.key}{own.pk}/")
    body = detail.json() if detail.status_code == 200 else {}
    body = {k: v for k, v in body.items() if k not in ("id", "version")}
    body["customer"] = actors.customer_b.pk
    before = model._default_manager.filter(customer=actors.customer_b).count()
    response = clients["sales_a"].post(
        "/" + route.key, data=json.dumps(body), content_type="application/json"
    )
    # 201 is fine when the account came from the writer's own records (customer ignored).
    assert response.status_code in (201, 400, 403, 404), response.content
    assert model._default_manager.filter(customer=actors.customer_b).count() == before


# Revocation


def test_removing_a_member_ends_their_access_on_the_next_request(actors, clients):
    client = clients["spec_a"]
    page = f"/customers/{actors.customer_a.pk}/"
    api = f"/api/customers/{actors.customer_a.pk}/"
    assert client.get(page).status_code == 200
    assert client.get(api).status_code == 200
    AccountMembership.objects.filter(customer=actors.customer_a, user=actors.spec_a).delete()
    assert client.get(page).status_code == 404
    assert client.get(api).status_code == 404
    ids = {row["id"] for row in client.get("/api/customers/").json()["results"]}
    assert actors.customer_a.pk not in ids


def test_leaving_a_team_ends_the_managers_view_on_the_next_request(actors, clients):
    client = clients["mgr_a"]
    page = f"/customers/{actors.customer_a.pk}/"
    assert client.get(page).status_code == 200
    for member in actors.mgr_a.managed_teams.get().team_members.all():
        member.delete()
    assert client.get(page).status_code == 404


def test_deactivated_user_is_signed_out_on_the_next_request(actors, clients):
    client = clients["sales_a"]
    assert client.get("/").status_code == 200
    actors.sales_a.is_active = False
    actors.sales_a.save(update_fields=["is_active"])
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get(f"/api/customers/{actors.customer_a.pk}/").status_code in (401, 403)
