"""Imports from a CRM's CSV exports: the runs, the remembered column mappings, and which of our
records came from which record of the source (so a re-import updates instead of duplicating)."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.models import Customer, http_url


def import_storage() -> FileSystemStorage:
    # Read at call time so tests (and the worker) use the configured folder.
    return FileSystemStorage(location=settings.IMPORT_DIR)


class RecordKind(models.TextChoices):
    ACCOUNTS = "accounts", _("Accounts")
    CONTACTS = "contacts", _("Contacts (stakeholders)")
    ACTIVITIES = "activities", _("Activities (meetings, calls, emails)")


class ImportSource(models.Model):
    """A generic CSV source of one user and its remembered column mapping."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_sources"
    )
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=RecordKind)
    # Our field -> the CSV column it is read from.
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name", "kind"], name="unique_import_source"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"


class ImportRun(models.Model):
    """One uploaded file: its dry run, its import and perhaps its undo."""

    class Status(models.TextChoices):
        NEEDS_MAPPING = "needs_mapping", _("Columns to map")
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")
        UNDONE = "undone", _("Undone")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_runs"
    )
    preset = models.CharField(max_length=40)
    kind = models.CharField(max_length=20, choices=RecordKind)
    # The namespace of the source's record ids: "salesforce", "hubspot" or "generic:<name>".
    system = models.CharField(max_length=120)
    source = models.ForeignKey(ImportSource, null=True, blank=True, on_delete=models.SET_NULL)
    mapping = models.JSONField(default=dict)
    encoding = models.CharField(max_length=20, default="auto")
    file = models.FileField(storage=import_storage, upload_to="%Y/%m/", max_length=300)
    file_name = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status, default=Status.CHECKING)
    # A checked file may be imported; the import recomputes everything in its transaction.
    total_rows = models.PositiveIntegerField(default=0)
    to_create = models.PositiveIntegerField(default=0)
    to_update = models.PositiveIntegerField(default=0)
    to_skip = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failure = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.file_name})"

    @property
    def is_busy(self) -> bool:
        return self.status in {self.Status.CHECKING, self.Status.IMPORTING}


class ImportRowError(models.Model):
    """A row the import cannot use: where it is and why."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="row_errors")
    line = models.PositiveIntegerField()
    column = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=500)

    class Meta:
        ordering = ["line", "id"]

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class ExternalRef(models.Model):
    """Our record (of `kind`, id `object_id`, on `customer`) is the source's record
    `external_id`. Unique per account: two teams importing the same CRM each get their own."""

    system = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=RecordKind)
    external_id = models.CharField(max_length=100)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    # A digest of the imported values: the same row again is skipped, a changed one updated.
    fingerprint = models.CharField(max_length=64)
    created_by_run = models.ForeignKey(
        ImportRun, on_delete=models.SET_NULL, null=True, related_name="created_refs"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["system", "kind", "external_id", "customer"], name="unique_external_ref"
            ),
        ]
        indexes = [
            models.Index(fields=["system", "kind", "external_id"]),
            models.Index(fields=["kind", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.system} {self.kind} {self.external_id}"


class ImportUpdate(models.Model):
    """A record an import changed, with its values before, so the import can be undone."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="updates")
    ref = models.ForeignKey(ExternalRef, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(max_length=200)
    before = models.JSONField()
    before_fingerprint = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.label} (run {self.run_id})"


class WebhookEndpoint(models.Model):
    """A URL told about events on the accounts its owner sees (an admin's: every account)."""

    class Format(models.TextChoices):
        JSON = "json", _("JSON (Standard Webhooks, signed)")
        CHAT = "chat", _("Chat message (Slack- or Teams-compatible incoming webhook)")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=500, validators=[http_url])
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list)
    format = models.CharField(max_length=10, choices=Format, default=Format.JSON)
    # "whsec_" and base64 of 24 random bytes, as the Standard Webhooks libraries expect.
    secret = models.CharField(max_length=100, editable=False)
    # Only an admin may point an endpoint at a private or loopback address.
    allow_private = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)
    disabled_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one endpoint: sent after the commit, retried for about a day, logged."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    message_id = models.CharField(max_length=40)
    event = models.CharField(max_length=50)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_ms = models.PositiveIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["endpoint", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id}"


class WebhookCursor(models.Model):
    """What the webhooks last saw of an account, to tell what is new at its next change."""

    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="+")
    seen_until = models.DateTimeField()
    health_band = models.CharField(max_length=10, blank=True)
    # The daily look for overdue action items: items due up to this day were announced.
    overdue_seen_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"webhook cursor of customer {self.customer_id}"
