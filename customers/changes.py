"""The change feed: "an account changed", owned in one place.

Every write to an account calls `record_account_change(customer_id)` inside its transaction:
the customer's data version goes up and it is marked dirty, committed with the edit. After the
commit the feed tells the consumers: the Celery tasks named in
`settings.ACCOUNT_CHANGE_CONSUMERS` (the summary rebuild and the health refresh), loaded by
their dotted path as Django loads any configured class, so this module imports no app above
it. It publishes once per customer however many of
its records a transaction changed, and not again while a publish is waiting for its consumers:
the edit's own UPDATE claims the publish (changes_queued_at), so it costs no statement of its
own after the commit.

PostgreSQL is the source of truth, Celery only the fast path: when the broker is down the
publish fails quietly (the edit never fails for it) and the sweep, once a minute, publishes
for every customer still dirty. The summary consumer clears the dirty flag for the data version
it built, so an edit made during a build keeps the customer dirty.
"""

import datetime as dt
import logging
import time
from collections.abc import Iterable
from functools import partial
from typing import Any

from celery import Task
from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.module_loading import import_string

from customers.models import Customer

logger = logging.getLogger("accord.changes")

# Edits within this many seconds of the first one share its consumers' run.
DEBOUNCE_SECONDS = 2
# A publish older than this whose consumers never started is presumed lost (e.g. Redis
# restarted without it): the next edit, or the sweep, publishes again.
PENDING_TTL = dt.timedelta(seconds=60)
# The sweep leaves fresh changes to the fast path.
SWEEP_AFTER = dt.timedelta(seconds=60)
SWEEP_BATCH = 500
# After a failed publish this process skips publishing for a while, so that during an outage
# only one request per BROKER_BACKOFF pays the broker's timeout (the sweep catches up).
BROKER_BACKOFF = dt.timedelta(seconds=10)


def record_account_change(customer_id: int, *, publish: bool = True, **also: Any) -> None:
    """Mark the customer's data as changed (call inside the write's transaction); its consumers
    are told after the commit. `also`: more of the customer's columns to set in the same
    statement (e.g. a denormalized field the write changed). With `publish=False` the caller
    tells the consumers itself (a bulk import, from a worker, with publish_account_change), or
    else the sweep does."""
    now = timezone.now()
    values: dict[str, Any] = {
        "data_version": F("data_version") + 1,
        "summary_dirty_since": Coalesce(F("summary_dirty_since"), now),
        **also,
    }
    customer = Customer.objects.filter(pk=customer_id)
    if not publish:
        customer.update(**values)
        return
    # The claim publish_account_change makes, in the same UPDATE (a statement less per write):
    # the row is locked until the commit, and a rollback takes the claim back with the edit.
    # While an earlier publish waits for its consumers (they have not started: they would have
    # cleared changes_queued_at), it covers this version too; they read the data after our
    # commit (their changes_taken waits for this row's lock).
    claimable = Q(changes_queued_at__isnull=True) | Q(changes_queued_at__lt=now - PENDING_TTL)
    values["changes_queued_at"] = Case(
        When(claimable, then=Value(now)), default=F("changes_queued_at")
    )
    values["changes_queued_version"] = Case(
        When(
            claimable | Q(changes_queued_version=F("data_version")),
            then=F("data_version") + 1,
        ),
        default=F("changes_queued_version"),
        output_field=Customer._meta.get_field("changes_queued_version"),
    )
    if _claimed_at(customer, values) != now:
        return
    # Later calls of the same transaction find the claim taken: one publish per commit.
    transaction.on_commit(partial(_send, customer_id, claimed_at=now, backoff=True), robust=True)


def _claimed_at(customer: QuerySet[Customer], values: dict[str, Any]) -> dt.datetime | None:
    """Run the UPDATE; the row's changes_queued_at after it (RETURNING), None without a row."""
    opts = Customer._meta
    # QuerySet.update() returns only a row count; Model.save() reads expression values back
    # the same way (RETURNING), through this method.
    rows = customer._update(
        [(opts.get_field(name), None, value) for name, value in values.items()],
        returning_fields=[opts.get_field("changes_queued_at")],
    )
    return rows[0][0] if rows else None


def record_accounts_change(customer_ids: Iterable[int], **also: Any) -> None:
    """`record_account_change(publish=False)` for many customers at once (a bulk import, whose
    worker publishes): one UPDATE per thousand customers, their rows locked in key order first
    as the one-by-one calls would. `also` may use expressions on the row (OuterRef("pk"))."""
    ids = sorted(set(customer_ids))
    now = timezone.now()
    for start in range(0, len(ids), 1000):
        chunk = Customer.objects.filter(pk__in=ids[start : start + 1000])
        list(chunk.select_for_update().order_by("pk").values_list("pk", flat=True))
        chunk.update(
            data_version=F("data_version") + 1,
            summary_dirty_since=Coalesce(F("summary_dirty_since"), now),
            **also,
        )


def publish_account_change(customer_id: int, *, force: bool = False) -> bool:
    """Tell the consumers that the customer changed; False when nothing was sent.

    Without `force`, nothing is sent when an earlier publish already covered the customer's
    current data version, or when one is still waiting for its consumers to start.
    """
    now = timezone.now()
    claim = Customer.objects.filter(pk=customer_id)
    if not force:
        claim = claim.filter(
            Q(changes_queued_at__isnull=True) | Q(changes_queued_at__lt=now - PENDING_TTL),
            changes_queued_version__lt=F("data_version"),
        )
    if not claim.update(changes_queued_at=now, changes_queued_version=F("data_version")):
        return False
    return _send(customer_id, claimed_at=now, backoff=not force)


def changes_taken(customer_ids: list[int]) -> None:
    """A consumer started on these customers' changes: later edits publish again."""
    Customer.objects.filter(pk__in=customer_ids, changes_queued_at__isnull=False).update(
        changes_queued_at=None
    )


def defer_sweep(customer_id: int, *, until: dt.datetime) -> None:
    """Leave the customer out of the sweep until `until` (a consumer gave up on it for now; an
    edit still publishes at once)."""
    Customer.objects.filter(pk=customer_id).update(changes_sweep_after=until)


def sweep_account_changes(*, now: dt.datetime | None = None) -> list[int]:
    """Claim customers dirty for longer than SWEEP_AFTER and publish each (the recovery path).

    FOR UPDATE SKIP LOCKED lets two sweepers run at once without claiming the same rows, and
    the claim marks each row as published, so the next sweep leaves it alone for PENDING_TTL.
    """
    now = now or timezone.now()
    with transaction.atomic():
        claimed = list(
            Customer.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(summary_dirty_since__lte=now - SWEEP_AFTER)
            .filter(Q(changes_queued_at__isnull=True) | Q(changes_queued_at__lt=now - PENDING_TTL))
            .filter(Q(changes_sweep_after__isnull=True) | Q(changes_sweep_after__lte=now))
            .order_by("summary_dirty_since", "pk")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        Customer.objects.filter(pk__in=claimed).update(
            changes_queued_at=now, changes_queued_version=F("data_version")
        )
    for customer_id in claimed:
        # The sweep runs once a minute and is the recovery path: it always tries the broker.
        _send(customer_id, claimed_at=now, backoff=False)
    return claimed


def consumers() -> list[Task]:
    """The consumers' Celery tasks, in the order settings name them."""
    return [import_string(name) for name in settings.ACCOUNT_CHANGE_CONSUMERS]


class _Broker:
    # Per process: when publishing is paused after a failure (see BROKER_BACKOFF).
    down_until = 0.0


def _send(customer_id: int, *, claimed_at: dt.datetime, backoff: bool) -> bool:
    sent = False
    if not backoff or time.time() >= _Broker.down_until:
        try:
            for task in consumers():
                task.apply_async(args=[customer_id], countdown=DEBOUNCE_SECONDS)
            sent = True
            _Broker.down_until = 0.0
        except Exception:
            _Broker.down_until = time.time() + BROKER_BACKOFF.total_seconds()
            logger.warning("could not publish the changes of customer %s", customer_id)
    if not sent:
        # Let a later edit (or the sweep) try again rather than wait for PENDING_TTL.
        Customer.objects.filter(pk=customer_id, changes_queued_at=claimed_at).update(
            changes_queued_at=None
        )
    return sent
