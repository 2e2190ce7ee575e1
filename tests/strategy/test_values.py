from decimal import Decimal

import pytest
from django.urls import reverse

from strategy import queries
from strategy.models import ProposalValue
from tests import factories

pytestmark = pytest.mark.django_db


def _form(**data):
    return {
        "version": 0,
        "amount": "10000",
        "currency": "EUR",
        "rate": "",
        "recurrence": "per_year",
        "decision_on": "2026-09-30",
        "probability": "40",
        **data,
    }


def test_owner_sets_a_value_with_history_and_totals_follow(client, actors):
    customer = actors.customer_a
    proposal = factories.ProposalFactory(customer=customer, title="Telematics rollout")
    factories.ProposalFactory(customer=customer, title="Unvalued")
    won = factories.ProposalFactory(customer=customer, title="Won")
    type(won).objects.filter(pk=won.pk).update(status="accepted")
    factories.ProposalValueFactory(proposal=won, amount=99999)
    factories.WhitespaceCellFactory(customer=customer, status="installed", annual_value=5000)
    url = reverse("strategy:edit-proposal-value", args=[proposal.pk])
    client.force_login(actors.sales_a)

    assert client.post(url, _form()).status_code == 302
    estimate = ProposalValue.objects.get(proposal=proposal)
    assert (estimate.amount, estimate.rate, estimate.probability) == (Decimal(10000), 1, 40)
    # A later estimate in another currency, with the rate used: the history keeps both.
    response = client.post(
        url, _form(version=estimate.version, amount="20000", currency="USD", rate="0.9")
    )
    assert response.status_code == 302
    estimate.refresh_from_db()
    assert (estimate.organisation_amount, estimate.weighted_amount) == (
        Decimal("18000.00"),
        Decimal("7200.00"),
    )
    assert estimate.history.count() == 2

    value = queries.value_at_stake(customer)
    assert (value.open_value, value.weighted_value, value.installed_value, value.unvalued) == (
        Decimal(18000),
        Decimal(7200),
        Decimal(5000),
        1,
    )
    page = client.get(reverse("strategy:account-value", args=[customer.pk])).content.decode()
    assert "18,000 EUR" in page
    assert "Won" not in page  # accepted: no longer at stake
    assert "1 open proposal has no value yet." in page
    response = client.get(url)
    assert "Earlier estimates" in response.content.decode()


def test_bad_values_are_refused_with_field_errors(client, actors):
    proposal = factories.ProposalFactory(customer=actors.customer_a)
    url = reverse("strategy:edit-proposal-value", args=[proposal.pk])
    client.force_login(actors.sales_a)
    cases = [
        ({"amount": "-1"}, "greater than or equal to 0"),
        ({"probability": "101"}, "less than or equal to 100"),
        ({"currency": "XXX"}, "Select a valid choice"),
        ({"currency": "USD"}, "Give the rate used"),
        ({"currency": "USD", "rate": "0"}, "greater than or equal to"),
        ({"amount": "1e999999"}, "digits"),
    ]
    for data, message in cases:
        response = client.post(url, _form(**data))
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
    assert not ProposalValue.objects.exists()


def test_stale_estimate_is_a_conflict(client, actors):
    proposal = factories.ProposalFactory(customer=actors.customer_a)
    url = reverse("strategy:edit-proposal-value", args=[proposal.pk])
    client.force_login(actors.sales_a)
    client.post(url, _form())
    response = client.post(url, _form(amount="5"))
    assert response.status_code == 409
    assert ProposalValue.objects.get().amount == 10000


def test_who_may_set_values(client, actors):
    proposal = factories.ProposalFactory(customer=actors.customer_a)
    url = reverse("strategy:edit-proposal-value", args=[proposal.pk])
    client.force_login(actors.viewer_a)
    assert client.post(url, _form()).status_code == 403
    client.force_login(actors.sales_b)
    assert client.post(url, _form()).status_code == 404
    assert (
        client.get(reverse("strategy:account-value", args=[actors.customer_a.pk])).status_code
        == 404
    )
    assert not ProposalValue.objects.exists()


def test_value_page_queries_are_flat(client, actors, django_assert_max_num_queries):
    customer = actors.customer_a
    client.force_login(actors.sales_a)
    url = reverse("strategy:account-value", args=[customer.pk])
    factories.ProposalValueFactory(proposal=factories.ProposalFactory(customer=customer))
    client.get(url)
    # session, user, customer with access, proposals with estimates, installed value,
    # unread notifications
    with django_assert_max_num_queries(6) as small:
        client.get(url)
    for _ in range(5):
        factories.ProposalValueFactory(proposal=factories.ProposalFactory(customer=customer))
    with django_assert_max_num_queries(len(small)):
        client.get(url)


def test_the_account_overview_loads_the_value_totals_in_the_locale(client, actors):
    customer = actors.customer_a
    proposal = factories.ProposalFactory(customer=customer)
    factories.ProposalValueFactory(proposal=proposal, amount=1234567, probability=10)
    factories.WhitespaceCellFactory(customer=customer, status="installed", annual_value=2500)
    client.force_login(actors.sales_a)
    url = reverse("strategy:account-value", args=[customer.pk])
    overview = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert f'hx-get="{url}?part=totals"' in overview

    totals = client.get(url, {"part": "totals"}).content.decode()
    assert "<html" not in totals
    assert "1,234,567 EUR" in totals
    assert "123,457 EUR" in totals  # weighted by 10 %
    assert "2,500 EUR" in totals
    actors.sales_a.language = "de"
    actors.sales_a.save(update_fields=["language"])
    assert "1.234.567 EUR" in client.get(url, {"part": "totals"}).content.decode()
    client.force_login(actors.outsider)
    assert client.get(url, {"part": "totals"}).status_code == 404
