import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.core import mail
from django.db import OperationalError, connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from accounts.models import Notification
from core.errors import IllegalTransition
from core.versioning import StaleVersion
from customers import changes
from customers import services as customer_services
from customers.models import Customer, Goal
from insights import digest, plans, summaries
from insights.document import change_texts
from insights.models import (
    AccountPlan,
    AccountSummary,
    DigestDelivery,
    PlanSectionRevision,
    SummaryBuildState,
)
from tests import factories


def _refresh(customer: Customer) -> Customer:
    return Customer.objects.get(pk=customer.pk)


def test_rebuild_stores_a_version_and_clears_the_dirty_flag(actors):
    customer = actors.customer_a
    changes.record_account_change(customer.pk)
    version = _refresh(customer).data_version
    result = summaries.rebuild_summary(customer.pk)
    assert result.outcome == "created"
    summary = AccountSummary.objects.get(customer=customer)
    assert summary.number == 1
    assert summary.source_data_version == version
    assert "Alpha Industries" in summary.html
    assert _refresh(customer).summary_dirty_since is None
    state = SummaryBuildState.objects.get(customer=customer)
    assert state.status == SummaryBuildState.Status.SUCCEEDED
    assert state.run_count == 1


def test_a_rebuild_that_changes_nothing_stores_no_version_but_clears_the_flag(actors):
    customer = actors.customer_a
    summaries.rebuild_summary(customer.pk)
    Customer.objects.filter(pk=customer.pk).update(summary_dirty_since=dt.datetime.now(dt.UTC))
    assert summaries.rebuild_summary(customer.pk).outcome == "unchanged"
    assert AccountSummary.objects.filter(customer=customer).count() == 1
    assert _refresh(customer).summary_dirty_since is None


def test_an_edit_creates_a_new_numbered_version_with_its_changes(actors):
    customer = actors.customer_a
    summaries.rebuild_summary(customer.pk)
    customer_services.create_record(
        Goal, customer=customer, by=actors.sales_a, fields={"title": "Enter Norway"}
    )
    summaries.rebuild_summary(customer.pk)
    latest = AccountSummary.objects.filter(customer=customer).order_by("-number").first()
    assert latest.number == 2
    assert change_texts(latest.changes) == ["Goal added: Enter Norway"]


def test_an_edit_during_the_build_keeps_the_customer_dirty(actors, monkeypatch):
    customer = actors.customer_a
    changes.record_account_change(customer.pk)
    real_build = summaries.build_summary
    edits, published = [], []

    def build_while_someone_edits(c, *, now):
        if not edits:  # one edit, made while the first build runs
            edits.append(c.pk)
            Customer.objects.filter(pk=c.pk).update(data_version=c.data_version + 1)
        return real_build(c, now=now)

    def publish(customer_id: int, *, force: bool = False) -> bool:
        # Recorded, not sent: with eager Celery the send would run the next build inside this
        # one (and, with an edit in every build, recurse until Python's stack gave out).
        published.append((customer_id, force))
        return True

    monkeypatch.setattr(summaries, "build_summary", build_while_someone_edits)
    monkeypatch.setattr(changes, "publish_account_change", publish)
    result = summaries.rebuild_summary(customer.pk)
    assert result.still_dirty
    assert _refresh(customer).summary_dirty_since is not None
    # The change is published again, forced, so the edit gets a build of its own...
    assert published == [(customer.pk, True)]
    # ...which, with nobody editing meanwhile, leaves the customer clean.
    assert not summaries.rebuild_summary(customer.pk).still_dirty
    assert _refresh(customer).summary_dirty_since is None
    assert published == [(customer.pk, True)]


def test_a_build_held_by_another_worker_exits_early(actors, is_postgres):
    if not is_postgres:
        pytest.skip("advisory locks are PostgreSQL's")
    from django.db import connections

    customer = actors.customer_a
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute(
                "SELECT pg_try_advisory_xact_lock(%s, %s)", [summaries.LOCK_NAMESPACE, customer.pk]
            )
            assert summaries.rebuild_summary(customer.pk).outcome == "busy"
            cursor.execute("ROLLBACK")
    finally:
        other.close()
    assert not AccountSummary.objects.filter(customer=customer).exists()


def test_a_failed_build_is_recorded_for_staff(actors, monkeypatch):
    def broken(customer, *, now):
        raise ValueError("poison")

    monkeypatch.setattr(summaries, "build_summary", broken)
    with pytest.raises(ValueError, match="poison"):
        summaries.rebuild_summary(actors.customer_a.pk)
    state = SummaryBuildState.objects.get(customer=actors.customer_a)
    assert state.status == SummaryBuildState.Status.FAILED
    assert state.attempts == 1
    assert state.last_error == "ValueError: poison"


def test_rebuilding_a_missing_customer_is_a_no_op(db):
    assert summaries.rebuild_summary(987654).outcome == "missing"


def test_a_pending_rebuild_absorbs_later_enqueues(actors, monkeypatch):
    sent = []
    monkeypatch.setattr(
        "insights.tasks.rebuild_summary_task.apply_async", lambda **kw: sent.append(kw)
    )
    customer_id = actors.customer_a.pk
    assert changes.publish_account_change(customer_id) is True
    assert changes.publish_account_change(customer_id) is False
    assert len(sent) == 1
    assert sent[0]["countdown"] == changes.DEBOUNCE_SECONDS


def test_a_broker_failure_is_swallowed_and_frees_the_claim(actors, monkeypatch):
    def broker_down(**kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("insights.tasks.rebuild_summary_task.apply_async", broker_down)
    assert changes.publish_account_change(actors.customer_a.pk) is False
    assert Customer.objects.get(pk=actors.customer_a.pk).changes_queued_at is None


def test_record_account_change_enqueues_after_commit(actors, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        changes.record_account_change(actors.customer_a.pk)
    rebuilds = [c for c in callbacks if getattr(c, "func", None) is changes._send]
    assert len(rebuilds) == 1
    # Eager in this test: the callback ran the rebuild.
    assert AccountSummary.objects.filter(customer=actors.customer_a).count() == 1


@pytest.fixture
def rebuilds_sent(monkeypatch):
    """The customers whose summary rebuild was published (the broker is not involved)."""
    sent = []
    monkeypatch.setattr(
        "insights.tasks.rebuild_summary_task.apply_async",
        lambda **kw: sent.append(kw["args"][0]),
    )
    return sent


def test_one_rebuild_per_customer_and_transaction(
    actors, django_capture_on_commit_callbacks, rebuilds_sent
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for _ in range(3):
            changes.record_account_change(actors.customer_a.pk)
        changes.record_account_change(actors.customer_b.pk)
    assert sorted(rebuilds_sent) == sorted([actors.customer_a.pk, actors.customer_b.pk])


def test_a_rolled_back_change_does_not_hide_the_next_one(
    actors, django_capture_on_commit_callbacks, rebuilds_sent
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        try:
            with transaction.atomic():
                changes.record_account_change(actors.customer_a.pk)
                raise RuntimeError("the edit failed")
        except RuntimeError:
            pass
        changes.record_account_change(actors.customer_a.pk)
    assert rebuilds_sent == [actors.customer_a.pk]


def test_an_edit_claims_its_publish_in_its_own_update(
    actors, django_capture_on_commit_callbacks, monkeypatch
):
    customer_id = actors.customer_a.pk
    sent = []
    consumer = SimpleNamespace(apply_async=lambda **kw: sent.append(kw["args"][0]))
    monkeypatch.setattr(changes, "consumers", lambda: [consumer])
    with (
        django_capture_on_commit_callbacks() as callbacks,
        CaptureQueriesContext(connection) as queries,
    ):
        changes.record_account_change(customer_id)
    # One UPDATE marks the change and claims the publish; after the commit the consumers are
    # told without another statement.
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["UPDATE"]
    with CaptureQueriesContext(connection) as queries:
        for callback in callbacks:
            callback()
    assert not queries.captured_queries
    assert sent == [customer_id]
    customer = _refresh(actors.customer_a)
    assert customer.changes_queued_at is not None
    assert customer.changes_queued_version == customer.data_version


def test_an_edit_while_a_publish_waits_is_covered_by_it(
    actors, django_capture_on_commit_callbacks, rebuilds_sent
):
    customer_id = actors.customer_a.pk
    assert changes.publish_account_change(customer_id, force=True) is True
    with django_capture_on_commit_callbacks(execute=True):
        changes.record_account_change(customer_id)
    assert rebuilds_sent == [customer_id]
    customer = _refresh(actors.customer_a)
    assert customer.changes_queued_version == customer.data_version
    # Once its consumers started, the next edit publishes again.
    changes.changes_taken([customer_id])
    with django_capture_on_commit_callbacks(execute=True):
        changes.record_account_change(customer_id)
    assert rebuilds_sent == [customer_id, customer_id]


def test_a_publish_waiting_too_long_is_claimed_again_by_an_edit(
    actors, django_capture_on_commit_callbacks, rebuilds_sent
):
    customer_id = actors.customer_a.pk
    lost = dt.datetime.now(dt.UTC) - changes.PENDING_TTL - dt.timedelta(seconds=1)
    Customer.objects.filter(pk=customer_id).update(changes_queued_at=lost)
    with django_capture_on_commit_callbacks(execute=True):
        changes.record_account_change(customer_id)
    assert rebuilds_sent == [customer_id]
    assert _refresh(actors.customer_a).changes_queued_at > lost


def test_an_edit_whose_publish_fails_frees_its_claim(
    actors, django_capture_on_commit_callbacks, monkeypatch
):
    def broker_down(**kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("insights.tasks.rebuild_summary_task.apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        changes.record_account_change(actors.customer_a.pk)
    customer = _refresh(actors.customer_a)
    assert customer.changes_queued_at is None
    assert customer.summary_dirty_since is not None  # the sweep publishes it


def test_an_unpublished_change_claims_nothing(actors, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        changes.record_account_change(actors.customer_a.pk, publish=False)
    assert not callbacks
    assert _refresh(actors.customer_a).changes_queued_at is None


def test_a_change_after_the_build_started_is_published_again(actors, rebuilds_sent):
    customer_id = actors.customer_a.pk
    assert changes.publish_account_change(customer_id) is True
    changes.changes_taken([customer_id])  # the consumer started
    # Nothing new since: nothing to publish.
    assert changes.publish_account_change(customer_id) is False
    Customer.objects.filter(pk=customer_id).update(data_version=F("data_version") + 1)
    assert changes.publish_account_change(customer_id) is True
    assert rebuilds_sent == [customer_id, customer_id]


def test_every_consumer_hears_of_a_change(actors, monkeypatch, settings):
    heard = []
    monkeypatch.setattr(
        "insights.tasks.rebuild_summary_task.apply_async",
        lambda **kw: heard.append(("summary", kw["args"][0])),
    )
    monkeypatch.setattr(
        "health.tasks.refresh_health.apply_async",
        lambda **kw: heard.append(("health", kw["args"][0])),
    )
    assert changes.publish_account_change(actors.customer_a.pk) is True
    assert heard == [("summary", actors.customer_a.pk), ("health", actors.customer_a.pk)]


def test_the_sweep_claims_only_customers_dirty_for_a_minute(actors, monkeypatch):
    sent = []
    monkeypatch.setattr(
        "insights.tasks.rebuild_summary_task.apply_async", lambda **kw: sent.append(kw["args"])
    )
    now = dt.datetime.now(dt.UTC)
    Customer.objects.update(summary_dirty_since=None)
    Customer.objects.filter(pk=actors.customer_a.pk).update(
        summary_dirty_since=now - dt.timedelta(minutes=5)
    )
    Customer.objects.filter(pk=actors.customer_b.pk).update(summary_dirty_since=now)
    assert changes.sweep_account_changes(now=now) == [actors.customer_a.pk]
    assert sent == [[actors.customer_a.pk]]
    # Claimed rows are left alone by the next sweep while their rebuild is pending.
    assert changes.sweep_account_changes(now=now + dt.timedelta(seconds=10)) == []


def test_the_nightly_job_queues_every_customer_in_batches(actors, monkeypatch):
    for _ in range(4):
        factories.CustomerFactory(lead=actors.sales_a)
    monkeypatch.setattr(summaries, "NIGHTLY_BATCH", 3)
    sent = []
    monkeypatch.setattr("insights.tasks.rebuild_summaries_task.delay", sent.append)
    assert summaries.enqueue_all_rebuilds() == 7
    assert [len(batch) for batch in sent] == [3, 3, 1]
    assert sorted(pk for batch in sent for pk in batch) == sorted(
        Customer.objects.values_list("pk", flat=True)
    )


def test_a_nightly_batch_that_cannot_be_queued_does_not_stop_the_others(actors, monkeypatch):
    monkeypatch.setattr(summaries, "NIGHTLY_BATCH", 1)
    sent = []

    def first_fails(batch):
        if not sent:
            sent.append(None)
            raise ConnectionError("broker down")
        sent.append(batch)

    monkeypatch.setattr("insights.tasks.rebuild_summaries_task.delay", first_fails)
    assert summaries.enqueue_all_rebuilds() == 3
    assert len(sent) == 3  # the failed one, then the other two


def test_a_nightly_batch_builds_every_account_without_queueing_health(
    actors, django_capture_on_commit_callbacks
):
    customers = [actors.customer_a, actors.customer_a2, actors.customer_b]
    summaries.rebuild_summary(actors.customer_a.pk)  # already current: unchanged
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outcomes = summaries.rebuild_summaries([c.pk for c in customers] + [987654])
    assert outcomes == {"unchanged": 1, "created": 2, "missing": 1}
    assert callbacks == []  # the daily health job refreshes every account after the night
    for customer in customers:
        assert AccountSummary.objects.filter(customer=customer).count() == 1
        state = SummaryBuildState.objects.get(customer=customer)
        assert state.status == SummaryBuildState.Status.SUCCEEDED


def test_a_failing_batch_is_built_account_by_account_so_only_the_poison_one_fails(
    actors, monkeypatch
):
    real_build = summaries.build_summary

    def batch_fails(customers, *, now):
        raise ValueError("poison somewhere in the batch")

    def poison_for_a2(customer, *, now):
        if customer.pk == actors.customer_a2.pk:
            raise ValueError("poison")
        return real_build(customer, now=now)

    monkeypatch.setattr(summaries, "build_summaries", batch_fails)
    monkeypatch.setattr(summaries, "build_summary", poison_for_a2)
    ids = [actors.customer_a.pk, actors.customer_a2.pk, actors.customer_b.pk]
    assert summaries.rebuild_summaries(ids) == {"created": 2, "failed": 1}
    state = SummaryBuildState.objects.get(customer=actors.customer_a2)
    assert state.status == SummaryBuildState.Status.FAILED
    assert state.last_error == "ValueError: poison"
    assert AccountSummary.objects.filter(customer=actors.customer_b).exists()


def test_a_database_error_fails_the_nightly_batch_so_the_task_retries_it(actors, monkeypatch):
    def database_gone(customers, *, now):
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(summaries, "build_summaries", database_gone)
    with pytest.raises(OperationalError):
        summaries.rebuild_summaries([actors.customer_a.pk, actors.customer_b.pk])
    assert not AccountSummary.objects.exists()


def test_an_account_edited_during_the_nightly_batch_stays_dirty_and_is_queued(actors, monkeypatch):
    real_build = summaries.build_summaries

    def build_while_someone_edits(customers, *, now):
        built = real_build(customers, now=now)
        changes.record_account_change(actors.customer_b.pk)
        return built

    queued = []
    monkeypatch.setattr(summaries, "build_summaries", build_while_someone_edits)
    monkeypatch.setattr(
        changes, "publish_account_change", lambda customer_id, **kw: queued.append(customer_id)
    )
    Customer.objects.update(summary_dirty_since=dt.datetime.now(dt.UTC))
    ids = [actors.customer_a.pk, actors.customer_b.pk]
    assert summaries.rebuild_summaries(ids) == {"created": 2}
    assert _refresh(actors.customer_a).summary_dirty_since is None
    assert _refresh(actors.customer_b).summary_dirty_since is not None
    assert queued == [actors.customer_b.pk]
    summary_b = AccountSummary.objects.get(customer=actors.customer_b)
    assert summary_b.source_data_version == _refresh(actors.customer_b).data_version - 1


def test_an_account_another_worker_is_building_is_left_to_it(actors, is_postgres):
    if not is_postgres:
        pytest.skip("the per-account lock is a PostgreSQL advisory lock")
    from django.db import connections

    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [summaries.LOCK_NAMESPACE, actors.customer_b.pk],
            )
            ids = [actors.customer_a.pk, actors.customer_b.pk]
            assert summaries.rebuild_summaries(ids) == {"created": 1, "busy": 1}
            cursor.execute("ROLLBACK")
    finally:
        other.close()
    assert not AccountSummary.objects.filter(customer=actors.customer_b).exists()


def test_a_nightly_batch_runs_the_same_queries_for_2_accounts_as_for_11(
    actors, django_assert_num_queries
):
    for _ in range(10):
        factories.GoalFactory(customer=factories.CustomerFactory(lead=actors.sales_a))
    two = [actors.customer_a.pk, actors.customer_b.pk]
    eleven = list(Customer.objects.exclude(pk__in=two).values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as small:
        assert summaries.rebuild_summaries(two) == {"created": 2}
    with django_assert_num_queries(len(small)):
        assert summaries.rebuild_summaries(eleven) == {"created": 11}


def _grow(customer: Customer, *, by: int) -> None:
    """Give the account `by` more of every record the summary reads."""
    now = dt.datetime.now(tz=dt.UTC)
    for i in range(by):
        goal = factories.GoalFactory(customer=customer)
        problem = factories.ProblemFactory(customer=customer)
        problem.blocks_goals.set([goal])
        proposal = factories.ProposalFactory(customer=customer)
        proposal.problems.set([problem])
        factories.ContributionFactory(proposal=proposal)
        meeting = factories.MeetingFactory(
            customer=customer, occurred_at=now - dt.timedelta(days=i), customer_said="Hi"
        )
        meeting.stakeholders.set([factories.StakeholderFactory(customer=customer)])
        factories.ActionItemFactory(customer=customer)


def test_a_rebuild_runs_the_same_queries_for_a_small_and_a_large_account(
    actors, django_assert_num_queries
):
    # 27 queries: the customer exists; build state created if missing, marked running, change
    # claims released; savepoint, advisory lock, the customer and its lead; the builder's 16
    # (no plan sections here: their items and goals add 2, test_builder pins those); the new
    # version, the dirty flag, build state succeeded; release.
    small, large = actors.customer_a, actors.customer_b
    _grow(small, by=1)
    _grow(large, by=8)
    with django_assert_num_queries(27):
        assert summaries.rebuild_summary(small.pk).outcome == "created"
    with django_assert_num_queries(27):
        assert summaries.rebuild_summary(large.pk).outcome == "created"


# --- Plan ----------------------------------------------------------------------------------------


def test_saving_a_section_keeps_every_version_and_marks_the_account_dirty(actors):
    customer = actors.customer_a
    before = _refresh(customer).data_version
    section = plans.save_plan_section(
        customer, area=None, body="v1", expected_version=0, by=actors.sales_a
    )
    plans.save_plan_section(
        customer, area=None, body="v2", expected_version=section.version, by=actors.sales_a
    )
    assert list(
        PlanSectionRevision.objects.filter(section=section).values_list("version", "body")
    ) == [(2, "v2"), (1, "v1")]
    assert _refresh(customer).data_version == before + 2


def test_a_specialists_submitted_section_tells_the_lead(actors):
    area = factories.AreaFactory(name="Logistics")
    section = plans.save_plan_section(
        actors.customer_a, area=area, body="We ship.", expected_version=0, by=actors.spec_a
    )
    # Saving a draft tells nobody; submitting it for review tells the lead.
    assert not Notification.objects.exists()
    plans.submit_plan_section(section, by=actors.spec_a)
    (told,) = Notification.objects.filter(user=actors.sales_a, kind=Notification.Kind.PLAN_REVIEW)
    assert "Logistics section" in told.message
    assert "for review" in told.message


def test_a_stale_section_save_is_refused(actors):
    customer = actors.customer_a
    plans.save_plan_section(customer, area=None, body="v1", expected_version=0, by=actors.sales_a)
    with pytest.raises(StaleVersion):
        plans.save_plan_section(
            customer, area=None, body="late", expected_version=0, by=actors.sales_a
        )
    with pytest.raises(StaleVersion):
        plans.save_plan_section(
            customer, area=None, body="late", expected_version=7, by=actors.sales_a
        )


def test_submit_notifies_managers_and_approval_notifies_the_lead(actors):
    customer = actors.customer_a
    plans.submit_plan(customer, by=actors.sales_a)
    assert Notification.objects.filter(
        user=actors.mgr_a, kind=Notification.Kind.PLAN_REVIEW
    ).exists()
    assert not Notification.objects.filter(user=actors.mgr_b).exists()
    with time_machine.travel(dt.datetime(2026, 7, 1, 9, tzinfo=dt.UTC), tick=False):
        plan = plans.review_plan(customer, by=actors.mgr_a, approve=True)
    assert plan.status == AccountPlan.Status.APPROVED
    assert plan.last_approved_at == dt.datetime(2026, 7, 1, 9, tzinfo=dt.UTC)
    assert Notification.objects.filter(
        user=actors.sales_a, kind=Notification.Kind.PLAN_REVIEW
    ).exists()
    with pytest.raises(IllegalTransition):
        plans.review_plan(customer, by=actors.mgr_a, approve=False, comment="again")


def test_requesting_changes_keeps_the_last_approval(actors):
    customer = actors.customer_a
    plans.submit_plan(customer, by=actors.sales_a)
    plans.review_plan(customer, by=actors.mgr_a, approve=True)
    plans.submit_plan(customer, by=actors.sales_a)
    plan = plans.review_plan(customer, by=actors.mgr_a, approve=False, comment="More detail")
    assert plan.status == AccountPlan.Status.CHANGES_REQUESTED
    assert plan.last_approved_at is not None
    assert list(plan.events.values_list("action", flat=True)) == [
        "changes_requested",
        "submitted",
        "approved",
        "submitted",
    ]


# --- Digest --------------------------------------------------------------------------------------


def _summary(customer, *, number, changes, built_at):
    return AccountSummary.objects.create(
        customer=customer,
        number=number,
        source_data_version=number,
        content={},
        changes=changes,
        markdown="",
        html="",
        content_hash=f"{customer.pk}-{number}",
        built_at=built_at,
    )


def test_weekly_digest_sends_one_email_per_person_with_their_changes(actors):
    now = dt.datetime(2026, 6, 15, 6, tzinfo=dt.UTC)
    _summary(
        actors.customer_a, number=1, changes=["Goal added: X"], built_at=now - dt.timedelta(days=2)
    )
    _summary(
        actors.customer_a, number=2, changes=["Goal added: Y"], built_at=now - dt.timedelta(days=1)
    )
    _summary(
        actors.customer_a2,
        number=1,
        changes=["Proposal added: P"],
        built_at=now - dt.timedelta(days=3),
    )
    _summary(actors.customer_b, number=1, changes=["Old news"], built_at=now - dt.timedelta(days=9))
    assert digest.send_weekly_digests(now=now) == 3
    by_recipient = {m.to[0]: m.body for m in mail.outbox}
    assert set(by_recipient) == {
        actors.sales_a.email,
        actors.sales_a2.email,
        actors.mgr_a.email,
    }
    assert "Goal added: X" in by_recipient[actors.sales_a.email]
    assert "Goal added: Y" in by_recipient[actors.sales_a.email]
    assert "Alpha Two" not in by_recipient[actors.sales_a.email]
    manager_mail = by_recipient[actors.mgr_a.email]
    assert "Alpha Industries" in manager_mail
    assert "Alpha Two" in manager_mail
    assert "Proposal added: P" in manager_mail
    # A second run in the same week sends nothing again.
    assert digest.send_weekly_digests(now=now) == 0
    assert DigestDelivery.objects.count() == 3


def test_weekly_digest_skips_people_with_nothing_changed(actors):
    assert digest.send_weekly_digests(now=dt.datetime(2026, 6, 15, tzinfo=dt.UTC)) == 0
    assert mail.outbox == []


def test_the_sweep_leaves_a_poison_account_alone_for_a_while(actors, monkeypatch):
    sent = []
    monkeypatch.setattr(
        "insights.tasks.rebuild_summary_task.apply_async", lambda **kw: sent.append(kw["args"])
    )

    def poison(customer, *, now):
        raise ValueError("poison")

    monkeypatch.setattr(summaries, "build_summary", poison)
    for _ in range(summaries.MAX_ATTEMPTS):
        with pytest.raises(ValueError, match="poison"):
            summaries.rebuild_summary(actors.customer_a.pk)
    now = dt.datetime.now(dt.UTC)
    Customer.objects.update(summary_dirty_since=None, changes_queued_at=None)
    Customer.objects.filter(pk=actors.customer_a.pk).update(
        summary_dirty_since=now - dt.timedelta(minutes=30)
    )
    assert changes.sweep_account_changes(now=now) == []
    later = now + summaries.FAILED_COOLDOWN + dt.timedelta(seconds=1)
    assert changes.sweep_account_changes(now=later) == [actors.customer_a.pk]


def test_after_a_broker_failure_publishing_pauses_briefly(actors, monkeypatch):
    calls = []

    def broker_down(**kwargs):
        calls.append(kwargs)
        raise OSError("connection refused")

    monkeypatch.setattr("insights.tasks.rebuild_summary_task.apply_async", broker_down)
    assert changes.publish_account_change(actors.customer_a.pk) is False
    assert changes.publish_account_change(actors.customer_a2.pk) is False
    # Only the first paid the broker's timeout; both stay dirty for the sweep.
    assert len(calls) == 1
    with time_machine.travel(
        dt.datetime.now(dt.UTC) + changes.BROKER_BACKOFF + dt.timedelta(seconds=1)
    ):
        changes.publish_account_change(actors.customer_b.pk)
    assert len(calls) == 2
