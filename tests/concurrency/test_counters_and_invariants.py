"""C03-C04: counters stay exact under 50 concurrent increments, and the database enforces one
lead per customer and one membership per user and customer (409/400, never 500)."""

import pytest
from django.db import transaction

from accounts.models import AccountMembership
from customers import changes
from customers import services as customer_services
from customers.models import Customer, Goal
from insights import summaries
from insights.models import SummaryBuildState
from tests import factories
from tests.concurrency.helpers import Racers, race
from tests.conftest import api_as

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def no_rebuilds(monkeypatch):
    # The counters are the point here, not the 50 summary builds each edit would queue.
    monkeypatch.setattr(changes, "consumers", list)


def test_c03_50_concurrent_edits_raise_the_data_version_by_exactly_50(actors, no_rebuilds):
    customer = actors.customer_a
    before = Customer.objects.get(pk=customer.pk).data_version

    def edit(i: int) -> None:
        with transaction.atomic():
            customer_services.create_record(
                Goal, customer=customer, by=actors.sales_a, fields={"title": f"Goal {i}"}
            )

    results = race(50, edit)
    assert [r for r in results if r is not None] == []
    assert Customer.objects.get(pk=customer.pk).data_version == before + 50
    assert Goal.objects.filter(customer=customer).count() == 50


def test_c03_50_concurrent_build_starts_count_50_runs(actors):
    customer = actors.customer_a
    SummaryBuildState.objects.create(customer=customer)

    def start(i: int) -> None:
        summaries._mark_started(customer.pk, now=summaries.timezone.now())

    race(50, start)
    assert SummaryBuildState.objects.get(customer=customer).run_count == 50


def test_c04_two_simultaneous_make_lead_requests_one_wins_never_500(actors, no_rebuilds):
    candidates = [actors.spec_a, actors.viewer_a]
    client = api_as(actors.sales_a)
    outcomes = []
    with Racers(2) as racers:
        for _ in range(100):
            customer = factories.CustomerFactory(lead=actors.sales_a)
            for user in candidates:
                factories.MembershipFactory(customer=customer, user=user)
            url = f"/api/customers/{customer.pk}/members/{{}}/"

            def make_lead(i: int, url=url):
                return client.put(url.format(candidates[i].pk), {"role": "lead"}, format="json")

            statuses = sorted(r.status_code for r in racers.race(make_lead))
            leads = AccountMembership.objects.filter(customer=customer, role="lead")
            stored = Customer.objects.get(pk=customer.pk)
            outcomes.append(
                statuses[-1] < 500
                and 200 in statuses
                and leads.count() == 1
                and leads.get().user_id == stored.lead_id
                and stored.lead_id in {u.pk for u in candidates}
            )
    assert outcomes.count(True) == 100


def test_c04_two_simultaneous_memberships_for_one_user_give_one_row(actors, no_rebuilds):
    client = api_as(actors.sales_a)
    outcomes = []
    with Racers(2) as racers:
        for _ in range(100):
            user = factories.UserFactory()
            team = actors.sales_a.team_memberships.get().team
            factories.TeamMemberFactory(team=team, user=user)

            def add(i: int, user=user):
                return client.post(
                    f"/api/customers/{actors.customer_a.pk}/members/",
                    {"user": user.pk, "role": "specialist"},
                    format="json",
                )

            statuses = sorted(r.status_code for r in racers.race(add))
            rows = AccountMembership.objects.filter(customer=actors.customer_a, user=user).count()
            outcomes.append(statuses[-1] < 500 and 201 in statuses and rows == 1)
    assert outcomes.count(True) == 100
