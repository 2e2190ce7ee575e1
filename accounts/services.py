"""Writes on users, their API tokens and notifications."""

import datetime as dt
import logging
import secrets
import smtplib
from collections.abc import Iterable
from functools import partial

from celery import current_app
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import ApiToken, Notification, User
from accounts.visibility import readable_notifications
from core.validators import single_line

logger = logging.getLogger("accord.notifications")

# Queued by name: accounts.tasks imports this module, not the other way round.
EMAIL_NOTIFICATION_TASK = "accounts.tasks.email_notification"
PASSWORD_RESET_TASK = "accounts.tasks.send_password_reset_email"
EMAIL_SUBJECT_LENGTH = 80
# Issuing one more token drops the oldest beyond this many, so a script that asks for a token
# on every run does not pile them up.
MAX_API_TOKENS_PER_USER = 10


class EmailRefused(Exception):
    """The mail server refused the message for good (a 5xx answer): another attempt would be
    refused alike, so the task's retry policy (core.tasks) does not retry it."""


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
        email_task = current_app.signature(EMAIL_NOTIFICATION_TASK)
        for notification in notifications:
            transaction.on_commit(partial(email_task.delay, notification.pk), robust=True)
    return notifications


def email_notification(notification_id: int) -> bool:
    """Send the notification's email unless it was already sent; True when this call sent it.

    A busy or unreachable mail server raises an OSError, which the task retries; a message the
    server refuses (EmailRefused) or Python refuses (ValueError) is not retried.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("user")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None or not notification.user.email:
            return False
        if not readable_notifications(notification.user).filter(pk=notification.pk).exists():
            return False  # the reader lost access to its account meanwhile
        base = getattr(settings, "SITE_URL", "").rstrip("/")
        body = notification.message
        if notification.url:
            body += f"\n\n{base}{notification.url}"
        # One line whatever the stored text holds: a header with a line break is refused.
        subject = "[Accord] " + single_line(notification.message, max_length=EMAIL_SUBJECT_LENGTH)
        _send(EmailMessage(subject=subject, body=body, to=[notification.user.email]))
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def _send(message: EmailMessage) -> None:
    try:
        message.send()
    except smtplib.SMTPException as exc:
        # SMTP errors are OSErrors, which core.tasks retries; a final answer must not be.
        if not _is_transient(exc):
            raise EmailRefused(str(exc)) from exc
        raise


def _is_transient(exc: smtplib.SMTPException) -> bool:
    """Whether another attempt could succeed: a 4xx answer or a lost connection."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, smtplib.SMTPServerDisconnected)


# API tokens


@transaction.atomic
def issue_api_token(user: User, *, is_mfa_verified: bool, name: str = "") -> tuple[ApiToken, str]:
    """A new API token for `user` and its key; the key is shown once, only its hash is kept."""
    key = secrets.token_hex(20)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        key_hash=ApiToken.hash_key(key),
        prefix=key[:8],
        name=single_line(name, max_length=100),
        stamp=user.credential_stamp(),
        is_mfa_verified=is_mfa_verified,
        created_at=now,
        expires_at=now + dt.timedelta(days=settings.API_TOKEN_DAYS),
    )
    kept = list(
        ApiToken.objects.filter(user=user).values_list("pk", flat=True)[:MAX_API_TOKENS_PER_USER]
    )
    ApiToken.objects.filter(user=user).exclude(pk__in=kept).delete()
    return token, key


def revoke_api_token(user: User, *, token_id: int) -> bool:
    """Delete one of the user's own tokens; False when they have no such token."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)


def revoke_api_tokens(user: User) -> int:
    """Delete every API token of the user; how many there were."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


@transaction.atomic
def end_other_credentials(user: User) -> None:
    """After two-factor is switched on or off: every other session and every API token ends.

    Raising the epoch changes the session hash of every session of the user; the caller keeps
    its own session with update_session_auth_hash().
    """
    User.objects.filter(pk=user.pk).update(credentials_epoch=F("credentials_epoch") + 1)
    user.refresh_from_db(fields=["credentials_epoch"])
    revoke_api_tokens(user)


# Password reset by email


def request_password_reset(*, email: str) -> int:
    """Queue a reset link for each active user with this address; how many were queued.

    The caller answers the same whatever the count, so the page tells nobody which addresses
    have an account; the email goes out from a task, so the answer takes as long either way.
    """
    users = [
        user
        for user in User.objects.filter(email__iexact=email, is_active=True)
        if user.has_usable_password()
    ]
    reset_task = current_app.signature(PASSWORD_RESET_TASK)
    for user in users:
        transaction.on_commit(partial(reset_task.delay, user.pk), robust=True)
    return len(users)


def send_password_reset_email(user_id: int) -> bool:
    """Email the user a single-use reset link, valid for settings.PASSWORD_RESET_TIMEOUT.

    The link is built on settings.SITE_URL, never on the request's Host header, and sent to the
    address on the account (not to the one typed in the form).
    """
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or not user.has_usable_password():
        return False
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "user": user,
        "link": settings.SITE_URL.rstrip("/") + path,
        "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
    }
    subject = single_line(render_to_string("registration/password_reset_subject.txt", context))
    body = render_to_string("registration/password_reset_email.txt", context)
    _send(EmailMessage(subject=subject, body=body, to=[user.email]))
    return True
