from celery import shared_task

from accounts import services
from core.tasks import retry_policy


@shared_task(**retry_policy())
def email_notification(notification_id: int) -> bool:
    """Email one notification to its user (once, however often the task is delivered)."""
    return services.email_notification(notification_id)


@shared_task(**retry_policy())
def send_password_reset_email(user_id: int) -> bool:
    """Email one password-reset link."""
    return services.send_password_reset_email(user_id)


@shared_task(**retry_policy())
def send_notification_digests() -> int:
    """The daily email of notifications their users chose to read in a digest."""
    return services.send_notification_digests()
