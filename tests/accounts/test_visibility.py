"""The visibility rule, for pages and the API alike (DESIGN.md, "Visibility")."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AccountMembership
from accounts.visibility import scope_to_visible, visible_customer_ids
from customers.access import get_access
from customers.models import Customer
from tests.conftest import api_as

# Who may see customer_a (team A, lead sales_a) and customer_b (team B, lead sales_b).
MATRIX = {
    "sales_a": {"customer_a": True, "customer_b": False},  # lead
    "spec_a": {"customer_a": True, "customer_b": False},  # specialist member
    "viewer_a": {"customer_a": True, "customer_b": False},  # viewer
    "sales_a2": {"customer_a": False, "customer_b": False},  # salesperson of another account
    "mgr_a": {"customer_a": True, "customer_b": False},  # manager of the team
    "mgr_b": {"customer_a": False, "customer_b": True},  # manager of another team
    "admin": {"customer_a": True, "customer_b": True},
    "outsider": {"customer_a": False, "customer_b": False},
}

CASES = [
    (actor, customer, expected)
    for actor, row in MATRIX.items()
    for customer, expected in row.items()
]


@pytest.mark.parametrize(("actor", "customer", "expected"), CASES)
def test_customer_page_follows_the_rule(actors, actor, customer, expected):
    client = Client()
    client.force_login(getattr(actors, actor))
    response = client.get(reverse("customers:detail", args=[getattr(actors, customer).pk]))
    assert response.status_code == (200 if expected else 404)


@pytest.mark.parametrize(("actor", "customer", "expected"), CASES)
def test_customer_api_detail_follows_the_rule(actors, actor, customer, expected):
    response = api_as(getattr(actors, actor)).get(f"/api/customers/{getattr(actors, customer).pk}/")
    assert response.status_code == (200 if expected else 404)


@pytest.mark.parametrize("actor", list(MATRIX))
def test_lists_show_exactly_the_visible_customers(actors, actor):
    user = getattr(actors, actor)
    all_customers = {
        "customer_a": actors.customer_a,
        "customer_b": actors.customer_b,
        "customer_a2": actors.customer_a2,
    }
    expected = {c.pk for name, c in all_customers.items() if MATRIX[actor].get(name)}
    # customer_a2 is led by sales_a2 in team A: visible to its lead, team A's manager and admins.
    if actor in {"mgr_a", "admin", "sales_a2"}:
        expected.add(actors.customer_a2.pk)

    api_ids = {row["id"] for row in api_as(user).get("/api/customers/").json()["results"]}
    assert api_ids == expected
    assert set(Customer.objects.visible_to(user).values_list("pk", flat=True)) == expected

    client = Client()
    client.force_login(user)
    page = client.get(reverse("home"))
    shown = {
        pk
        for pk in [c.pk for c in all_customers.values()]
        if reverse("customers:detail", args=[pk]) in page.content.decode()
    }
    assert shown == expected


def test_inactive_user_sees_nothing(actors):
    assert not Customer.objects.visible_to(actors.inactive).exists()


def test_anonymous_is_sent_to_login(actors):
    response = Client().get(reverse("customers:detail", args=[actors.customer_a.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_anonymous_api_is_refused(actors, api_client):
    assert api_client.get("/api/customers/").status_code in {401, 403}


def test_removed_member_loses_access_on_next_request(actors):
    client = Client()
    client.force_login(actors.spec_a)
    url = reverse("customers:detail", args=[actors.customer_a.pk])
    assert client.get(url).status_code == 200
    actors.customer_a.memberships.filter(user=actors.spec_a).delete()
    assert client.get(url).status_code == 404


def test_member_moving_team_changes_manager_visibility(actors):
    """A manager sees an account through its members' teams, so the view follows team changes."""
    actors.sales_a.team_memberships.all().delete()
    for member in (actors.spec_a, actors.viewer_a):
        member.team_memberships.all().delete()
    assert not Customer.objects.visible_to(actors.mgr_a).filter(pk=actors.customer_a.pk).exists()


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("sales_a", True),
        ("mgr_a", True),
        ("admin", True),
        ("spec_a", False),
        ("viewer_a", False),
        ("outsider", False),
    ],
)
def test_the_lead_managers_and_admins_curate_the_shared_space(actors, actor, expected):
    access = get_access(getattr(actors, actor), actors.customer_a.pk)
    assert access.can_share_with_customer is expected


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("sales_a", True),
        ("mgr_a", True),
        ("admin", True),
        ("spec_a", False),
        ("viewer_a", False),
        ("outsider", False),
    ],
)
def test_the_lead_managers_and_admins_follow_the_account_calendar(actors, actor, expected):
    access = get_access(getattr(actors, actor), actors.customer_a.pk)
    assert access.can_follow_account_calendar is expected


def test_visible_customer_ids_are_the_visibility_rule_as_a_list(actors):
    """Search reads the visible customers once as ids: the same set as the rule, for every kind
    of user (own memberships, a manager's team's lead and specialist accounts, none, all)."""
    # A viewer's membership does not show the account to the viewer's manager.
    AccountMembership.objects.create(
        customer=actors.customer_b, user=actors.viewer_a, role=AccountMembership.Role.VIEWER
    )
    for user in (
        actors.sales_a,
        actors.spec_a,
        actors.viewer_a,
        actors.mgr_a,
        actors.sales_b,
        actors.mgr_b,
        actors.outsider,
        actors.inactive,
    ):
        rule = sorted(
            scope_to_visible(Customer._base_manager.all(), user).values_list("pk", flat=True)
        )
        assert visible_customer_ids(user) == rule, user.username
    assert visible_customer_ids(actors.admin) is None
    assert actors.customer_b.pk not in visible_customer_ids(actors.mgr_a)
