"""Writes on users, their API tokens and notifications."""

import datetime as dt
import logging
import secrets
import smtplib
from collections.abc import Callable, Iterable
from functools import partial

from celery import current_app
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.functional import lazy
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import ngettext

from accounts.localization import as_user_sees_it
from accounts.models import ApiToken, Notification, NotificationPreference, User
from accounts.visibility import readable_notifications
from core.validators import single_line

logger = logging.getLogger("accord.notifications")

# Queued by name: accounts.tasks imports this module, not the other way round.
EMAIL_NOTIFICATION_TASK = "accounts.tasks.email_notification"
PASSWORD_RESET_TASK = "accounts.tasks.send_password_reset_email"
UNSUBSCRIBE_SALT = "accord.notifications.unsubscribe"
# The daily digest lists what arrived since the previous one, and never older than this.
DIGEST_WINDOW = dt.timedelta(days=2)
EMAIL_SUBJECT_LENGTH = 80
# Issuing one more token drops the oldest beyond this many, so a script that asks for a token
# on every run does not pile them up.
MAX_API_TOKENS_PER_USER = 10


class EmailRefused(Exception):
    """The mail server refused the message for good (a 5xx answer): another attempt would be
    refused alike, so the task's retry policy (core.tasks) does not retry it."""


def _worded(message: str | Callable[[], str], user: User) -> str:
    if callable(message):
        with as_user_sees_it(user):
            return str(message())
    return message


def notify(
    users: Iterable[User],
    *,
    kind: str,
    message: str | Callable[[], str],
    url: str = "",
    customer_id: int | None = None,
    email: bool = True,
) -> list[Notification]:
    """Notify users in the app and, after the transaction commits, by email to those who chose
    "email at once" for this kind (the others read it in their inbox or daily digest).

    `message` is text, or a function that words it (with gettext): it is then called once per
    recipient in their language and time zone, so each reads it in their own words.
    """
    notifications = Notification.objects.bulk_create(
        Notification(
            user=user,
            kind=kind,
            message=_worded(message, user)[:300],
            url=url[:300],
            customer_id=customer_id,
        )
        for user in {user.pk: user for user in users}.values()
    )
    if email and notifications:
        chosen = deliveries([n.user_id for n in notifications], kind)
        email_task = current_app.signature(EMAIL_NOTIFICATION_TASK)
        for notification in notifications:
            if chosen[notification.user_id] == NotificationPreference.Delivery.EMAIL:
                transaction.on_commit(partial(email_task.delay, notification.pk), robust=True)
    return notifications


def deliveries(user_ids: list[int], kind: str) -> dict[int, str]:
    """How each user wants to hear about `kind` (one query); "email" unless they chose otherwise."""
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=user_ids, kind=kind).values_list(
            "user_id", "delivery"
        )
    )
    return {pk: chosen.get(pk, NotificationPreference.Delivery.EMAIL) for pk in user_ids}


def notification_settings(user: User) -> list[tuple[str, str, str]]:
    """Every kind of notification with its label and the user's choice, in one query."""
    chosen = dict(user.notification_preferences.values_list("kind", "delivery"))
    return [
        (kind, label, chosen.get(kind, NotificationPreference.Delivery.EMAIL))
        for kind, label in Notification.Kind.choices
    ]


@transaction.atomic
def save_notification_settings(
    user: User, *, choices: dict[str, str], digest_frequency: str
) -> None:
    """Store the user's choice per kind of notification and how often their digest comes."""
    NotificationPreference.objects.bulk_create(
        [NotificationPreference(user=user, kind=kind, delivery=d) for kind, d in choices.items()],
        update_conflicts=True,
        unique_fields=["user", "kind"],
        update_fields=["delivery"],
    )
    User.objects.filter(pk=user.pk).update(digest_frequency=digest_frequency)
    user.digest_frequency = digest_frequency


def unsubscribe_token(user_id: int, kind: str) -> str:
    """A signed token that switches off email for one kind of notification, no sign-in needed."""
    return signing.dumps([user_id, kind], salt=UNSUBSCRIBE_SALT, compress=True)


def _read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        user_id, kind = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or kind not in Notification.Kind.values:
        return None
    return user_id, kind


def unsubscribe_token_is_valid(token: str) -> str | None:
    """The label of the kind the token switches off; None when the token is not ours."""
    read = _read_unsubscribe_token(token)
    return Notification.Kind(read[1]).label if read else None


def unsubscribe(token: str) -> tuple[User, str] | None:
    """Switch email off for the token's user and kind; None when the token is not ours."""
    read = _read_unsubscribe_token(token)
    if read is None:
        return None
    user_id, kind = read
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"delivery": NotificationPreference.Delivery.OFF}
    )
    return user, kind


def _site_url() -> str:
    return getattr(settings, "SITE_URL", "").rstrip("/")


def _unsubscribe_url(user_id: int, kind: str) -> str:
    token = unsubscribe_token(user_id, kind)
    return _site_url() + reverse("notifications-unsubscribe", args=[token])


def email_notification(notification_id: int) -> bool:
    """Send the notification's email unless it was already sent; True when this call sent it.

    A busy or unreachable mail server raises an OSError, which the task retries; a message the
    server refuses (EmailRefused) or Python refuses (ValueError) is not retried. The user's
    choice is read again here, so an unsubscribe made meanwhile is respected.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("user", "customer")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None or not notification.user.email:
            return False
        chosen = deliveries([notification.user_id], notification.kind)[notification.user_id]
        if chosen != NotificationPreference.Delivery.EMAIL:
            return False
        if not readable_notifications(notification.user).filter(pk=notification.pk).exists():
            return False  # the reader lost access to its account meanwhile
        # One line whatever the stored text holds: a header with a line break is refused.
        subject = "[Accord] " + single_line(notification.message, max_length=EMAIL_SUBJECT_LENGTH)
        _send(
            _multipart_email(
                notification.user,
                subject=subject,
                template="accounts/email/notification",
                context={
                    "notification": notification,
                    "link": _site_url() + notification.url if notification.url else "",
                },
                unsubscribe_kind=notification.kind,
            )
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def _multipart_email(
    user: User, *, subject: str, template: str, context: dict, unsubscribe_kind: str = ""
) -> EmailMultiAlternatives:
    """A text and HTML email rendered from `template`.txt and .html, with an unsubscribe link."""
    context = {
        "user": user,
        "settings_url": _site_url() + reverse("notification-settings"),
        **context,
    }
    headers = {}
    if unsubscribe_kind:
        context["unsubscribe_url"] = _unsubscribe_url(user.pk, unsubscribe_kind)
        context["kind_label"] = Notification.Kind(unsubscribe_kind).label
        headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # In the recipient's language and time zone, whoever's request or task sends it.
    with as_user_sees_it(user):
        subject = str(subject)  # a lazy subject is written in the recipient's language too
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[user.email], headers=headers)
    message.attach_alternative(html, "text/html")
    return message


def send_notification_digests(*, now: dt.datetime | None = None) -> int:
    """Email each user who chose "daily digest" for some kinds what arrived of those kinds
    since the last digest; one email each, every notification in one digest at most."""
    now = now or timezone.now()
    digest_kinds = NotificationPreference.objects.filter(
        delivery=NotificationPreference.Delivery.DIGEST, user_id=OuterRef("user_id")
    ).values("kind")
    pending = (
        Notification.objects.filter(
            emailed_at__isnull=True,
            created_at__gt=now - DIGEST_WINDOW,
            created_at__lte=now,
            kind__in=Subquery(digest_kinds),
            user__is_active=True,
        )
        .exclude(user__email="")
        .values_list("user_id", flat=True)
        .distinct()
    )
    sent = 0
    for user in User.objects.filter(pk__in=pending).order_by("pk"):
        if _send_digest(user, now=now):
            sent += 1
    return sent


def _digest_subject_now(count: int) -> str:
    return ngettext(
        "[Accord] Your daily digest: %(count)d notification",
        "[Accord] Your daily digest: %(count)d notifications",
        count,
    ) % {"count": count}


# Evaluated when the email is written, in the recipient's language (_multipart_email).
_digest_subject = lazy(_digest_subject_now, str)


@transaction.atomic
def _send_digest(user: User, *, now: dt.datetime) -> bool:
    kinds = user.notification_preferences.filter(
        delivery=NotificationPreference.Delivery.DIGEST
    ).values("kind")
    notifications = list(
        readable_notifications(user)
        .select_for_update(of=("self",))
        .filter(
            emailed_at__isnull=True,
            created_at__gt=now - DIGEST_WINDOW,
            created_at__lte=now,
            kind__in=kinds,
        )
        .select_related("customer")
        .order_by("created_at", "pk")
    )
    if not notifications:
        return False
    _send(
        _multipart_email(
            user,
            subject=_digest_subject(len(notifications)),
            template="accounts/email/digest",
            context={
                "items": [(n, _site_url() + n.url if n.url else "") for n in notifications],
                "unsubscribes": [
                    (Notification.Kind(kind).label, _unsubscribe_url(user.pk, kind))
                    for kind in dict.fromkeys(n.kind for n in notifications)
                ],
            },
        )
    )
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=now)
    return True


def _send(message: EmailMessage) -> None:
    try:
        message.send()
    except smtplib.SMTPException as exc:
        # SMTP errors are OSErrors, which core.tasks retries; a final answer must not be.
        if not _is_transient(exc):
            raise EmailRefused(str(exc)) from exc
        raise


# The one way to send an email: a permanent SMTP answer becomes EmailRefused (not retried).
send_email = _send


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
    with as_user_sees_it(user):
        subject = single_line(render_to_string("registration/password_reset_subject.txt", context))
        body = render_to_string("registration/password_reset_email.txt", context)
    _send(EmailMessage(subject=subject, body=body, to=[user.email]))
    return True
