"""Pages answer only GET, HEAD and POST; the API keeps DRF's methods but explains its fields
to staff only (issue 16, "also found")."""

import pytest
from django.test import Client

from tests.security.conftest import Target
from tests.security.policy import rule_for
from tests.security.routes import all_routes
from tests.security.test_walk import concrete_path

PAGE_ROUTES = [
    r for r in all_routes() if not r.is_api and not r.key.startswith("admin/") and rule_for(r.key)
]
ADMIN_PAGES = ["/admin/", "/admin/accounts/user/", "/admin/accounts/user/1/change/"]
# What used to be answered as if it were GET.
OTHER_METHODS = ("PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND", "MKCOL", "BREW")


@pytest.mark.parametrize("route", PAGE_ROUTES, ids=lambda r: r.name or r.key)
def test_every_page_answers_405_to_methods_other_than_get_head_and_post(route, actors):
    path = concrete_path(route, rule_for(route.key), Target(actors.customer_a, actors.sales_a))
    failures = []
    for actor in ("anon", "sales_a"):
        client = Client(raise_request_exception=False)
        if actor != "anon":
            client.force_login(actors.sales_a)
        for method in OTHER_METHODS:
            response = client.generic(method, path)
            if response.status_code != 405 or response.get("Allow") != "GET, HEAD, POST":
                failures.append(f"{actor} {method} {path} -> {response.status_code}")
    assert not failures, "\n".join(failures)


def test_admin_pages_answer_405_too(actors):
    client = Client(raise_request_exception=False)
    client.force_login(actors.admin)
    for path in ADMIN_PAGES:
        for method in OTHER_METHODS:
            assert client.generic(method, path).status_code == 405, (method, path)


@pytest.mark.parametrize("method", ["PROPFIND", "BREW", "PUT"])
def test_the_api_keeps_drfs_own_method_handling(actors, method):
    client = Client(raise_request_exception=False)
    client.force_login(actors.sales_a)
    response = client.generic(method, "/api/customers/")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert "GET" in response["Allow"]


def test_options_on_the_api_describes_fields_to_staff_only(actors):
    outsider = Client()
    outsider.force_login(actors.sales_a)
    plain = outsider.options("/api/customers/")
    assert plain.status_code == 200
    assert set(plain.json()) == {"name", "description", "renders", "parses"}
    detail = outsider.options(f"/api/customers/{actors.customer_a.pk}/")
    assert "actions" not in detail.json()
    staff = Client()
    staff.force_login(actors.admin)
    assert "actions" in staff.options("/api/customers/").json()
