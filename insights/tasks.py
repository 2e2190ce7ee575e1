"""Thin Celery tasks: take ids, call one service."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from insights import services


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def rebuild_summary_task(customer_id: int) -> str:
    """Rebuild one customer's summary (idempotent: redelivery stores no second version)."""
    return services.rebuild_summary(customer_id).outcome


@shared_task(acks_late=True)
def sweep_dirty_summaries_task() -> int:
    """Every minute: queue a rebuild for each customer still dirty (the outbox sweep)."""
    return len(services.sweep_dirty_summaries())


@shared_task(acks_late=True)
def rebuild_all_summaries_task() -> int:
    """Nightly: queue a rebuild of every summary."""
    return services.enqueue_all_rebuilds()


@shared_task(acks_late=True)
def send_weekly_digests_task() -> int:
    """Weekly: email leads and managers what changed in their accounts."""
    return services.send_weekly_digests()
