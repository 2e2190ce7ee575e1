"""Thin Celery tasks of the customers app."""

from celery import shared_task

from customers import changes, tallies


@shared_task(acks_late=True)
def sweep_account_changes_task() -> int:
    """Every minute: publish the change of each customer still dirty (the outbox sweep)."""
    return len(changes.sweep_account_changes())


@shared_task(acks_late=True)
def rebuild_tallies_task() -> int:
    """Nightly: recompute every viewer's account tallies from the accounts (repairs any drift,
    e.g. a row changed outside the services)."""
    return tallies.rebuild_tallies()
