from celery import shared_task

from core.tasks import retry_policy
from customers.models import Customer
from health import services


@shared_task(**retry_policy())
def refresh_health(customer_id: int) -> int | None:
    """A change-feed consumer and the daily job: refresh one account's health and today's
    snapshot (safe to run twice)."""
    result = services.refresh_customer_health(customer_id)
    return result.score if result else None


@shared_task(acks_late=True)
def snapshot_all_customers() -> int:
    """The daily beat job: one refresh task per customer."""
    count = 0
    for customer_id in Customer.objects.order_by("pk").values_list("pk", flat=True).iterator():
        refresh_health.delay(customer_id)
        count += 1
    return count
