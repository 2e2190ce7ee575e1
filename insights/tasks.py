"""Thin Celery tasks: take ids, call one service."""

import os

from celery import shared_task
from django.db import InterfaceError, OperationalError

from insights import services

# Exponential backoff with jitter between retries: base and cap in seconds. The environment may
# shorten them (the fault tests do); production keeps 2 s doubling up to 5 minutes.
RETRY_BACKOFF = int(os.environ.get("ACCORD_SUMMARY_RETRY_BACKOFF", "2"))
RETRY_BACKOFF_MAX = int(os.environ.get("ACCORD_SUMMARY_RETRY_BACKOFF_MAX", "300"))


# Builds retry a database error 5 times with backoff; other errors are recorded, not retried.
RETRY_DATABASE_ERRORS = {
    "acks_late": True,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": RETRY_BACKOFF,
    "retry_backoff_max": RETRY_BACKOFF_MAX,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(**RETRY_DATABASE_ERRORS)
def rebuild_summary_task(customer_id: int) -> str:
    """Rebuild one customer's summary (idempotent: redelivery stores no second version)."""
    return services.rebuild_summary(customer_id).outcome


@shared_task(**RETRY_DATABASE_ERRORS)
def rebuild_summaries_task(customer_ids: list[int]) -> dict[str, int]:
    """Nightly: rebuild a batch of summaries (idempotent: a retry stores no second version)."""
    return services.rebuild_summaries(customer_ids)


@shared_task(acks_late=True)
def sweep_dirty_summaries_task() -> int:
    """Every minute: queue a rebuild for each customer still dirty (the outbox sweep)."""
    return len(services.sweep_dirty_summaries())


@shared_task(acks_late=True)
def rebuild_all_summaries_task() -> int:
    """Nightly: queue the rebuild of every summary, in batches."""
    return services.enqueue_all_rebuilds()


@shared_task(acks_late=True)
def send_weekly_digests_task() -> int:
    """Weekly: email leads and managers what changed in their accounts."""
    return services.send_weekly_digests()
