import datetime as dt

import pytest
from django.utils import timezone

from health import services
from health.models import ScoreAnnotation
from tests import factories
from tests.conftest import api_as
from tests.health.test_views import make_accounts, score

HEALTH = "/api/health/"
DASHBOARD = "/api/dashboard/"


@pytest.fixture
def scored(actors):
    score(actors.customer_a, 35, trend=-20, open_severe_problems=2, overdue_action_items=3)
    score(actors.customer_a2, 75, trend=5, proposals_in_flight=2)
    score(actors.customer_b, 50, trend=-2)
    return actors


def test_health_returns_the_latest_components_and_the_history(actors):
    customer = actors.customer_a
    yesterday = factories.HealthSnapshotFactory(
        customer=customer, taken_on=timezone.localdate() - dt.timedelta(days=1), score=64
    )
    ScoreAnnotation.objects.create(
        customer=customer, snapshot=yesterday, author=actors.mgr_a, body="Board meeting slipped"
    )
    result = services.refresh_customer_health(customer.pk)

    response = api_as(actors.spec_a).get(HEALTH, {"customer": customer.pk})

    assert response.status_code == 200
    body = response.json()
    assert body["customer"] == customer.pk
    assert body["latest"]["score"] == result.score
    assert body["latest"]["band"] == result.band
    recency = body["latest"]["components"][0]
    assert recency["name"] == "Dialogue recency"
    assert recency["reasons"] == ["no meetings recorded yet"]
    assert [point["score"] for point in body["history"]] == [64, result.score]
    assert body["history"][0]["annotations"][0]["body"] == "Board meeting slipped"


def test_health_of_an_unscored_customer(actors):
    response = api_as(actors.sales_a).get(HEALTH, {"customer": actors.customer_a.pk})

    assert response.status_code == 200
    assert response.json()["latest"] is None
    assert response.json()["history"] == []


@pytest.mark.parametrize("actor", ["outsider", "sales_b", "mgr_b", "sales_a2"])
def test_health_of_an_account_the_caller_cannot_see_is_404(actors, actor):
    response = api_as(getattr(actors, actor)).get(HEALTH, {"customer": actors.customer_a.pk})

    assert response.status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"customer": "abc"},
        {"customer": "0"},
        {"customer": "9" * 30},
        {"customer": "1", "days": "0"},
        {"customer": "1", "days": "5000"},
        {"customer": "1\x00"},
    ],
)
def test_health_bad_parameters_answer_400(actors, params):
    response = api_as(actors.sales_a).get(HEALTH, params)

    assert response.status_code == 400


def test_health_is_read_only(actors):
    client = api_as(actors.mgr_a)

    assert client.post(HEALTH, {"customer": actors.customer_a.pk}).status_code == 405
    assert client.delete(DASHBOARD).status_code == 405


def test_anonymous_gets_401_or_403(api_client, actors):
    assert api_client.get(DASHBOARD).status_code in {401, 403}
    assert api_client.get(HEALTH, {"customer": actors.customer_a.pk}).status_code in {401, 403}


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("mgr_a", {"customer_a", "customer_a2"}),
        ("mgr_b", {"customer_b"}),
        ("sales_a", {"customer_a"}),
        ("spec_a", {"customer_a"}),
        ("viewer_a", {"customer_a"}),
        ("admin", {"customer_a", "customer_a2", "customer_b"}),
        ("outsider", set()),
    ],
)
def test_dashboard_rows_are_exactly_the_callers_accounts(scored, actor, expected):
    response = api_as(getattr(scored, actor)).get(DASHBOARD)

    assert response.status_code == 200
    assert {row["customer"] for row in response.json()["results"]} == {
        getattr(scored, name).pk for name in expected
    }
    assert response.json()["count"] == len(expected)


def test_dashboard_row_fields(scored):
    response = api_as(scored.sales_a).get(DASHBOARD)

    row = response.json()["results"][0]
    assert row["customer"] == scored.customer_a.pk
    assert row["name"] == "Alpha Industries"
    assert row["lead"] == scored.sales_a.display_name
    assert row["health_score"] == 35
    assert row["health_band"] == "red"
    assert row["trend_30d"] == -20
    assert row["last_meeting_at"] is None
    assert row["open_severe_problems"] == 2
    assert row["overdue_action_items"] == 3
    assert row["proposals_in_flight"] == 0


def test_dashboard_row_of_an_unscored_account(actors):
    row = api_as(actors.sales_a).get(DASHBOARD).json()["results"][0]

    assert row["health_score"] is None
    assert row["trend_30d"] is None
    assert row["open_severe_problems"] is None


def test_dashboard_filters_and_orders_like_the_page(scored):
    client = api_as(scored.admin)

    def names(params: dict) -> list[str]:
        return [row["name"] for row in client.get(DASHBOARD, params).json()["results"]]

    assert names({"sort": "-score"}) == ["Alpha Two", "Beta Holdings", "Alpha Industries"]
    assert names({"sort": "trend"}) == ["Alpha Industries", "Beta Holdings", "Alpha Two"]
    assert names({"band": "amber"}) == ["Beta Holdings"]
    assert names({"lead": scored.sales_a2.pk}) == ["Alpha Two"]
    assert names({"industry": "Manufacturing", "sort": "name"}) == [
        "Alpha Industries",
        "Alpha Two",
        "Beta Holdings",
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"sort": "password"}, "sort"),
        ({"band": "purple"}, "band"),
        ({"lead": "abc"}, "lead"),
        ({"lead": "9" * 40}, "lead"),
        ({"industry": "Nowhere"}, "industry"),
        # Refused before the view by the middleware that rejects control characters.
        ({"sort": "\x00"}, "detail"),
    ],
)
def test_dashboard_bad_parameters_answer_400_with_field_errors(scored, params, field):
    response = api_as(scored.mgr_a).get(DASHBOARD, params)

    assert response.status_code == 400
    assert field in response.json()


def test_dashboard_lead_of_another_team_is_refused(scored):
    response = api_as(scored.mgr_a).get(DASHBOARD, {"lead": scored.sales_b.pk})

    assert response.status_code == 400


def test_dashboard_is_paginated(actors):
    make_accounts(actors.sales_a, 7)

    response = api_as(actors.mgr_a).get(DASHBOARD, {"page_size": 5, "page": 2})

    assert response.status_code == 200
    assert response.json()["count"] == 9
    assert len(response.json()["results"]) == 4


@pytest.mark.parametrize("count", [10, 200])
def test_dashboard_api_query_count_does_not_grow(actors, count, django_assert_num_queries):
    make_accounts(actors.sales_a, count)
    client = api_as(actors.mgr_a)
    # the tallies' totals, the tally rows (filter choices, and the count), page of rows
    # (lead and health joined).
    with django_assert_num_queries(3):
        response = client.get(DASHBOARD, {"sort": "-severe"})
    assert response.status_code == 200
