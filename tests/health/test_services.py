import datetime as dt

import pytest

from accounts.models import Area, Notification
from customers.models import Customer, Problem, Stakeholder
from dialogue.models import ActionItem
from health import services, tasks
from health.models import AccountHealth, HealthSnapshot
from tests import factories

NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)


def make_green(customer: Customer) -> None:
    decision_maker = factories.StakeholderFactory(
        customer=customer, buying_role=Stakeholder.BuyingRole.DECISION_MAKER
    )
    champion = factories.StakeholderFactory(
        customer=customer, buying_role=Stakeholder.BuyingRole.CHAMPION
    )
    goal = factories.GoalFactory(customer=customer)
    problem = factories.ProblemFactory(customer=customer)
    problem.blocks_goals.add(goal)
    meeting = factories.MeetingFactory(customer=customer, occurred_at=NOW - dt.timedelta(days=1))
    meeting.stakeholders.add(decision_maker, champion)
    meeting.goals.add(goal)


def test_refresh_stores_the_snapshot_the_dashboard_row_and_the_customer_fields(actors):
    customer = actors.customer_a
    factories.ProblemFactory(customer=customer, severity=Problem.Severity.CRITICAL)
    factories.ActionItemFactory(customer=customer, due_on=NOW.date() - dt.timedelta(days=3))
    factories.ProposalFactory(customer=customer)

    result = services.refresh_customer_health(customer.pk, now=NOW)

    snapshot = HealthSnapshot.objects.get(customer=customer)
    assert snapshot.taken_on == NOW.date()
    assert (snapshot.score, snapshot.band) == (result.score, result.band)
    assert [c["key"] for c in snapshot.components] == [
        "recency",
        "engagement",
        "understanding",
        "solution",
        "execution",
        "balance",
    ]
    row = AccountHealth.objects.get(customer=customer)
    assert row.score == result.score
    assert row.open_severe_problems == 1
    assert row.overdue_action_items == 1
    assert row.proposals_in_flight == 1
    assert row.trend_30d is None
    customer.refresh_from_db()
    assert customer.health_score == result.score
    assert customer.health_band == result.band
    assert customer.health_updated_at == NOW


def test_refreshing_twice_a_day_keeps_one_snapshot(actors):
    services.refresh_customer_health(actors.customer_a.pk, now=NOW)
    services.refresh_customer_health(actors.customer_a.pk, now=NOW + dt.timedelta(hours=3))

    assert HealthSnapshot.objects.filter(customer=actors.customer_a).count() == 1


def test_refresh_of_a_missing_customer_does_nothing(db):
    assert services.refresh_customer_health(999_999, now=NOW) is None


def test_trend_is_the_change_over_the_last_30_days(actors):
    customer = actors.customer_a
    for days_ago, score in ((40, 90), (29, 80), (10, 60)):
        factories.HealthSnapshotFactory(
            customer=customer, taken_on=NOW.date() - dt.timedelta(days=days_ago), score=score
        )

    result = services.refresh_customer_health(customer.pk, now=NOW)

    row = AccountHealth.objects.get(customer=customer)
    assert row.trend_points == [80, 60, result.score]
    assert row.trend_30d == result.score - 80


def test_entering_red_creates_one_follow_up_and_notifies_each_manager_once(actors):
    customer = actors.customer_a
    second_team = factories.TeamFactory()
    factories.TeamMemberFactory(team=second_team, user=actors.spec_a)

    result = services.refresh_customer_health(customer.pk, now=NOW)

    assert result.band == "red"
    follow_up = ActionItem.objects.get(customer=customer)
    assert follow_up.owner == actors.sales_a
    assert follow_up.due_on == NOW.date() + dt.timedelta(days=7)
    assert "red" in follow_up.description
    notified = Notification.objects.filter(customer=customer, kind=Notification.Kind.HEALTH)
    assert sorted(n.user_id for n in notified) == sorted([actors.mgr_a.pk, second_team.manager_id])
    assert AccountHealth.objects.get(customer=customer).red_since == NOW.date()
    customer.refresh_from_db()
    assert customer.data_version > 1


def test_staying_red_creates_nothing_more(actors):
    customer = actors.customer_a
    services.refresh_customer_health(customer.pk, now=NOW)
    services.refresh_customer_health(customer.pk, now=NOW)
    services.refresh_customer_health(customer.pk, now=NOW + dt.timedelta(days=1))

    assert ActionItem.objects.filter(customer=customer).count() == 1
    assert Notification.objects.filter(customer=customer).count() == 1
    assert AccountHealth.objects.get(customer=customer).red_since == NOW.date()


def test_leaving_red_and_entering_again_acts_again(actors):
    customer = actors.customer_a
    services.refresh_customer_health(customer.pk, now=NOW)
    ActionItem.objects.filter(customer=customer).update(status=ActionItem.Status.DONE)
    make_green(customer)
    later = NOW + dt.timedelta(days=1)
    assert services.refresh_customer_health(customer.pk, now=later).band == "green"
    assert AccountHealth.objects.get(customer=customer).red_since is None

    much_later = NOW + dt.timedelta(days=200)
    factories.ActionItemFactory(customer=customer, due_on=much_later.date() - dt.timedelta(days=9))
    assert services.refresh_customer_health(customer.pk, now=much_later).band == "red"

    assert ActionItem.objects.filter(customer=customer).count() == 3
    assert Notification.objects.filter(customer=customer, user=actors.mgr_a).count() == 2
    # The lead hears when the account turns worse (not at its first score: nothing turned).
    (told,) = Notification.objects.filter(customer=customer, user=actors.sales_a)
    assert told.message.startswith("Alpha Industries turned red")


def test_a_green_account_creates_no_follow_up(actors):
    make_green(actors.customer_a)

    assert services.refresh_customer_health(actors.customer_a.pk, now=NOW).band == "green"
    assert not ActionItem.objects.filter(customer=actors.customer_a).exists()
    assert not Notification.objects.exists()


def test_an_account_already_red_before_its_first_row_is_not_acted_on_again(actors):
    Customer.objects.filter(pk=actors.customer_a.pk).update(health_band="red", health_score=20)

    services.refresh_customer_health(actors.customer_a.pk, now=NOW)

    assert not ActionItem.objects.filter(customer=actors.customer_a).exists()


def test_areas_involved_come_from_the_team_and_the_contributions(actors):
    engineering = Area.objects.create(name="Engineering")
    finance = Area.objects.create(name="Finance")
    Area.objects.create(name="Legal")
    actors.spec_a.area = engineering
    actors.spec_a.save()
    proposal = factories.ProposalFactory(customer=actors.customer_a)
    factories.ContributionFactory(proposal=proposal, area=finance)

    services.refresh_customer_health(actors.customer_a.pk, now=NOW)

    row = AccountHealth.objects.get(customer=actors.customer_a)
    assert row.area_names == ["Engineering", "Finance"]
    assert row.areas_involved == 2


def test_backfill_writes_one_snapshot_a_day(actors):
    written = services.backfill_snapshots(actors.customer_a.pk, days=5, now=NOW)

    assert written == 5
    dates = set(HealthSnapshot.objects.values_list("taken_on", flat=True))
    assert dates == {NOW.date() - dt.timedelta(days=n) for n in range(1, 6)}


def test_backfill_can_step_weekly_back_from_now(actors):
    written = services.backfill_snapshots(actors.customer_a.pk, days=30, now=NOW, step=7)

    assert written == 4
    dates = set(HealthSnapshot.objects.values_list("taken_on", flat=True))
    assert dates == {NOW.date() - dt.timedelta(days=n) for n in (7, 14, 21, 28)}


@pytest.mark.django_db
def test_the_daily_task_snapshots_every_customer(actors, time_machine):
    time_machine.move_to(NOW)

    assert tasks.snapshot_all_customers() == 3

    assert set(HealthSnapshot.objects.values_list("customer_id", flat=True)) == {
        actors.customer_a.pk,
        actors.customer_a2.pk,
        actors.customer_b.pk,
    }
    assert tasks.snapshot_all_customers() == 3
    assert HealthSnapshot.objects.count() == 3


def test_a_managers_comment_on_the_score_tells_the_lead(actors):
    services.refresh_customer_health(actors.customer_a.pk, now=NOW)
    snapshot = HealthSnapshot.objects.get(customer=actors.customer_a)
    services.annotate_score(snapshot=snapshot, author=actors.mgr_a, body="Call them this week")
    (told,) = Notification.objects.filter(user=actors.sales_a, kind=Notification.Kind.SCORE_COMMENT)
    assert "Call them this week" in told.message
    # The lead's own note tells nobody.
    services.annotate_score(snapshot=snapshot, author=actors.sales_a, body="Noted")
    assert Notification.objects.filter(kind=Notification.Kind.SCORE_COMMENT).count() == 1


def test_turning_amber_or_red_tells_the_lead_once(actors, settings):
    customer = actors.customer_a
    services.refresh_customer_health(customer.pk, now=NOW)  # first score: nothing turned
    AccountHealth.objects.filter(customer=customer).update(band="green")
    # An account with no dialogue scores 30: amber once amber starts at 20.
    settings.HEALTH_AMBER_AT = 20
    result = services.refresh_customer_health(customer.pk, now=NOW)
    assert result.band == "amber"
    told = Notification.objects.filter(user=actors.sales_a, kind=Notification.Kind.HEALTH)
    assert told.get().message.startswith(f"Alpha Industries turned amber ({result.score}/100): ")
    # Staying amber tells nobody again.
    services.refresh_customer_health(customer.pk, now=NOW)
    assert told.count() == 1
