"""S11: CSRF on every unsafe method for session users; the login forms included."""

import json

import pytest
from django.test import Client

from tests import factories
from tests.security.conftest import Target
from tests.security.policy import rule_for
from tests.security.routes import all_routes
from tests.security.test_walk import concrete_path

# The API token endpoint reads no session and sets no cookie: a cross-site post to it cannot
# act as the victim, and the token it answers with cannot be read cross-origin.
# The one-click unsubscribe of a notification email (RFC 8058) is posted by mail clients
# without a session: the signed token in its URL is what authorises it, and all it can do is
# switch one kind of email off (tests/accounts cover a forged or altered token: 400).
# A mail provider's inbound webhook reads no session either: its basic-auth secret and the
# provider's signature authorise it (tests/mailin/test_webhook.py).
CSRF_FREE = {
    "api/auth/token/",
    "accounts/notifications/unsubscribe/<str:token>/",
    "mailin/inbound/<slug:provider>/",
}
ROUTES = [
    r
    for r in all_routes()
    if not r.key.startswith("admin/") and r.key not in CSRF_FREE and rule_for(r.key)
]


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name or r.key)
def test_unsafe_methods_without_a_csrf_token_are_refused(route, actors):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(actors.sales_b)
    path = concrete_path(route, rule_for(route.key), Target(actors.customer_b, actors.sales_b))
    failures = []
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(path, data="{}", content_type="application/json")
        # Pages take no PUT, PATCH or DELETE at all (405 before any view or CSRF check runs).
        expected = 403 if route.is_api or method == "post" else 405
        if response.status_code != expected:
            failures.append(f"{method.upper()} {path} -> {response.status_code}")
    assert not failures, "\n".join(failures)


def test_the_login_form_needs_a_csrf_token(actors):
    client = Client(enforce_csrf_checks=True)
    body = {"username": actors.sales_a.username, "password": factories.PASSWORD}
    assert client.post("/accounts/login/", body).status_code == 403
    page = client.get("/accounts/login/")
    token = page.cookies["csrftoken"].value
    response = client.post("/accounts/login/", {**body, "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_session_api_writes_work_with_the_token(actors):
    client = Client(enforce_csrf_checks=True)
    client.force_login(actors.sales_a)
    client.get("/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.patch(
        f"/api/customers/{actors.customer_a.pk}/",
        data=json.dumps({"industry": "Retail", "version": actors.customer_a.version}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200


def test_the_token_endpoint_ignores_session_cookies(actors):
    """It never uses the session, so it cannot be driven by a victim's cookies."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(actors.sales_a)
    response = client.post("/api/auth/token/", data="{}", content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}
