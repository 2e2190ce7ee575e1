"""Writes on users and notifications."""

import logging
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from accounts.models import Notification, User

logger = logging.getLogger("accord.notifications")


def notify(
    users: Iterable[User],
    *,
    kind: str,
    message: str,
    url: str = "",
    customer_id: int | None = None,
    email: bool = True,
) -> list[Notification]:
    """Notify users in the app and, after the transaction commits, by email."""
    notifications = Notification.objects.bulk_create(
        Notification(
            user=user, kind=kind, message=message[:300], url=url[:300], customer_id=customer_id
        )
        for user in users
    )
    if email:
        from accounts.tasks import email_notification

        for notification in notifications:
            transaction.on_commit(partial(email_notification.delay, notification.pk), robust=True)
    return notifications


def email_notification(notification_id: int) -> bool:
    """Send the notification's email unless it was already sent; True when this call sent it."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("user")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None or not notification.user.email:
            return False
        base = getattr(settings, "SITE_URL", "").rstrip("/")
        body = notification.message
        if notification.url:
            body += f"\n\n{base}{notification.url}"
        EmailMessage(
            subject=f"[Accord] {notification.message[:80]}",
            body=body,
            to=[notification.user.email],
        ).send()
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True
