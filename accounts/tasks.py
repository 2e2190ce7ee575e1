from celery import shared_task

from accounts import services


@shared_task(
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def email_notification(notification_id: int) -> bool:
    """Email one notification to its user (once, however often the task is delivered)."""
    return services.email_notification(notification_id)
