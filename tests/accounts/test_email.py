"""Notification emails: one-line subjects whatever the data, and no retries of what cannot work."""

import smtplib
from typing import ClassVar

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings

from accounts.models import Notification
from accounts.tasks import email_notification
from config.celery import app as celery_app
from tests import factories


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses every message with `error`; counts the attempts."""

    error: ClassVar[Exception] = ValueError("refused")
    attempts: ClassVar[int] = 0

    def send_messages(self, email_messages: list) -> int:
        type(self).attempts += 1
        raise self.error


REFUSING = {"default": {"BACKEND": "tests.accounts.test_email.RefusingBackend"}}


@pytest.mark.parametrize(
    "message",
    [
        "Title typed\nwith a line break",
        "Imported\r\nBcc: victim@example.com",
        "Unicode line\u2028separator and a\x0bvertical tab",
        "A very long title " * 10,
    ],
)
def test_the_subject_is_one_line_whatever_the_stored_text(db, message):
    notification = factories.NotificationFactory()
    # Rows stored before the single-line validator existed, or written by code.
    Notification.objects.filter(pk=notification.pk).update(message=message)
    assert email_notification(notification.pk) is True
    (sent,) = mail.outbox
    assert "\n" not in sent.subject
    assert "\r" not in sent.subject
    assert "\u2028" not in sent.subject
    assert sent.subject.startswith("[Accord] ")
    assert len(sent.subject) <= len("[Accord] ") + 80
    assert "Bcc" not in sent.message().get("Bcc", "")
    assert message.splitlines()[0] in sent.body


@override_settings(MAILERS=REFUSING)
def test_a_permanent_error_is_not_retried(db):
    notification = factories.NotificationFactory()
    RefusingBackend.attempts = 0
    RefusingBackend.error = smtplib.SMTPRecipientsRefused(
        {notification.user.email: (550, b"no such user")}
    )
    result = email_notification.apply(args=[notification.pk], throw=False)
    assert result.failed()
    assert RefusingBackend.attempts == 1
    assert Notification.objects.get(pk=notification.pk).emailed_at is None


@override_settings(MAILERS=REFUSING)
@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError("mail server down"),
        smtplib.SMTPServerDisconnected("gone"),
        smtplib.SMTPDataError(451, b"try again later"),
    ],
    ids=["refused connection", "disconnected", "4xx answer"],
)
def test_a_transient_error_is_retried_a_bounded_number_of_times(db, error, monkeypatch):
    # Eager retries run at once, one inside the other; they must not raise out of each other.
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)
    notification = factories.NotificationFactory()
    RefusingBackend.attempts = 0
    RefusingBackend.error = error
    result = email_notification.apply(args=[notification.pk], throw=False)
    assert result.failed()
    assert RefusingBackend.attempts == 1 + email_notification.max_retries


@override_settings(MAILERS=REFUSING)
def test_a_message_python_refuses_fails_once(db):
    notification = factories.NotificationFactory()
    RefusingBackend.attempts = 0
    RefusingBackend.error = ValueError("Header values may not contain linefeed")
    result = email_notification.apply(args=[notification.pk], throw=False)
    assert result.failed()
    assert RefusingBackend.attempts == 1


def test_no_email_about_an_account_the_reader_no_longer_sees(actors):
    """Penetration test finding 10: an email queued before access ended is not sent."""
    notification = factories.NotificationFactory(
        user=actors.spec_a, customer=actors.customer_a, message="Secret expansion"
    )
    actors.customer_a.memberships.filter(user=actors.spec_a).delete()
    assert email_notification(notification.pk) is False
    assert mail.outbox == []
