import datetime as dt

from celery import shared_task
from django.utils import timezone

from core.tasks import retry_policy
from customers.changes import publish_account_change
from integrations import events, runs, webhooks

# Below the broker's visibility timeout (900 s), so a long import is never delivered twice.
IMPORT_TIME_LIMIT = 840


@shared_task(**retry_policy(), time_limit=IMPORT_TIME_LIMIT, soft_time_limit=IMPORT_TIME_LIMIT - 30)
def check_import_task(run_id: int) -> None:
    runs.check_run(run_id)


@shared_task(**retry_policy(), time_limit=IMPORT_TIME_LIMIT, soft_time_limit=IMPORT_TIME_LIMIT - 30)
def apply_import_task(run_id: int) -> None:
    runs.apply_run(run_id)


@shared_task(**retry_policy())
def publish_import_changes_task(customer_ids: list[int]) -> int:
    """After an import: the change feed's consumers told about each account it touched."""
    return sum(publish_account_change(customer_id) for customer_id in customer_ids)


@shared_task(**retry_policy())
def publish_webhook_events_task(customer_id: int) -> int:
    """A consumer of the change feed: the account's new events, queued for their endpoints."""
    return webhooks.publish_account_events(customer_id)


@shared_task(**retry_policy())
def deliver_webhook_task(delivery_id: int) -> str:
    return webhooks.deliver(delivery_id)


@shared_task(**retry_policy())
def retry_due_webhooks_task() -> int:
    """Beat, every minute: one task per delivery whose next attempt is due."""
    due = webhooks.due_deliveries()
    for delivery_id in due:
        deliver_webhook_task.delay(delivery_id)
    return len(due)


@shared_task(**retry_policy())
def publish_overdue_webhook_events_task(customer_id: int, today: str) -> int:
    return webhooks.publish_overdue_action_items(customer_id, dt.date.fromisoformat(today))


@shared_task(**retry_policy())
def overdue_webhook_events_task() -> int:
    """Beat, daily: one task per account with action items that may have fallen overdue."""
    today = timezone.localdate()
    accounts = events.accounts_with_overdue_items(today)
    for customer_id in accounts:
        publish_overdue_webhook_events_task.delay(customer_id, today.isoformat())
    return len(accounts)
