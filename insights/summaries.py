"""Building and storing account summaries: the change feed's summary consumer.

The change feed (customers/changes.py) marks an account dirty in the edit's own transaction
and, after the commit, queues `rebuild_summary_task`; the sweep catches up when the broker lost
it. A build stores a new numbered version only when the content changed, and clears the dirty
flag only for the data version it read, so an edit made during the build keeps the customer
dirty (and is published again). One build per account at a time: a PostgreSQL advisory lock.
"""

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.models import User
from customers import changes
from customers.models import Customer
from insights.builder import BuiltSummary, build_summaries, build_summary
from insights.models import AccountSummary, SummaryBuildState

logger = logging.getLogger("accord.insights")

# Accounts per task of the nightly rebuild.
NIGHTLY_BATCH = 50
# A build that failed this often is left out of the sweep for FAILED_COOLDOWN (edits and the
# nightly job still try it), so a poison account is not retried by every sweep forever.
MAX_ATTEMPTS = 6
FAILED_COOLDOWN = dt.timedelta(hours=1)
# Namespace for pg_try_advisory_xact_lock(int, int), so our keys do not meet other locks.
LOCK_NAMESPACE = 0x53554D  # "SUM"


@dataclass(frozen=True)
class RebuildResult:
    outcome: str  # created, unchanged, busy, missing
    summary: AccountSummary | None = None
    still_dirty: bool = False


def request_rebuild(customer: Customer, *, by: User) -> bool:
    """'Rebuild now': mark the customer dirty (so the sweep is the backstop) and publish its
    change at once; False when the queue could not take it."""
    now = timezone.now()
    Customer.objects.filter(pk=customer.pk).update(
        summary_dirty_since=Coalesce(F("summary_dirty_since"), now)
    )
    SummaryBuildState.objects.bulk_create(
        [SummaryBuildState(customer_id=customer.pk)], ignore_conflicts=True
    )
    SummaryBuildState.objects.filter(customer_id=customer.pk).update(
        requested_at=now, last_error="", status=SummaryBuildState.Status.QUEUED
    )
    logger.info("summary rebuild of customer %s requested by %s", customer.pk, by.pk)
    queued = changes.publish_account_change(customer.pk, force=True)
    if not queued:
        SummaryBuildState.objects.filter(
            customer_id=customer.pk, status=SummaryBuildState.Status.QUEUED
        ).update(status=SummaryBuildState.Status.IDLE)
    return queued


def enqueue_all_rebuilds() -> int:
    """The nightly job: rebuild every customer's summary (the 90-day window moves daily).

    The accounts go in batches of NIGHTLY_BATCH per task, so a worker pays a task's overhead
    once per batch rather than per account. A batch that cannot be queued (broker down) is
    logged and skipped: those summaries keep yesterday's version until the next edit or night.
    """
    task = import_string("insights.tasks.rebuild_summaries_task")
    ids = list(Customer.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), NIGHTLY_BATCH):
        batch = ids[start : start + NIGHTLY_BATCH]
        try:
            task.delay(batch)
        except Exception:
            logger.warning("could not queue the nightly rebuild of customers %s", batch)
    return len(ids)


def rebuild_summary(customer_id: int, *, now: dt.datetime | None = None) -> RebuildResult:
    """Build the customer's summary and store it if its content is new (idempotent)."""
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
        # Edited while we built: the customer stays dirty, and its change is published again,
        # even if the edit's own publish happened (its build may have found us busy).
        changes.publish_account_change(customer_id, force=True)
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
            result = rebuild_summary(customer_id, now=now)
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
        # Edited while we built: those stay dirty and are published again.
        versions = {c.pk: c.data_version for c in customers}
        still_dirty = [
            pk
            for pk, version in Customer.objects.filter(pk__in=locked).values_list(
                "pk", "data_version"
            )
            if version != versions[pk]
        ]
        _mark_succeeded(locked)
    for customer_id in still_dirty:
        changes.publish_account_change(customer_id, force=True)
    return dict(outcomes)


def _build_and_store(customer_id: int, *, now: dt.datetime) -> RebuildResult:
    with transaction.atomic():
        if not _try_lock(customer_id):
            return RebuildResult("busy")
        customer = Customer.objects.select_related("lead").filter(pk=customer_id).first()
        if customer is None:
            return RebuildResult("missing")
        data_version = customer.data_version
        built = build_summary(customer, now=now)
        summary = None
        if not built.is_unchanged:
            summary = _new_version(customer, built, data_version, now=now)
            summary.save()
        cleaned = Customer.objects.filter(pk=customer_id, data_version=data_version).update(
            summary_dirty_since=None
        )
        _mark_succeeded([customer_id])
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
    SummaryBuildState.objects.filter(customer_id__in=ids).update(
        status=SummaryBuildState.Status.RUNNING,
        started_at=now,
        run_count=F("run_count") + 1,
    )
    # Edits made from now on publish the next rebuild.
    changes.changes_taken(ids)


def _mark_succeeded(customer_ids: list[int]) -> None:
    SummaryBuildState.objects.filter(customer_id__in=customer_ids).update(
        status=SummaryBuildState.Status.SUCCEEDED,
        finished_at=timezone.now(),
        last_success_at=timezone.now(),
        attempts=0,
        last_error="",
    )


def _record_failure(customer_id: int, exc: BaseException) -> None:
    try:
        states = SummaryBuildState.objects.filter(customer_id=customer_id)
        states.update(
            status=SummaryBuildState.Status.FAILED,
            finished_at=timezone.now(),
            attempts=F("attempts") + 1,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        if (states.values_list("attempts", flat=True).first() or 0) >= MAX_ATTEMPTS:
            changes.defer_sweep(customer_id, until=timezone.now() + FAILED_COOLDOWN)
    except Exception:
        # The database itself may be what failed; the task's retries take it from here.
        logger.exception("could not record the failed summary build of customer %s", customer_id)
