"""Beat tasks of the integrity app: forget old idempotency keys, purge the 30-day trash."""

from celery import shared_task

from integrity import idempotency, trash


@shared_task(acks_late=True)
def purge_expired_idempotency_keys_task() -> int:
    """Daily: delete idempotency keys older than 24 hours."""
    return idempotency.purge_expired_keys()


@shared_task(acks_late=True)
def purge_trash_task() -> int:
    """Daily: delete for good what was deleted more than 30 days ago."""
    return trash.purge_trash()
