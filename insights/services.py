"""Writes of the insights app: the summary pipeline ("outbox lite") and the account plan.

PostgreSQL is the source of truth for what needs building: every change bumps
`Customer.data_version` and sets `summary_dirty_since` in the edit's own transaction. Celery is
only the fast path: after the commit a rebuild is enqueued; if that fails (broker down), the
sweep finds the customer still dirty and enqueues it again. A build clears the flag only for
the data version it read, so an edit made during the build keeps the customer dirty.
"""

import datetime as dt
import logging
import os
import time
from collections import defaultdict
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountMembership, Area, Notification, Team, User
from accounts.services import notify
from core.versioning import StaleVersion, save_versioned
from customers.models import Customer
from customers.services import record_account_change
from health.tasks import refresh_health
from insights.builder import BuiltSummary, build_summaries, build_summary
from insights.models import (
    AccountPlan,
    AccountSummary,
    DigestDelivery,
    PlanComment,
    PlanReviewEvent,
    PlanSection,
    PlanSectionRevision,
    SummaryBuildState,
)

logger = logging.getLogger("accord.insights")

# Edits within this many seconds of the first one share its rebuild.
DEBOUNCE_SECONDS = 2
# A queued rebuild older than this is presumed lost (e.g. Redis restarted without it).
PENDING_TTL = dt.timedelta(seconds=60)
# The sweep leaves fresh changes to the fast path.
SWEEP_AFTER = dt.timedelta(seconds=60)
SWEEP_BATCH = 500
# Accounts per task of the nightly rebuild.
NIGHTLY_BATCH = 50
# A build that failed this often is left to edits and the nightly job for FAILED_COOLDOWN,
# so a poison account is not retried by every sweep forever.
MAX_ATTEMPTS = 6
BROKER_BACKOFF = dt.timedelta(seconds=10)
FAILED_COOLDOWN = dt.timedelta(hours=1)
# Namespace for pg_try_advisory_xact_lock(int, int), so our keys do not meet other locks.
LOCK_NAMESPACE = 0x53554D  # "SUM"


# --- Enqueueing --------------------------------------------------------------------------------


def enqueue_summary_rebuild(customer_id: int, *, force: bool = False) -> bool:
    """Queue one rebuild unless one is already waiting; False when nothing was queued.

    Runs after the edit committed (transaction.on_commit). A broker failure is logged and
    swallowed: the customer is still dirty in PostgreSQL, so the sweep will build it.
    """
    now = timezone.now()
    SummaryBuildState.objects.bulk_create(
        [SummaryBuildState(customer_id=customer_id)], ignore_conflicts=True
    )
    claim = SummaryBuildState.objects.filter(customer_id=customer_id)
    if not force:
        claim = claim.filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - PENDING_TTL))
    if not claim.update(enqueued_at=now, status=SummaryBuildState.Status.QUEUED):
        return False
    return _publish(customer_id, claimed_at=now)


class _Broker:
    # Per process: after a failed publish, skip publishing for a while, so that during an
    # outage only one request per BROKER_BACKOFF pays the broker's timeout (the sweep catches up).
    down_until = 0.0


def _publish(customer_id: int, *, claimed_at: dt.datetime, backoff: bool = True) -> bool:
    from insights.tasks import rebuild_summary_task

    published = False
    if not backoff or time.time() >= _Broker.down_until:
        try:
            rebuild_summary_task.apply_async(args=[customer_id], countdown=DEBOUNCE_SECONDS)
            published = True
            _Broker.down_until = 0.0
        except Exception:
            _Broker.down_until = time.time() + BROKER_BACKOFF.total_seconds()
            logger.warning("could not queue the summary rebuild of customer %s", customer_id)
    if not published:
        # Let a later edit (or the sweep) try again rather than wait for PENDING_TTL.
        SummaryBuildState.objects.filter(customer_id=customer_id, enqueued_at=claimed_at).update(
            enqueued_at=None, status=SummaryBuildState.Status.IDLE
        )
    return published


def enqueue_after_commit(customer_id: int) -> None:
    """Register the rebuild to be queued once the current transaction commits (once per
    customer and transaction, however many of its records the transaction changed)."""
    hook = partial(enqueue_summary_rebuild, customer_id)
    connection = transaction.get_connection()
    # Django drops the hooks of a rolled-back savepoint from this list, so it is exactly
    # what will run at commit.
    if connection.in_atomic_block and any(
        isinstance(func, partial) and func.func is hook.func and func.args == hook.args
        for _savepoints, func, _robust in connection.run_on_commit
    ):
        return
    transaction.on_commit(hook, robust=True)


def request_rebuild(customer: Customer, *, by: User) -> bool:
    """'Rebuild now': mark the customer dirty (so the sweep is the backstop) and queue a build."""
    now = timezone.now()
    Customer.objects.filter(pk=customer.pk).update(
        summary_dirty_since=Coalesce(F("summary_dirty_since"), now)
    )
    SummaryBuildState.objects.bulk_create(
        [SummaryBuildState(customer_id=customer.pk)], ignore_conflicts=True
    )
    SummaryBuildState.objects.filter(customer_id=customer.pk).update(
        requested_at=now, last_error=""
    )
    logger.info("summary rebuild of customer %s requested by %s", customer.pk, by.pk)
    return enqueue_summary_rebuild(customer.pk, force=True)


def sweep_dirty_summaries(*, now: dt.datetime | None = None) -> list[int]:
    """Claim customers dirty for longer than SWEEP_AFTER and queue one rebuild each.

    FOR UPDATE SKIP LOCKED lets two sweepers run at once without claiming the same rows, and
    the claim marks each row as queued, so the next sweep leaves it alone for PENDING_TTL.
    """
    now = now or timezone.now()
    pending = SummaryBuildState.objects.filter(
        customer=OuterRef("pk"), enqueued_at__gte=now - PENDING_TTL
    )
    given_up = SummaryBuildState.objects.filter(
        customer=OuterRef("pk"),
        status=SummaryBuildState.Status.FAILED,
        attempts__gte=MAX_ATTEMPTS,
        finished_at__gte=now - FAILED_COOLDOWN,
    )
    with transaction.atomic():
        claimed = list(
            Customer.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(summary_dirty_since__lte=now - SWEEP_AFTER)
            .exclude(Exists(pending))
            .exclude(Exists(given_up))
            .order_by("summary_dirty_since", "pk")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        SummaryBuildState.objects.bulk_create(
            [SummaryBuildState(customer_id=pk) for pk in claimed], ignore_conflicts=True
        )
        SummaryBuildState.objects.filter(customer_id__in=claimed).update(
            enqueued_at=now, status=SummaryBuildState.Status.QUEUED
        )
    for customer_id in claimed:
        # The sweep is the recovery path and runs once a minute: it always tries the broker.
        _publish(customer_id, claimed_at=now, backoff=False)
    return claimed


def enqueue_all_rebuilds() -> int:
    """The nightly job: rebuild every customer's summary (the 90-day window moves daily).

    The accounts go in batches of NIGHTLY_BATCH per task, so a worker pays a task's overhead
    once per batch rather than per account. A batch that cannot be queued (broker down) is
    logged and skipped: those summaries keep yesterday's version until the next edit or night.
    """
    from insights.tasks import rebuild_summaries_task

    ids = list(Customer.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), NIGHTLY_BATCH):
        batch = ids[start : start + NIGHTLY_BATCH]
        try:
            rebuild_summaries_task.delay(batch)
        except Exception:
            logger.warning("could not queue the nightly rebuild of customers %s", batch)
    return len(ids)


# --- Building ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RebuildResult:
    outcome: str  # created, unchanged, busy, missing
    summary: AccountSummary | None = None
    still_dirty: bool = False


def rebuild_summary(
    customer_id: int, *, now: dt.datetime | None = None, refresh_health: bool = True
) -> RebuildResult:
    """Build the customer's summary and store it if its content is new (idempotent).

    A successful build queues the account's health refresh unless `refresh_health` is False
    (the nightly batches: the daily health job refreshes every account an hour later, and the
    score does not read the summary)."""
    now = now or timezone.now()
    if not Customer.objects.filter(pk=customer_id).exists():
        return RebuildResult("missing")
    _mark_started(customer_id, now=now)
    try:
        result = _build_and_store(customer_id, now=now)
    except Exception as exc:
        _record_failure(customer_id, exc)
        raise
    if result.still_dirty:
        # Edited while we built: the customer stays dirty, and gets its own rebuild.
        enqueue_summary_rebuild(customer_id)
    if refresh_health and result.outcome in {"created", "unchanged"}:
        after_rebuild(customer_id)
    return result


def rebuild_summaries(customer_ids: list[int], *, now: dt.datetime | None = None) -> dict[str, int]:
    """The nightly batch: build the accounts together (a fixed number of queries per batch)
    and store each new version; how many accounts ended in each outcome.

    If the batch fails for a reason other than the database, its accounts are built one by
    one, so a poison account has its failure recorded and the others are still built. A
    database error is raised instead: the task retries the batch with backoff, and the
    accounts already built then come out "unchanged".
    """
    now = now or timezone.now()
    try:
        return _build_and_store_batch(customer_ids, now=now)
    except (OperationalError, InterfaceError):
        raise
    except Exception:
        logger.exception(
            "nightly batch failed; building its %d accounts one by one", len(customer_ids)
        )
    outcomes: dict[str, int] = defaultdict(int)
    for customer_id in customer_ids:
        try:
            result = rebuild_summary(customer_id, now=now, refresh_health=False)
        except (OperationalError, InterfaceError):
            raise
        except Exception:
            logger.exception("the nightly rebuild of customer %s failed", customer_id)
            outcomes["failed"] += 1
        else:
            outcomes[result.outcome] += 1
    return dict(outcomes)


def _build_and_store_batch(customer_ids: list[int], *, now: dt.datetime) -> dict[str, int]:
    """What _build_and_store does for one account, for a batch: the same lock per account,
    the same data-version check before clearing the dirty flag, the same build state."""
    outcomes: dict[str, int] = defaultdict(int)
    wanted = set(customer_ids)
    present = sorted(Customer.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    if len(present) < len(wanted):
        outcomes["missing"] = len(wanted) - len(present)
    if not present:
        return dict(outcomes)
    _mark_started(present, now=now)
    with transaction.atomic():
        locked = _try_locks(present)
        if len(locked) < len(present):
            outcomes["busy"] = len(present) - len(locked)
        customers = list(Customer.objects.select_related("lead").filter(pk__in=locked))
        built = build_summaries(customers, now=now)
        new_versions = []
        for customer in customers:
            summary = built[customer.pk]
            if summary.is_unchanged:
                outcomes["unchanged"] += 1
                continue
            outcomes["created"] += 1
            new_versions.append(_new_version(customer, summary, customer.data_version, now=now))
        AccountSummary.objects.bulk_create(new_versions)
        read = Q(pk__in=[])
        for customer in customers:
            read |= Q(pk=customer.pk, data_version=customer.data_version)
        Customer.objects.filter(read).update(summary_dirty_since=None)
        # Edited while we built: those stay dirty and get their own rebuild.
        versions = {c.pk: c.data_version for c in customers}
        still_dirty = [
            pk
            for pk, version in Customer.objects.filter(pk__in=locked).values_list(
                "pk", "data_version"
            )
            if version != versions[pk]
        ]
        SummaryBuildState.objects.filter(customer_id__in=locked).update(
            status=SummaryBuildState.Status.SUCCEEDED,
            finished_at=timezone.now(),
            last_success_at=timezone.now(),
            attempts=0,
            last_error="",
        )
    for customer_id in still_dirty:
        enqueue_summary_rebuild(customer_id)
    return dict(outcomes)


def after_rebuild(customer_id: int) -> None:
    """Work that follows every successful summary build (the health score joins here)."""
    # Its own task: a failing health refresh must not fail (and retry) the summary build.
    transaction.on_commit(partial(refresh_health.delay, customer_id), robust=True)


def _build_and_store(customer_id: int, *, now: dt.datetime) -> RebuildResult:
    with transaction.atomic():
        if not _try_lock(customer_id):
            return RebuildResult("busy")
        customer = Customer.objects.select_related("lead").filter(pk=customer_id).first()
        if customer is None:
            return RebuildResult("missing")
        data_version = customer.data_version
        _fault_log("start", customer_id)
        _fault_delay()
        _fault_fail(customer_id)
        built = build_summary(customer, now=now)
        summary = None
        if not built.is_unchanged:
            summary = _new_version(customer, built, data_version, now=now)
            summary.save()
        cleaned = Customer.objects.filter(pk=customer_id, data_version=data_version).update(
            summary_dirty_since=None
        )
        SummaryBuildState.objects.filter(customer_id=customer_id).update(
            status=SummaryBuildState.Status.SUCCEEDED,
            finished_at=timezone.now(),
            last_success_at=timezone.now(),
            attempts=0,
            last_error="",
        )
        _fault_log("end", customer_id)
    return RebuildResult(
        "created" if summary else "unchanged", summary=summary, still_dirty=not cleaned
    )


def _new_version(
    customer: Customer, built: BuiltSummary, data_version: int, *, now: dt.datetime
) -> AccountSummary:
    """The next numbered version of the customer's summary, not saved yet."""
    return AccountSummary(
        customer=customer,
        number=built.previous.number + 1 if built.previous else 1,
        source_data_version=data_version,
        content=built.content,
        changes=built.changes,
        markdown=built.markdown,
        html=str(built.html),
        content_hash=built.content_hash,
        built_at=now,
    )


def _try_lock(customer_id: int) -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, customer_id % 2**31]
        )
        return bool(cursor.fetchone()[0])


def _try_locks(customer_ids: list[int]) -> list[int]:
    """_try_lock for many accounts in one statement; the ids whose lock we now hold."""
    if connection.vendor != "postgresql":
        return list(customer_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM unnest(%s::bigint[]) AS id "
            "WHERE pg_try_advisory_xact_lock(%s, (id %% 2147483648)::int)",
            [list(customer_ids), LOCK_NAMESPACE],
        )
        return [row[0] for row in cursor.fetchall()]


def _mark_started(customer_ids: int | list[int], *, now: dt.datetime) -> None:
    ids = [customer_ids] if isinstance(customer_ids, int) else customer_ids
    SummaryBuildState.objects.bulk_create(
        [SummaryBuildState(customer_id=pk) for pk in ids], ignore_conflicts=True
    )
    # Clearing enqueued_at lets edits made from now on queue the next rebuild.
    SummaryBuildState.objects.filter(customer_id__in=ids).update(
        status=SummaryBuildState.Status.RUNNING,
        enqueued_at=None,
        started_at=now,
        run_count=F("run_count") + 1,
    )


def _record_failure(customer_id: int, exc: BaseException) -> None:
    try:
        SummaryBuildState.objects.filter(customer_id=customer_id).update(
            status=SummaryBuildState.Status.FAILED,
            finished_at=timezone.now(),
            attempts=F("attempts") + 1,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
    except Exception:
        # The database itself may be what failed; the task's retries take it from here.
        logger.exception("could not record the failed summary build of customer %s", customer_id)


def _fault_delay() -> None:
    # Fault-injection hook for the worker tests (a slow build to kill mid-run); never set
    # in production.
    delay = os.environ.get("ACCORD_FAULT_SUMMARY_BUILD_DELAY")
    if delay:
        time.sleep(float(delay))


def _fault_fail(customer_id: int) -> None:
    # Fault-injection hook for the retry tests: "always" (a poison build) or N (the first N
    # runs of the build fail, as a transient database error would); never set in production.
    failures = os.environ.get("ACCORD_FAULT_SUMMARY_BUILD_FAILURES")
    if not failures:
        return
    runs = SummaryBuildState.objects.filter(customer_id=customer_id).values_list(
        "run_count", flat=True
    )
    if failures == "always" or runs.first() <= int(failures):
        raise OperationalError("injected fault")


def _fault_log(event: str, customer_id: int) -> None:
    # Fault-injection hook: appends when a build holds the account's lock, so a test can check
    # that two builds of one account never overlap; never set in production.
    path = os.environ.get("ACCORD_FAULT_BUILD_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as log:
            log.write(f"{event} {customer_id} {os.getpid()} {time.time():.6f}\n")


# --- Weekly digest -----------------------------------------------------------------------------


def send_weekly_digests(*, now: dt.datetime | None = None) -> int:
    """Email each lead and manager what changed in their accounts this week; one email each."""
    now = now or timezone.now()
    period_start = (now - dt.timedelta(days=7)).date()
    summaries = (
        AccountSummary.objects.filter(built_at__gt=now - dt.timedelta(days=7), built_at__lte=now)
        .select_related("customer")
        .order_by("customer__name", "customer_id", "number")
    )
    changes_by_customer: dict[int, list[str]] = defaultdict(list)
    customers: dict[int, Customer] = {}
    for summary in summaries:
        customers[summary.customer_id] = summary.customer
        for change in summary.changes:
            if change not in changes_by_customer[summary.customer_id]:
                changes_by_customer[summary.customer_id].append(change)
    recipients: dict[int, set[int]] = defaultdict(set)
    for customer in customers.values():
        recipients[customer.lead_id].add(customer.pk)
    managers = AccountMembership.objects.filter(customer_id__in=customers).values_list(
        "user__team_memberships__team__manager_id", "customer_id"
    )
    for manager_id, customer_id in managers:
        if manager_id is not None:
            recipients[manager_id].add(customer_id)
    already = set(
        DigestDelivery.objects.filter(period_start=period_start).values_list("user_id", flat=True)
    )
    users = User.objects.filter(pk__in=recipients.keys() - already, is_active=True).exclude(
        email=""
    )
    sent = 0
    for user in users.order_by("pk"):
        accounts = sorted(
            (customers[pk] for pk in recipients[user.pk] if changes_by_customer[pk]),
            key=lambda c: (c.name, c.pk),
        )
        if not accounts:
            continue
        with transaction.atomic():
            try:
                DigestDelivery.objects.create(user=user, period_start=period_start, sent_at=now)
            except IntegrityError:
                continue
            _digest_email(user, accounts, changes_by_customer).send()
        sent += 1
    return sent


def _digest_email(
    user: User, accounts: list[Customer], changes: dict[int, list[str]]
) -> EmailMessage:
    base = settings.SITE_URL.rstrip("/")
    lines = [f"Hello {user.display_name},", "", "This week in your accounts:"]
    for customer in accounts:
        lines += [
            "",
            f"{customer.name}",
            f"{base}{reverse('insights:summary', args=[customer.pk])}",
        ]
        lines += [f"  - {change}" for change in changes[customer.pk]]
    lines += ["", "Accord"]
    return EmailMessage(
        subject=f"[Accord] Weekly digest: changes in {len(accounts)} account(s)",
        body="\n".join(lines),
        to=[user.email],
    )


# --- The account plan --------------------------------------------------------------------------


@transaction.atomic
def save_plan_section(
    customer: Customer, *, area: Area | None, body: str, expected_version: int, by: User
) -> PlanSection:
    """Save a section's text, refusing a stale version; every saved text is kept as a revision.

    A section that does not exist yet reads as version 0.
    """
    now = timezone.now()
    kind = PlanSection.Kind.AREA if area else PlanSection.Kind.STRATEGY
    section = PlanSection.objects.filter(customer=customer, kind=kind, area=area).first()
    if section is None:
        if expected_version != 0:
            raise StaleVersion(PlanSection(customer=customer, kind=kind, area=area), None)
        try:
            with transaction.atomic():
                section = PlanSection.objects.create(
                    customer=customer,
                    kind=kind,
                    area=area,
                    body=body,
                    updated_by=by,
                    updated_at=now,
                )
        except IntegrityError as exc:
            current = PlanSection.objects.filter(customer=customer, kind=kind, area=area).first()
            raise StaleVersion(
                PlanSection(customer=customer, kind=kind, area=area), current
            ) from exc
    else:
        save_versioned(
            section,
            expected_version=expected_version,
            changes={"body": body, "updated_by": by, "updated_at": now},
        )
    PlanSectionRevision.objects.create(
        section=section, version=section.version, body=body, saved_by=by, saved_at=now
    )
    record_account_change(customer.pk)
    return section


def _plan_for_update(customer: Customer) -> AccountPlan:
    AccountPlan.objects.get_or_create(customer=customer)
    return AccountPlan.objects.select_for_update().get(customer=customer)


class InvalidTransition(Exception):
    """The plan is not in a state that allows this step."""


def _managers_of(customer: Customer) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            managed_teams__in=Team.objects.filter(
                team_members__user__account_memberships__customer=customer
            ),
        )
        .distinct()
        .order_by("pk")
    )


@transaction.atomic
def submit_plan(customer: Customer, *, by: User, comment: str = "") -> AccountPlan:
    """The lead asks the account's managers to review the plan."""
    plan = _plan_for_update(customer)
    if plan.status == AccountPlan.Status.SUBMITTED:
        raise InvalidTransition("The plan is already waiting for review.")
    now = timezone.now()
    plan.status = AccountPlan.Status.SUBMITTED
    plan.submitted_at, plan.submitted_by = now, by
    plan.version += 1
    plan.save()
    PlanReviewEvent.objects.create(
        plan=plan, action=PlanReviewEvent.Action.SUBMITTED, by=by, at=now, comment=comment
    )
    notify(
        _managers_of(customer),
        kind=Notification.Kind.PLAN_REVIEW,
        message=f"{by.display_name} submitted the account plan of {customer.name} for review.",
        url=reverse("insights:plan", args=[customer.pk]),
        customer_id=customer.pk,
    )
    record_account_change(customer.pk)
    return plan


@transaction.atomic
def review_plan(customer: Customer, *, by: User, approve: bool, comment: str = "") -> AccountPlan:
    """A manager approves the submitted plan, or requests changes with a comment."""
    plan = _plan_for_update(customer)
    if plan.status != AccountPlan.Status.SUBMITTED:
        raise InvalidTransition("Only a plan submitted for review can be reviewed.")
    now = timezone.now()
    plan.status = AccountPlan.Status.APPROVED if approve else AccountPlan.Status.CHANGES_REQUESTED
    plan.reviewed_at, plan.reviewed_by = now, by
    if approve:
        plan.last_approved_at = now
    plan.version += 1
    plan.save()
    action = (
        PlanReviewEvent.Action.APPROVED if approve else PlanReviewEvent.Action.CHANGES_REQUESTED
    )
    PlanReviewEvent.objects.create(plan=plan, action=action, by=by, at=now, comment=comment)
    verdict = "approved" if approve else "requested changes to"
    notify(
        [customer.lead],
        kind=Notification.Kind.PLAN_REVIEW,
        message=f"{by.display_name} {verdict} the account plan of {customer.name}."
        + (f" {comment}" if comment else ""),
        url=reverse("insights:plan", args=[customer.pk]),
        customer_id=customer.pk,
    )
    record_account_change(customer.pk)
    return plan


@transaction.atomic
def add_plan_comment(
    customer: Customer, *, by: User, body: str, section: PlanSection | None = None
) -> PlanComment:
    """Comment on the plan; the lead hears about it (unless they wrote it)."""
    comment = PlanComment.objects.create(
        customer=customer, section=section, author=by, body=body, created_at=timezone.now()
    )
    if customer.lead_id != by.pk:
        notify(
            [customer.lead],
            kind=Notification.Kind.PLAN_REVIEW,
            message=f"{by.display_name} commented on the account plan of {customer.name}.",
            url=reverse("insights:plan", args=[customer.pk]),
            customer_id=customer.pk,
        )
    record_account_change(customer.pk)
    return comment
