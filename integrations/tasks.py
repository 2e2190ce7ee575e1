from celery import shared_task

from core.tasks import retry_policy
from integrations import imports, webhooks

# Below the broker's visibility timeout (900 s), so a long import is never delivered twice.
IMPORT_TIME_LIMIT = 840


@shared_task(**retry_policy(), time_limit=IMPORT_TIME_LIMIT, soft_time_limit=IMPORT_TIME_LIMIT - 30)
def check_import_task(run_id: int) -> None:
    imports.check_run(run_id)


@shared_task(**retry_policy(), time_limit=IMPORT_TIME_LIMIT, soft_time_limit=IMPORT_TIME_LIMIT - 30)
def apply_import_task(run_id: int) -> None:
    imports.apply_run(run_id)


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
