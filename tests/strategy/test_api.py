from decimal import Decimal

import pytest

from strategy.models import AnalysisItem, Division, ProposalValue, WhitespaceCell
from strategy.scorecards import store_scorecard
from tests import factories
from tests.conftest import api_as

pytestmark = pytest.mark.django_db


def test_divisions_and_cells_through_the_api(actors):
    customer = actors.customer_a
    offering = factories.OfferingFactory(name="Telematics")
    client = api_as(actors.spec_a)
    response = client.post(
        "/api/divisions/", {"customer": customer.pk, "name": "North"}, format="json"
    )
    assert response.status_code == 201, response.json()
    division = Division.objects.get()
    response = client.post(
        "/api/whitespace-cells/",
        {
            "customer": customer.pk,
            "division": division.pk,
            "offering": offering.pk,
            "status": "installed",
            "annual_value": "1200.00",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    cell = WhitespaceCell.objects.get()
    response = client.patch(
        f"/api/whitespace-cells/{cell.pk}/",
        {"status": "competitor", "version": cell.version},
        format="json",
    )
    assert response.status_code == 400
    assert "competitor" in str(response.json())
    bad = client.post(
        "/api/whitespace-cells/",
        {
            "customer": customer.pk,
            "division": division.pk,
            "offering": offering.pk,
            "annual_value": "-1",
        },
        format="json",
    )
    assert bad.status_code == 400
    assert client.delete(f"/api/whitespace-cells/{cell.pk}/").status_code == 405
    listed = client.get("/api/whitespace-cells/", {"customer": customer.pk}).json()
    assert [row["id"] for row in listed["results"]] == [cell.pk]


def test_other_team_sees_none_of_it(actors):
    cell = factories.WhitespaceCellFactory(customer=actors.customer_a)
    item = factories.AnalysisItemFactory(customer=actors.customer_a)
    value = factories.ProposalValueFactory(
        proposal=factories.ProposalFactory(customer=actors.customer_a)
    )
    store_scorecard(actors.customer_a.pk)
    client = api_as(actors.sales_b)
    for url in (
        f"/api/divisions/{cell.division_id}/",
        f"/api/whitespace-cells/{cell.pk}/",
        f"/api/analysis-items/{item.pk}/",
        f"/api/proposal-values/{value.pk}/",
        f"/api/scorecards/{actors.customer_a.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    for url in ("/api/divisions/", "/api/whitespace-cells/", "/api/analysis-items/"):
        assert client.get(url).json()["results"] == [], url
    # A division of theirs cannot take our stakeholder as its head.
    head = factories.StakeholderFactory(customer=actors.customer_a)
    response = client.post(
        "/api/divisions/",
        {"customer": actors.customer_b.pk, "name": "X", "head": head.pk},
        format="json",
    )
    assert response.status_code == 400


def test_proposal_values_refuse_bad_values(actors):
    proposal = factories.ProposalFactory(customer=actors.customer_a)
    client = api_as(actors.sales_a)
    base = {"customer": actors.customer_a.pk, "proposal": proposal.pk, "amount": "100"}
    for bad in (
        {"amount": "-1", "currency": "EUR", "probability": 10},
        {"currency": "EUR", "probability": 101},
        {"currency": "XYZ", "probability": 10},
        {"currency": "USD", "probability": 10},
    ):
        response = client.post("/api/proposal-values/", {**base, **bad}, format="json")
        assert response.status_code == 400, bad
    assert not ProposalValue.objects.exists()
    response = client.post(
        "/api/proposal-values/",
        {**base, "currency": "USD", "rate": "0.5", "probability": 40, "recurrence": "per_year"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert Decimal(body["organisation_amount"]) == 50
    assert Decimal(body["weighted_amount"]) == 20
    # A viewer cannot change it.
    value = ProposalValue.objects.get()
    response = api_as(actors.viewer_a).patch(
        f"/api/proposal-values/{value.pk}/",
        {"amount": "1", "version": value.version},
        format="json",
    )
    assert response.status_code == 403


def test_analysis_items_link_one_record(actors):
    customer = actors.customer_a
    problem = factories.ProblemFactory(customer=customer)
    goal = factories.GoalFactory(customer=customer)
    client = api_as(actors.sales_a)
    data = {"customer": customer.pk, "category": "weakness", "text": "Slow ramps"}
    response = client.post(
        "/api/analysis-items/", {**data, "problem": problem.pk, "goal": goal.pk}, format="json"
    )
    assert response.status_code == 400
    response = client.post("/api/analysis-items/", {**data, "problem": problem.pk}, format="json")
    assert response.status_code == 201, response.json()
    item = AnalysisItem.objects.get()
    assert (item.source_kind, item.source_version, item.created_by) == (
        "problem",
        problem.version,
        actors.sales_a,
    )
