"""The guest IDOR matrix: a guest of account A's shared space against every URL.

A guest is not a user: with their cookie they reach /shared/ and their one space, nothing else.
Every internal page and API path (with team B's ids, and team A's), and every guest URL aimed at
account B's shared space, answers 404 (or 405), and no response carries internal text.
"""

import pytest
from django.conf import settings
from django.test import Client

from space import guests, services
from space.models import Guest, PlanStep, SharedItem, SharedProposal, SharedSpace
from tests import factories
from tests.security.conftest import Target
from tests.security.policy import GUEST, PUBLIC, rule_for
from tests.security.routes import Route, all_routes, row_hash
from tests.security.test_walk import METHODS, concrete_path, request


def _in_the_matrix(route: Route) -> bool:
    """Every route with a rule, but the admin's (below), those open to anyone (sign-in pages,
    the health check) and the guest's own space without an id (its tests are in tests/space)."""
    rule = rule_for(route.key)
    if rule is None or route.key.startswith("admin/") or rule.kind == PUBLIC:
        return False
    return rule.kind != GUEST or bool(route.kwargs)


ROUTES = [route for route in all_routes() if _in_the_matrix(route)]
ADMIN_ROUTES = [route for route in all_routes() if route.key.startswith("admin/")]
SECRETS = ("INTERNAL-B-GOAL", "Beta Holdings", "INTERNAL-A-NOTE")


@pytest.fixture
def guest_a(actors) -> Client:
    """A client holding a guest session of account A's space (signed in like a guest)."""
    space = services.open_space(actors.customer_a, by=actors.sales_a)
    goal = factories.GoalFactory(customer=actors.customer_a, description="INTERNAL-A-NOTE")
    services.set_shared_records(space, goals=[goal], problems=[])
    guest = factories.GuestFactory(space=space)
    _guest, key = guests.redeem_sign_in_token(guests.make_sign_in_token(guest))
    client = Client(raise_request_exception=False)
    client.cookies[settings.SPACE_GUEST_COOKIE] = key
    assert client.get("/shared/").status_code == 200
    return client


@pytest.fixture
def space_b(actors) -> Target:
    """Account B with a shared space holding one of everything."""
    target = Target(actors.customer_b, actors.sales_b)
    goal = factories.GoalFactory(customer=actors.customer_b, description="INTERNAL-B-GOAL")
    target._objects[SharedItem] = factories.SharedItemFactory(
        space=target.obj(SharedSpace), goal=goal
    )
    for model in (PlanStep, SharedProposal, Guest):
        target.obj(model)
    return target


def _fingerprint() -> tuple:
    return tuple(
        row_hash(model) for model in (SharedItem, PlanStep, SharedProposal, Guest, SharedSpace)
    )


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name or r.key)
def test_a_guest_reaches_nothing_but_their_own_space(route, guest_a, space_b, target_a):
    rule = rule_for(route.key)
    targets = [space_b] if rule.kind == GUEST else [space_b, target_a]
    paths = [concrete_path(route, rule, target) for target in targets]
    before = _fingerprint()
    failures = []
    for path in paths:
        for method in METHODS:
            response = request(guest_a, method, path, route.is_api)
            if response.status_code not in (404, 405):
                failures.append(f"{method.upper()} {path} -> {response.status_code}")
            body = response.content.decode(errors="replace")
            failures += [f"{method.upper()} {path} shows {s!r}" for s in SECRETS if s in body]
    assert not failures, "\n".join(failures)
    assert _fingerprint() == before, f"a guest's refused request changed data via {route.key}"


def test_a_guest_gets_404_on_every_admin_url(guest_a):
    failures = []
    for route in ADMIN_ROUTES:
        path = route.path({name: 1 for name in route.kwargs if name not in route.choices})
        status = guest_a.get(path).status_code
        if status != 404:
            failures.append(f"GET {path} -> {status}")
    assert not failures, "\n".join(failures)


def test_a_guest_cookie_is_useless_once_revoked(guest_a, actors):
    guests.revoke_guest(Guest.objects.get(), by=actors.sales_a)
    response = guest_a.get("/shared/")
    assert response.status_code == 302
    assert response["Location"] == "/shared/sign-in/"


def test_guest_forms_need_the_csrf_token(guest_a, actors):
    item = SharedItem.objects.get()
    guest_a.handler.enforce_csrf_checks = True
    assert guest_a.post(f"/shared/items/{item.pk}/confirm/").status_code == 403
    assert guest_a.post("/shared/messages/", {"body": "hi"}).status_code == 403
    item.goal.refresh_from_db()
    assert not item.goal.confirmed
