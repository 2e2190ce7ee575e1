"""The one retry policy of Accord's Celery tasks.

A task is acknowledged only when it finished (a killed worker's job runs again), and it is
retried with exponential backoff and jitter only for errors that pass: the database or the
network being away for a while (OSError covers connection, timeout and SMTP errors). Any
other error is permanent: retrying the same input would fail the same way, so it is recorded
and the task stops. The backoff's base and cap are settings (CELERY_RETRY_BACKOFF,
CELERY_RETRY_BACKOFF_MAX).
"""

from django.conf import settings
from django.db import InterfaceError, OperationalError

TRANSIENT_ERRORS = (OperationalError, InterfaceError, OSError)
MAX_RETRIES = 5


def retry_policy() -> dict:
    """Keyword arguments for @shared_task: the policy above."""
    return {
        "acks_late": True,
        "autoretry_for": TRANSIENT_ERRORS,
        "retry_backoff": settings.CELERY_RETRY_BACKOFF,
        "retry_backoff_max": settings.CELERY_RETRY_BACKOFF_MAX,
        "retry_jitter": True,
        "max_retries": MAX_RETRIES,
    }
