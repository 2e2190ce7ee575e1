"""Email into the dialogue: forwarding addresses, the mail that arrived, what was dropped."""

import secrets
from base64 import b32encode

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from customers.models import Customer
from dialogue.models import Meeting


def new_address_token() -> str:
    """16 lowercase base32 characters: survives mail systems that fold local parts to lower."""
    return b32encode(secrets.token_bytes(10)).decode().lower()


class InboundAddress(models.Model):
    """An address to forward or BCC mail to: an account's or a user's. Revoking one (a new
    token) makes mail to the old address land nowhere but the sender's inbox."""

    class Kind(models.TextChoices):
        ACCOUNT = "account", _("Account")
        # A person's own address; "User" as a buying role reads differently in German.
        USER = "user", pgettext_lazy("inbound address of", "User")

    kind = models.CharField(max_length=10, choices=Kind, verbose_name=_("kind"))
    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="inbound_addresses",
        verbose_name=_("customer"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="inbound_addresses",
        verbose_name=_("user"),
    )
    token = models.CharField(
        max_length=32,
        default=new_address_token,
        unique=True,
        editable=False,
        verbose_name=_("token"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    revoked_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("revoked at")
    )

    class Meta:
        verbose_name = _("inbound address")
        verbose_name_plural = _("inbound addresses")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="account", customer__isnull=False, user__isnull=True)
                    | models.Q(kind="user", user__isnull=False, customer__isnull=True)
                ),
                name="mailin_address_owner_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(revoked_at__isnull=True, customer__isnull=False),
                name="mailin_one_live_address_per_account",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(revoked_at__isnull=True, user__isnull=False),
                name="mailin_one_live_address_per_user",
            ),
        ]

    def __str__(self) -> str:
        return self.address

    @property
    def address(self) -> str:
        return f"{self.kind}+{self.token}@{settings.INBOUND_EMAIL_DOMAIN}"


class InboundEmail(models.Model):
    """One email from an Accord user: logged on an account's dialogue, or waiting in the
    sender's inbox to be assigned or discarded."""

    class Status(models.TextChoices):
        LOGGED = "logged", _("Logged")
        UNMATCHED = "unmatched", _("Waiting in the inbox")
        DISCARDED = "discarded", _("Discarded")

    class Via(models.TextChoices):
        WEBHOOK = "webhook", _("Provider webhook")
        IMAP = "imap", _("IMAP mailbox")

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="inbound_emails",
        verbose_name=_("sender"),
    )
    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_emails",
        verbose_name=_("customer"),
    )
    meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_emails",
        verbose_name=_("meeting"),
    )
    status = models.CharField(max_length=10, choices=Status, verbose_name=_("status"))
    via = models.CharField(max_length=10, choices=Via, verbose_name=_("via"))
    message_id = models.CharField(max_length=998, blank=True, verbose_name=_("message id"))
    in_reply_to = models.TextField(blank=True, verbose_name=_("in reply to"))
    subject = models.CharField(max_length=200, blank=True, verbose_name=_("subject"))
    from_address = models.CharField(max_length=320, verbose_name=_("from address"))
    participants = models.JSONField(default=list, blank=True, verbose_name=_("participants"))
    sent_at = models.DateTimeField(verbose_name=_("sent at"))
    received_at = models.DateTimeField(auto_now_add=True, verbose_name=_("received at"))
    body = models.TextField(blank=True, verbose_name=_("body"))
    quoted = models.TextField(blank=True, verbose_name=_("quoted"))
    signature = models.TextField(blank=True, verbose_name=_("signature"))
    resolved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("resolved at"))

    class Meta:
        verbose_name = _("inbound email")
        verbose_name_plural = _("inbound emails")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["sender", "status", "-received_at"]),
            models.Index(fields=["message_id"], name="mailin_email_message_id"),
        ]
        constraints = [
            # The same message delivered twice (a retried webhook, a re-polled mailbox).
            models.UniqueConstraint(
                fields=["sender", "message_id"],
                condition=~models.Q(message_id=""),
                name="mailin_email_once_per_sender",
            ),
        ]

    def __str__(self) -> str:
        return self.subject or self.message_id


class InboundAttachment(models.Model):
    """A file that came with an email, kept when under settings.MAILIN_MAX_ATTACHMENT_BYTES."""

    email = models.ForeignKey(
        InboundEmail, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("email")
    )
    file = models.FileField(
        upload_to="mailin/%Y/%m/", max_length=300, blank=True, verbose_name=_("file")
    )
    filename = models.CharField(max_length=255, verbose_name=_("filename"))
    content_type = models.CharField(max_length=255, blank=True, verbose_name=_("content type"))
    size = models.PositiveBigIntegerField(verbose_name=_("size"))
    is_kept = models.BooleanField(default=True, verbose_name=_("is kept"))

    class Meta:
        verbose_name = _("inbound attachment")
        verbose_name_plural = _("inbound attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename


class DroppedMailCount(models.Model):
    """How many emails were dropped, by reason (admins see it in the admin and at /metrics)."""

    class Reason(models.TextChoices):
        UNKNOWN_SENDER = "unknown_sender", _("Sender is not an Accord user")
        AUTH_FAILED = "auth_failed", _("SPF or DKIM failed")
        UNAUTHENTICATED = "unauthenticated", _("No SPF, DKIM or DMARC pass for the sender's domain")
        SPAM = "spam", _("Marked as spam by the provider")
        UNREADABLE = "unreadable", _("Not a readable email")

    reason = models.CharField(max_length=20, choices=Reason, unique=True, verbose_name=_("reason"))
    count = models.PositiveBigIntegerField(default=0, verbose_name=_("count"))
    last_dropped_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last dropped at"))

    class Meta:
        verbose_name = _("dropped mail count")
        verbose_name_plural = _("dropped mail counts")
        ordering = ["reason"]

    def __str__(self) -> str:
        return f"{self.reason}: {self.count}"
