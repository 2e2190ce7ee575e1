"""The account tallies stay equal to what the visibility rule counts, after every kind of write."""

import io

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from accounts.models import AccountMembership, User
from customers import services, tallies
from customers.imports import import_customers
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


def tally_recomputes(queries: list[dict]) -> int:
    """How many groups were recomputed: each recompute starts by deleting the old rows."""
    return sum(1 for q in queries if q["sql"].startswith('DELETE FROM "customers_accounttally"'))


def test_deferred_writes_leave_the_tallies_as_writes_one_by_one_do(actors, everyone):
    team = factories.TeamFactory(manager=actors.mgr_b)
    with tallies.deferred():
        made = [
            services.create_customer(lead=actors.sales_a, name=f"Batch {n}", industry="Energy")
            for n in range(5)
        ]
        # Until the block ends the tallies wait: nothing is counted per write.
        assert tallied(actors.sales_a) == {
            key: n for key, n in counted(actors.sales_a).items() if key[1] != "Energy"
        }
        services.set_membership(made[0], user=actors.spec_a, role=AccountMembership.Role.VIEWER)
        services.change_lead(made[1], new_lead=actors.sales_b)
        services.remove_membership(made[1], user=actors.sales_a)
        factories.TeamMemberFactory(team=team, user=actors.sales_a)
        services.update_customer(
            made[2],
            by=actors.sales_a,
            expected_version=made[2].version,
            changes={"industry": "Oil"},
        )
    assert_current([*everyone, actors.mgr_b])


def test_a_batch_recomputes_each_viewers_groups_once_not_once_per_write(actors):
    def create(n: int) -> None:
        services.create_customer(lead=actors.sales_a, name=f"Row {n}", industry="Energy")

    with CaptureQueriesContext(connection) as one_by_one:
        for n in range(10):
            create(n)
    with CaptureQueriesContext(connection) as batched, tallies.deferred():
        for n in range(10, 20):
            create(n)
    # Viewers of sales_a's accounts: every account's tally, sales_a, and their manager.
    assert tally_recomputes(one_by_one.captured_queries) == 10 * 3
    assert tally_recomputes(batched.captured_queries) == 3
    assert_current([actors.sales_a, actors.mgr_a])


def test_an_error_in_a_deferred_block_undoes_its_writes_and_leaves_the_tallies(actors, everyone):
    def failing_import() -> None:
        with tallies.deferred():
            services.create_customer(lead=actors.sales_a, name="Never Co", industry="Energy")
            raise RuntimeError("the import failed")

    before = {user.pk: tallied(user) for user in everyone}
    with pytest.raises(RuntimeError):
        failing_import()
    assert not Customer.objects.filter(name="Never Co").exists()
    assert {user.pk: tallied(user) for user in everyone} == before
    assert_current(everyone)
    # The next write outside a block recomputes at once again.
    services.create_customer(lead=actors.sales_a, name="Now Co", industry="Energy")
    assert_current(everyone)


def test_a_nested_deferred_block_waits_for_the_outer_one(actors):
    with tallies.deferred():
        with tallies.deferred():
            services.create_customer(lead=actors.sales_a, name="Inner Co", industry="Energy")
        assert "Energy" not in {industry for _, industry, _ in tallied(actors.sales_a)}
    assert tallied(actors.sales_a) == counted(actors.sales_a)


def test_a_csv_import_recomputes_each_viewers_groups_once(actors, everyone):
    rows = "".join(f"Imported {n},Energy\n" for n in range(25))
    with CaptureQueriesContext(connection) as ctx:
        result = import_customers(io.BytesIO(f"name,industry\n{rows}".encode()), by=actors.sales_a)
    assert result.created == 25, result.errors
    assert tally_recomputes(ctx.captured_queries) == 3
    assert_current(everyone)
