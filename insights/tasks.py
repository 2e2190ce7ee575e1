"""Thin Celery tasks: take ids, call one service."""

from celery import shared_task

from core.tasks import retry_policy
from insights import digest, prep, summaries


@shared_task(**retry_policy())
def rebuild_summary_task(customer_id: int) -> str:
    """A change-feed consumer: rebuild one customer's summary (idempotent: a redelivery
    stores no second version)."""
    return summaries.rebuild_summary(customer_id).outcome


@shared_task(**retry_policy())
def rebuild_summaries_task(customer_ids: list[int]) -> dict[str, int]:
    """Nightly: rebuild a batch of summaries (idempotent: a retry stores no second version)."""
    return summaries.rebuild_summaries(customer_ids)


@shared_task(acks_late=True)
def rebuild_all_summaries_task() -> int:
    """Nightly: queue the rebuild of every summary, in batches."""
    return summaries.enqueue_all_rebuilds()


@shared_task(acks_late=True)
def send_weekly_digests_task() -> int:
    """Weekly: email leads and managers what changed in their accounts."""
    return digest.send_weekly_digests()


@shared_task(**retry_policy())
def refresh_prep_briefs_task(customer_id: int) -> int:
    """A change-feed consumer: rebuild the stored briefs of the customer's coming meetings."""
    return prep.refresh_prep_briefs(customer_id)


@shared_task(acks_late=True)
def prepare_due_briefs_task() -> int:
    """Every quarter hour: build and email the briefs whose evening has come (once each)."""
    return prep.prepare_due_briefs()
