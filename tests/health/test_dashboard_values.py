"""The managers' dashboard with the plan scorecard and the value at stake (issue 22): columns,
sorting and filters, the CSV, the API and the chart of value per band."""

import json
from decimal import Decimal

import pytest

from customers.models import Customer
from strategy.models import StoredScorecard
from strategy.scorecards import store_scorecard
from tests import factories
from tests.conftest import api_as
from tests.health.test_views import CSV, DASHBOARD, csv_rows, make_accounts, row_names, score

pytestmark = pytest.mark.django_db


def stored(customer, *, percent=None, open_value=0, weighted_value=0, installed_value=0):
    StoredScorecard.objects.filter(customer=customer).delete()
    return factories.StoredScorecardFactory(
        customer=customer,
        percent=percent,
        open_value=open_value,
        weighted_value=weighted_value,
        installed_value=installed_value,
    )


@pytest.fixture
def valued(actors):
    score(actors.customer_a, 35)  # red
    score(actors.customer_a2, 75)  # green
    score(actors.customer_b, 50)  # amber
    stored(actors.customer_a, percent=40, open_value=1000, weighted_value=500, installed_value=7)
    stored(actors.customer_a2, percent=90, open_value=250000, weighted_value=25000)
    stored(actors.customer_b, percent=10, open_value=99999, weighted_value=99999)
    return actors


def test_the_change_feed_stores_the_accounts_value_at_stake(actors):
    customer = actors.customer_a
    proposal = factories.ProposalFactory(customer=customer)
    factories.ProposalValueFactory(proposal=proposal, amount=20000, probability=25)
    factories.WhitespaceCellFactory(customer=customer, status="installed", annual_value=3000)

    card = store_scorecard(customer.pk)

    assert (card.open_value, card.weighted_value, card.installed_value) == (
        Decimal(20000),
        Decimal(5000),
        Decimal(3000),
    )


def test_the_table_shows_and_sorts_by_plan_and_value(client, valued):
    client.force_login(valued.mgr_a)

    by_open = client.get(DASHBOARD, {"sort": "-open_value"})
    by_plan = client.get(DASHBOARD, {"sort": "plan"})

    assert row_names(by_open) == ["Alpha Two", "Alpha Industries"]
    assert row_names(by_plan) == ["Alpha Industries", "Alpha Two"]
    body = by_open.content.decode()
    assert "250,000" in body
    assert "90%" in body
    assert "99,999" not in body  # team B's account
    headers = [column["label"] for column in by_open.context["columns"]]
    assert headers[-4:] == ["Plan scorecard", "Open value", "Weighted value", "Installed value"]


def test_the_table_filters_by_plan_and_by_value(client, valued):
    client.force_login(valued.admin)

    assert row_names(client.get(DASHBOARD, {"plan_max": 40})) == [
        "Alpha Industries",
        "Beta Holdings",
    ]
    assert row_names(client.get(DASHBOARD, {"min_value": "50000", "sort": "-open_value"})) == [
        "Alpha Two",
        "Beta Holdings",
    ]
    response = client.get(DASHBOARD, {"plan_max": "150", "min_value": "-1"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"plan_max", "min_value"}


def test_an_account_without_a_stored_scorecard_shows_dashes_and_sorts_last(client, valued):
    StoredScorecard.objects.filter(customer=valued.customer_a2).delete()
    client.force_login(valued.mgr_a)

    response = client.get(DASHBOARD, {"sort": "-open_value"})

    assert row_names(response) == ["Alpha Industries", "Alpha Two"]
    assert response.context["rows"][1].scorecard is None


def test_the_csv_carries_the_plan_and_value_columns(client, valued, settings):
    settings.ORGANISATION_CURRENCY = "EUR"
    client.force_login(valued.mgr_a)

    rows = csv_rows(client.get(CSV, {"sort": "-weighted_value"}))

    assert rows[0][-5:-1] == [
        "Plan scorecard (%)",
        "Open value (EUR)",
        "Weighted value (EUR)",
        "Installed value per year (EUR)",
    ]
    assert rows[1][0] == "Alpha Two"
    assert rows[1][-5:-1] == ["90", "250000.00", "25000.00", "0.00"]
    assert rows[2][-5:-1] == ["40", "1000.00", "500.00", "7.00"]


def test_the_chart_adds_up_value_per_band_over_the_managers_accounts_only(client, valued):
    client.force_login(valued.mgr_a)

    context = client.get(DASHBOARD).context
    chart = json.loads(context["value_chart_json"])

    assert chart["labels"] == ["Green", "Amber", "Red"]
    assert chart["open_value"] == [250000.0, 0.0, 1000.0]
    assert chart["weighted_value"] == [25000.0, 0.0, 500.0]
    assert chart["installed_value"] == [0.0, 0.0, 7.0]
    # The same totals in a table on the page, for readers who do not see the chart.
    assert [row["open_value"] for row in context["band_values"]] == [250000, 0, 1000]


def test_the_api_rows_carry_plan_and_value_and_filter_like_the_page(valued):
    api = api_as(valued.admin)

    rows = api.get("/api/dashboard/", {"sort": "-open_value"}).json()["results"]
    assert [r["name"] for r in rows] == ["Alpha Two", "Beta Holdings", "Alpha Industries"]
    assert rows[0]["plan_percent"] == 90
    assert rows[0]["open_value"] == "250000.00"
    assert rows[2]["installed_value"] == "7.00"
    filtered = api.get("/api/dashboard/", {"plan_max": 40, "min_value": "5000"}).json()
    assert [r["name"] for r in filtered["results"]] == ["Beta Holdings"]
    bad = api.get("/api/dashboard/", {"plan_max": 101, "min_value": "x"})
    assert bad.status_code == 400
    assert bad.json().keys() >= {"plan_max", "min_value"}


def test_an_unstored_account_has_null_plan_and_value_in_the_api(actors):
    row = api_as(actors.sales_a).get("/api/dashboard/").json()["results"][0]

    assert (row["plan_percent"], row["open_value"], row["installed_value"]) == (None, None, None)


def add_scorecards() -> None:
    for n, customer in enumerate(Customer.objects.filter(name__startswith="Bulk").order_by("pk")):
        stored(customer, percent=n % 101, open_value=n * 10, weighted_value=n * 3)


@pytest.mark.parametrize("count", [10, 200])
def test_dashboard_sorted_by_value_runs_the_same_queries_at_two_sizes(
    client, actors, count, django_assert_num_queries
):
    make_accounts(actors.sales_a, count)
    add_scorecards()
    client.force_login(actors.mgr_a)
    # session, user, visible ids, filter choices with band counts and band values (one grouped
    # query), page of rows (lead, health and scorecard joined), team history, needs attention,
    # unread notifications.
    with django_assert_num_queries(8):
        response = client.get(DASHBOARD, {"sort": "-weighted_value"})
    assert response.status_code == 200
    rows = response.context["rows"]
    weighted = [row.scorecard.weighted_value for row in rows if row.scorecard]
    assert weighted == sorted(weighted, reverse=True)
    assert rows[0].scorecard.weighted_value == (count - 1) * 3
    # Filtered by plan and value: the same, plus the count of the filtered rows, less the team
    # history (cached by the request above).
    with django_assert_num_queries(8):
        response = client.get(DASHBOARD, {"plan_max": 50, "min_value": 10, "sort": "plan"})
    assert response.status_code == 200
    # The CSV: session, user, visible ids, filter choices, all rows.
    with django_assert_num_queries(5):
        assert client.get(CSV, {"sort": "-open_value"}).status_code == 200
