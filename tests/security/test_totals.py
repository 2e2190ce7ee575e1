"""S06: search, CSV export and dashboard totals cover exactly the permitted accounts."""

import csv
import io

import pytest
from django.test import Client

from tests import factories
from tests.security.test_idor import VISIBLE

WORD = "zebracornish"


@pytest.fixture
def seeded(actors):
    customers = {
        "customer_a": actors.customer_a,
        "customer_a2": actors.customer_a2,
        "customer_b": actors.customer_b,
    }
    for customer in customers.values():
        factories.MeetingFactory(customer=customer, title=f"{WORD} review", notes=f"{WORD} notes")
        customer.health_score, customer.health_band = 55, "amber"
        customer.save(update_fields=["health_score", "health_band"])
    return customers


def client_for(actors, name: str) -> Client:
    client = Client()
    client.force_login(getattr(actors, name))
    return client


@pytest.mark.parametrize("name", sorted(VISIBLE))
def test_search_finds_only_permitted_accounts(actors, seeded, name):
    response = client_for(actors, name).get(f"/api/search/?q={WORD}")
    assert response.status_code == 200
    found = {hit["customer"] for hit in response.json()["results"]}
    expected = {seeded[c].pk for c in VISIBLE[name]}
    assert found == expected


@pytest.mark.parametrize("name", sorted(VISIBLE))
def test_dashboard_csv_export_lists_exactly_the_permitted_accounts(actors, seeded, name):
    response = client_for(actors, name).get("/health/dashboard.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))[1:]
    names = {row[0] for row in rows}
    visible_names = {seeded[c].name for c in VISIBLE[name]}
    all_names = {c.name for c in seeded.values()}
    assert names & all_names == visible_names
    assert not (names - visible_names) & all_names


@pytest.mark.parametrize("name", sorted(VISIBLE))
def test_dashboard_totals_count_only_permitted_accounts(actors, seeded, name):
    client = client_for(actors, name)
    api = client.get("/api/dashboard/?page_size=200").json()
    ids = {row["customer"] for row in api["results"]}
    seeded_ids = {c.pk for c in seeded.values()}
    assert ids & seeded_ids == {seeded[c].pk for c in VISIBLE[name]}
    assert api["count"] == len(ids)
    page = client.get("/health/")
    assert page.status_code == 200
    counts = page.context["band_counts"]
    assert sum(counts.values()) == len(ids)


def test_csv_export_neutralises_formulas(actors):
    factories.CustomerFactory(lead=actors.sales_a, name='=HYPERLINK("https://evil.example","x")')
    factories.CustomerFactory(lead=actors.sales_a, name="+cmd|' /C calc'!A0")
    response = client_for(actors, "sales_a").get("/health/dashboard.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
            if cell.startswith("-"):
                float(cell)  # only numbers may start with a minus
