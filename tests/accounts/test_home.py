from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from customers.models import Customer
from customers.tallies import retally_customer
from health.models import AccountHealth
from tests import factories


def get_home(user: User) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_my_accounts_lists_lead_and_role(actors):
    body = get_home(actors.spec_a)
    assert "Alpha Industries" in body
    assert actors.sales_a.display_name in body
    assert "specialist" in body
    assert "Beta Holdings" not in body


def test_my_accounts_empty_state_says_what_to_do(db):
    body = get_home(factories.UserFactory())
    assert "No accounts yet" in body
    assert reverse("customers:create") in body


def test_salesperson_sees_open_action_items_and_recent_meetings_of_their_accounts(actors):
    factories.ActionItemFactory(customer=actors.customer_a, description="Send the pilot plan")
    factories.ActionItemFactory(customer=actors.customer_b, description="Beta's step")
    factories.MeetingFactory(customer=actors.customer_a, title="Kick-off at Alpha")
    factories.MeetingFactory(customer=actors.customer_b, title="Beta review")
    body = get_home(actors.sales_a)
    assert "My open action items" in body
    assert "Send the pilot plan" in body
    assert "Kick-off at Alpha" in body
    assert "Beta's step" not in body
    assert "Beta review" not in body


def test_salesperson_without_items_or_meetings_is_told_how_to_start(actors):
    body = get_home(actors.sales_a)
    assert "No open action items." in body
    assert "No meetings logged yet." in body
    assert "Log a meeting" in body


def test_specialist_sees_requests_for_them_not_action_items(actors):
    proposal = factories.ProposalFactory(customer=actors.customer_a, title="Sorter retrofit")
    factories.ContributionFactory(proposal=proposal, specialist=actors.spec_a)
    body = get_home(actors.spec_a)
    assert "Requests for me" in body
    assert "Sorter retrofit" in body
    assert "My open action items" not in body


def test_specialist_without_requests_sees_an_empty_state(actors):
    assert "Nothing asked of you right now." in get_home(actors.spec_a)


def test_manager_sees_team_bands_and_red_accounts_with_a_dashboard_link(actors):
    Customer.objects.filter(pk=actors.customer_a.pk).update(
        health_score=21, health_band=Customer.HealthBand.RED
    )
    retally_customer(actors.customer_a.pk)  # as the health job keeps the band counts
    # and its stored health row, which the attention list reads in its trend index's order
    AccountHealth.objects.create(
        customer=actors.customer_a, score=21, band="red", computed_at=timezone.now()
    )
    body = get_home(actors.mgr_a)
    assert "Team overview" in body
    assert reverse("health:dashboard") in body
    assert f"{reverse('health:dashboard')}?band=red" in body
    assert reverse("health:account", args=[actors.customer_a.pk]) in body
    assert "Beta Holdings" not in body


def test_admin_gets_a_link_to_the_administration(actors):
    body = get_home(actors.admin)
    assert reverse("admin:index") in body
    assert reverse("admin:index") not in get_home(actors.sales_a)


def test_home_query_count_is_flat_for_every_role(actors, django_assert_max_num_queries):
    """Each role's blocks are single sliced queries: 10x the rows, the same count.

    Common (7): session, user, count and page of customers, unread notifications, and the
    session's last-seen write in a savepoint (3); plus at most one two-factor device check.
    Salesperson/admin: open action items, recent meetings. Specialist: requests.
    Manager: visible ids, band groups, red accounts.
    """
    ceilings = {"sales_a": 11, "spec_a": 10, "mgr_a": 11, "admin": 11}

    def add_rows(n: int) -> None:
        for _ in range(n):
            customer = factories.CustomerFactory(lead=actors.sales_a, health_band="red")
            factories.MembershipFactory(customer=customer, user=actors.spec_a, role="specialist")
            factories.ActionItemFactory(customer=customer, owner=actors.sales_a)
            factories.MeetingFactory(customer=customer)
            proposal = factories.ProposalFactory(customer=customer)
            factories.ContributionFactory(proposal=proposal, specialist=actors.spec_a)

    for size in (1, 10):
        add_rows(size if size == 1 else size - 1)
        for username, ceiling in ceilings.items():
            client = Client()
            client.force_login(getattr(actors, username))
            with django_assert_max_num_queries(ceiling):
                assert client.get(reverse("home")).status_code == 200
