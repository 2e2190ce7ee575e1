"""Every query parameter of every page and API list, tried with numbers and dates no parser
should take: no 500 anywhere (penetration test finding 4, and its whole class).

Which parameters a URL reads is not written down anywhere reliable (the schema documents the
API's, pages have none), so the test watches the view: it records every name the view looks up
in `request.GET`, sets those to a plain value and records again (a bound search form reads more
names than an empty one), then tries each recorded name with each bad value, one at a time.

`make test` runs this module on PostgreSQL and, again, on SQLite (marker `sqlite`).
"""

import contextlib
from collections.abc import Iterator

import pytest
from django.http import QueryDict
from django.test import Client

from tests.security.policy import API, GLOBAL, PAGE, rule_for
from tests.security.routes import all_routes
from tests.security.test_walk import concrete_path

pytestmark = [pytest.mark.sqlite]

BAD_VALUES = (
    "²",  # superscript two: str.isdigit() says yes, int() says no
    "٣",  # Arabic-Indic three: int() says yes
    "-1",
    "0",
    "99999999999999999999999999",
    "1e5",
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00:00+14:00|1",
    "9999-12-31T23:59:59-14:00|1",
)
# Names read by Django itself on every request, not by a view.
IGNORED = {"next"}


@contextlib.contextmanager
def recorded_names() -> Iterator[set[str]]:
    """The query parameter names looked up while the block runs."""
    names: set[str] = set()
    original = {name: getattr(QueryDict, name) for name in ("get", "getlist", "__getitem__")}
    original_contains = QueryDict.__contains__

    def wrap(method):
        def recording(self, key, *args, **kwargs):
            names.add(key)
            return method(self, key, *args, **kwargs)

        return recording

    def contains(self, key):
        names.add(key)
        return original_contains(self, key)

    for name, method in original.items():
        setattr(QueryDict, name, wrap(method))
    QueryDict.__contains__ = contains
    try:
        yield names
    finally:
        for name, method in original.items():
            setattr(QueryDict, name, method)
        QueryDict.__contains__ = original_contains


def parameters_read(client: Client, path: str) -> set[str]:
    with recorded_names() as names:
        client.get(path)
    if names:
        with recorded_names() as more:
            client.get(path, dict.fromkeys(names, "ab"))
        names |= more
    return names - IGNORED


ROUTES = [
    route
    for route in all_routes()
    if not route.key.startswith("admin/")
    and (rule := rule_for(route.key)) is not None
    and rule.kind in (PAGE, API)
]


@pytest.fixture
def client(actors) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(actors.sales_a)
    return client


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name or r.key)
def test_bad_numbers_and_dates_in_every_query_parameter_answer_4xx(route, client, target_a):
    rule = rule_for(route.key)
    path = concrete_path(route, rule, target_a)
    names = parameters_read(client, path)
    failures = []
    for name in sorted(names):
        for value in BAD_VALUES:
            response = client.get(path, {name: value})
            if response.status_code >= 500:
                failures.append(f"GET {path}?{name}={value} -> {response.status_code}")
    assert not failures, "\n".join(failures)


def test_the_recorder_finds_the_parameters_a_list_reads(client, target_a):
    # The meetings list reads `customer` and `kind` (and the paginator's `page`).
    assert {"customer", "kind", "page"} <= parameters_read(client, "/api/meetings/")


@pytest.mark.parametrize("value", ["²", "٣", "abc", "-1"])
def test_a_non_ascii_digit_id_filter_names_the_parameter(client, target_a, value):
    response = client.get("/api/goals/", {"customer": value})
    assert response.status_code == 400
    assert "customer" in response.json()


def test_an_if_match_of_a_superscript_digit_is_a_400(client, target_a):
    customer = target_a.customer
    response = client.patch(
        f"/api/customers/{customer.pk}/",
        data='{"name": "Renamed"}',
        content_type="application/json",
        HTTP_IF_MATCH='"²"',
    )
    assert response.status_code == 400
    assert "If-Match" in response.json()
    customer.refresh_from_db()
    assert customer.name != "Renamed"


def test_a_timeline_cursor_next_to_year_one_is_a_400(client, target_a):
    path = f"/dialogue/customers/{target_a.customer.pk}/timeline/"
    response = client.get(path, {"before": "0001-01-01T00:00:00+14:00|1"})
    assert response.status_code == 400
    assert b"before" in response.content


def test_a_search_page_number_in_another_script_is_a_400(client, target_a):
    response = client.get("/search/", {"q": "ab", "page": "²"})
    assert response.status_code == 400


def test_global_routes_are_tried_too():
    assert any(rule_for(route.key).scope == GLOBAL for route in ROUTES)
