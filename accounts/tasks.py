from celery import shared_task
from django.db import InterfaceError, OperationalError

from accounts import services

# Only what another attempt can fix is retried: a busy or unreachable mail server, a database
# outage. A message the server or Python refuses (a bad address, a bad header) fails once.
RETRY_TRANSIENT_ERRORS = {
    "acks_late": True,
    "autoretry_for": (services.EmailDeliveryDelayed, OperationalError, InterfaceError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(**RETRY_TRANSIENT_ERRORS)
def email_notification(notification_id: int) -> bool:
    """Email one notification to its user (once, however often the task is delivered)."""
    return services.email_notification(notification_id)


@shared_task(**RETRY_TRANSIENT_ERRORS)
def send_password_reset_email(user_id: int) -> bool:
    """Email one password-reset link."""
    return services.send_password_reset_email(user_id)
