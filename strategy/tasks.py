from celery import shared_task

from core.tasks import retry_policy
from strategy.scorecards import store_scorecard


@shared_task(**retry_policy())
def refresh_scorecard(customer_id: int) -> int | None:
    """A change-feed consumer: keep the account's stored plan scorecard current."""
    stored = store_scorecard(customer_id)
    return stored.percent if stored else None
