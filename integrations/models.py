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
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="import_sources",
        verbose_name=_("user"),
    )
    name = models.CharField(max_length=100, verbose_name=_("name"))
    kind = models.CharField(max_length=20, choices=RecordKind, verbose_name=_("kind"))
    # Our field -> the CSV column it is read from.
    mapping = models.JSONField(default=dict, verbose_name=_("mapping"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("import source")
        verbose_name_plural = _("import sources")
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
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="import_runs",
        verbose_name=_("user"),
    )
    preset = models.CharField(max_length=40, verbose_name=_("preset"))
    kind = models.CharField(max_length=20, choices=RecordKind, verbose_name=_("kind"))
    # The namespace of the source's record ids: "salesforce", "hubspot" or "generic:<name>".
    system = models.CharField(max_length=120, verbose_name=_("system"))
    source = models.ForeignKey(
        ImportSource, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("source")
    )
    mapping = models.JSONField(default=dict, verbose_name=_("mapping"))
    encoding = models.CharField(max_length=20, default="auto", verbose_name=_("encoding"))
    file = models.FileField(
        storage=import_storage, upload_to="%Y/%m/", max_length=300, verbose_name=_("file")
    )
    file_name = models.CharField(max_length=200, verbose_name=_("file name"))
    status = models.CharField(
        max_length=20, choices=Status, default=Status.CHECKING, verbose_name=_("status")
    )
    # A checked file may be imported; the import recomputes everything in its transaction.
    total_rows = models.PositiveIntegerField(default=0, verbose_name=_("total rows"))
    to_create = models.PositiveIntegerField(default=0, verbose_name=_("to create"))
    to_update = models.PositiveIntegerField(default=0, verbose_name=_("to update"))
    to_skip = models.PositiveIntegerField(default=0, verbose_name=_("to skip"))
    error_count = models.PositiveIntegerField(default=0, verbose_name=_("error count"))
    created = models.PositiveIntegerField(default=0, verbose_name=_("created"))
    updated = models.PositiveIntegerField(default=0, verbose_name=_("updated"))
    skipped = models.PositiveIntegerField(default=0, verbose_name=_("skipped"))
    failure = models.CharField(max_length=500, blank=True, verbose_name=_("failure"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))
    undone_at = models.DateTimeField(null=True, blank=True, verbose_name=_("undone at"))

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.file_name})"

    @property
    def is_busy(self) -> bool:
        return self.status in {self.Status.CHECKING, self.Status.IMPORTING}


class ImportRowError(models.Model):
    """A row the import cannot use: where it is and why."""

    run = models.ForeignKey(
        ImportRun, on_delete=models.CASCADE, related_name="row_errors", verbose_name=_("run")
    )
    line = models.PositiveIntegerField(verbose_name=_("line"))
    column = models.CharField(max_length=200, blank=True, verbose_name=_("column"))
    reason = models.CharField(max_length=500, verbose_name=_("reason"))

    class Meta:
        verbose_name = _("import row error")
        verbose_name_plural = _("import row errors")
        ordering = ["line", "id"]

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class ExternalRef(models.Model):
    """Our record (of `kind`, id `object_id`, on `customer`) is the source's record
    `external_id`. Unique per account: two teams importing the same CRM each get their own."""

    system = models.CharField(max_length=120, verbose_name=_("system"))
    kind = models.CharField(max_length=20, choices=RecordKind, verbose_name=_("kind"))
    external_id = models.CharField(max_length=100, verbose_name=_("external id"))
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="+", verbose_name=_("customer")
    )
    object_id = models.PositiveBigIntegerField(verbose_name=_("object id"))
    # A digest of the imported values: the same row again is skipped, a changed one updated.
    fingerprint = models.CharField(max_length=64, verbose_name=_("fingerprint"))
    created_by_run = models.ForeignKey(
        ImportRun,
        on_delete=models.SET_NULL,
        null=True,
        related_name="created_refs",
        verbose_name=_("created by run"),
    )

    class Meta:
        verbose_name = _("external ref")
        verbose_name_plural = _("external refs")
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

    run = models.ForeignKey(
        ImportRun, on_delete=models.CASCADE, related_name="updates", verbose_name=_("run")
    )
    ref = models.ForeignKey(
        ExternalRef, on_delete=models.CASCADE, related_name="+", verbose_name=_("ref")
    )
    label = models.CharField(max_length=200, verbose_name=_("label"))
    before = models.JSONField(verbose_name=_("before"))
    before_fingerprint = models.CharField(max_length=64, verbose_name=_("before fingerprint"))

    class Meta:
        verbose_name = _("import update")
        verbose_name_plural = _("import updates")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.label} (run {self.run_id})"


class WebhookEndpoint(models.Model):
    """A URL told about events on the accounts its owner sees (an admin's: every account)."""

    class Format(models.TextChoices):
        JSON = "json", _("JSON (Standard Webhooks, signed)")
        CHAT = "chat", _("Chat message (Slack- or Teams-compatible incoming webhook)")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("owner"),
    )
    url = models.URLField(max_length=500, validators=[http_url], verbose_name=_("url"))
    description = models.CharField(max_length=200, blank=True, verbose_name=_("description"))
    events = models.JSONField(default=list, verbose_name=_("events"))
    format = models.CharField(
        max_length=10, choices=Format, default=Format.JSON, verbose_name=_("format")
    )
    # "whsec_" and base64 of 24 random bytes, as the Standard Webhooks libraries expect.
    secret = models.CharField(max_length=100, editable=False, verbose_name=_("secret"))
    # Only an admin may point an endpoint at a private or loopback address.
    allow_private = models.BooleanField(default=False, verbose_name=_("allow private"))
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))
    failing_since = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("failing since")
    )
    disabled_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("disabled at")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
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
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    message_id = models.CharField(max_length=40, verbose_name=_("message id"))
    event = models.CharField(max_length=50, verbose_name=_("event"))
    payload = models.JSONField(verbose_name=_("payload"))
    status = models.CharField(
        max_length=10, choices=Status, default=Status.PENDING, verbose_name=_("status")
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    next_attempt_at = models.DateTimeField(null=True, blank=True, verbose_name=_("next attempt at"))
    response_status = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("response status")
    )
    response_ms = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("response ms"))
    response_excerpt = models.CharField(
        max_length=500, blank=True, verbose_name=_("response excerpt")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    last_attempt_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last attempt at"))

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["endpoint", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id}"


class WebhookCursor(models.Model):
    """What the webhooks last saw of an account, to tell what is new at its next change."""

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, related_name="+", verbose_name=_("customer")
    )
    seen_until = models.DateTimeField(verbose_name=_("seen until"))
    health_band = models.CharField(max_length=10, blank=True, verbose_name=_("health band"))
    # The daily look for overdue action items: items due up to this day were announced.
    overdue_seen_on = models.DateField(null=True, blank=True, verbose_name=_("overdue seen on"))

    class Meta:
        verbose_name = _("webhook cursor")
        verbose_name_plural = _("webhook cursors")

    def __str__(self) -> str:
        return f"webhook cursor of customer {self.customer_id}"
