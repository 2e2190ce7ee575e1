"""The account tallies stay equal to what the visibility rule counts, after every kind of write."""

import pytest
from django.db.models import Count

from accounts.models import AccountMembership, User
from customers import services, tallies
from customers.models import AccountTally, Customer
from health.services import refresh_customer_health
from tests import factories


def tallied(user: User) -> dict[tuple[int, str, str], int]:
    rows = AccountTally.objects.filter(viewer_id=tallies.viewer_id(user))
    return {(r.lead_id, r.industry, r.band): r.accounts for r in rows if r.accounts}


def counted(user: User) -> dict[tuple[int, str, str], int]:
    rows = (
        Customer.objects.visible_to(user)
        .order_by()
        .values_list("lead_id", "industry", "health_band")
        .annotate(n=Count("pk"))
    )
    return {(lead, industry, band): n for lead, industry, band, n in rows}


@pytest.fixture
def everyone(actors):
    admin = factories.UserFactory(role=User.Role.ADMIN)
    return [actors.sales_a, actors.sales_b, actors.spec_a, actors.mgr_a, actors.mgr_b, admin]


def assert_current(users: list[User]) -> None:
    for user in users:
        assert tallied(user) == counted(user), user.username


def test_service_writes_keep_every_viewers_tally_current(actors, everyone):
    customer = services.create_customer(lead=actors.sales_a, name="Tally Co", industry="Energy")
    assert_current(everyone)
    services.set_membership(customer, user=actors.spec_a, role=AccountMembership.Role.SPECIALIST)
    assert_current(everyone)
    services.change_lead(customer, new_lead=actors.sales_b)
    assert_current(everyone)
    services.remove_membership(customer, user=actors.sales_a)
    assert_current(everyone)
    services.update_customer(
        customer,
        by=actors.sales_b,
        expected_version=customer.version,
        changes={"industry": "Retail"},
    )
    assert_current(everyone)
    refresh_customer_health(customer.pk)
    assert Customer.objects.get(pk=customer.pk).health_band
    assert_current(everyone)


def test_a_team_change_retallies_its_manager(actors, everyone):
    team = factories.TeamFactory(manager=actors.mgr_b)
    member = factories.TeamMemberFactory(team=team, user=actors.sales_a)
    assert tallied(actors.mgr_b) == counted(actors.mgr_b) != {}
    member.delete()
    assert_current(everyone)


def test_rebuild_repairs_a_tally_written_around_the_services(actors, everyone):
    Customer.objects.filter(pk=actors.customer_a.pk).update(health_band="red", industry="Oil")
    assert tallied(actors.mgr_a) != counted(actors.mgr_a)
    tallies.rebuild_tallies()
    assert_current(everyone)


def test_the_dashboard_counts_by_the_tally(client, actors):
    client.force_login(actors.mgr_a)
    response = client.get("/health/")
    assert (
        response.context["page"].paginator.count
        == Customer.objects.visible_to(actors.mgr_a).count()
    )


def test_an_admin_made_manager_reads_a_current_tally_of_their_own(actors):
    boss = factories.UserFactory(role=User.Role.ADMIN)
    team = factories.TeamFactory(manager=boss)
    factories.TeamMemberFactory(team=team, user=actors.sales_a)
    # While admin, boss reads every account's tally; their own is not looked at.
    services.create_customer(lead=actors.sales_a, name="Seen By Boss", industry="Energy")
    AccountTally.objects.filter(viewer_id=boss.pk).delete()
    boss.role = User.Role.MANAGER
    boss.save()
    assert tallied(boss) == counted(boss)
    assert sum(counted(boss).values()) > 0


def test_the_nightly_task_rebuilds_every_tally(actors, everyone):
    from customers.tasks import rebuild_tallies_task

    services.create_customer(lead=actors.sales_a, name="Drift Co", industry="Energy")
    Customer.objects.filter(name="Drift Co").update(industry="Retail")
    rebuild_tallies_task()
    assert_current(everyone)


def test_migrate_builds_the_tallies_of_a_database_that_has_none(actors, everyone):
    from django.core.management import call_command

    services.create_customer(lead=actors.sales_a, name="Upgraded Co", industry="Energy")
    AccountTally.objects.all().delete()
    call_command("migrate", verbosity=0)
    assert_current(everyone)
