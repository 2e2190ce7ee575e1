from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Area, User
from accounts.visibility import scope_to_visible
from core.versioning import VersionedModel
from customers.models import Customer


class VisibleQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> "VisibleQuerySet":
        return scope_to_visible(self, user, "customer")


class AccountSummary(models.Model):
    """One stored version of a customer's account summary (never changed once written)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="summaries")
    number = models.PositiveIntegerField()
    source_data_version = models.PositiveBigIntegerField()
    content = models.JSONField()
    changes = models.JSONField(default=list)
    markdown = models.TextField()
    html = models.TextField()
    content_hash = models.CharField(max_length=64)
    built_at = models.DateTimeField()

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["customer", "-number"]
        verbose_name_plural = "account summaries"
        constraints = [
            models.UniqueConstraint(fields=["customer", "number"], name="unique_summary_number"),
            models.UniqueConstraint(
                fields=["customer", "content_hash"], name="unique_summary_content"
            ),
        ]
        indexes = [models.Index(fields=["built_at"])]

    def __str__(self) -> str:
        return f"Summary {self.number} of customer {self.customer_id}"


class SummaryBuildState(models.Model):
    """The summary pipeline's bookkeeping for one customer, visible to staff in the admin."""

    class Status(models.TextChoices):
        IDLE = "idle", _("Idle")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, primary_key=True, related_name="summary_build"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.IDLE)
    requested_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    # Consecutive failed attempts; reset by a successful build.
    attempts = models.PositiveSmallIntegerField(default=0)
    run_count = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    objects = VisibleQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"Summary build of customer {self.customer_id}: {self.status}"


class AccountPlan(VersionedModel):
    """The account plan's review state; its text lives in PlanSection."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")

    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="account_plan")
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_approved_at = models.DateTimeField(null=True, blank=True)

    objects = VisibleQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Account plan of customer {self.customer_id}"


class PlanReviewEvent(models.Model):
    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted for review")
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes_requested", _("Requested changes")

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    comment = models.TextField(max_length=5000, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} by {self.by_id}"


class PlanSection(VersionedModel):
    """The strategy section (written by the lead) or one area's section (by its specialists)."""

    class Kind(models.TextChoices):
        STRATEGY = "strategy", _("Strategy")
        AREA = "area", _("Area")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="plan_sections")
    kind = models.CharField(max_length=10, choices=Kind)
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="plan_sections"
    )
    body = models.TextField(max_length=50000, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField()

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["customer", "kind", "area__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"], condition=Q(kind="strategy"), name="one_strategy_section"
            ),
            models.UniqueConstraint(
                fields=["customer", "area"], condition=Q(kind="area"), name="one_section_per_area"
            ),
            models.CheckConstraint(
                condition=Q(kind="strategy", area__isnull=True)
                | Q(kind="area", area__isnull=False),
                name="plan_section_area_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return "Strategy" if self.kind == self.Kind.STRATEGY else f"{self.area} section"


class PlanSectionRevision(models.Model):
    """Every saved text of a plan section, with who saved it and when."""

    section = models.ForeignKey(PlanSection, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    body = models.TextField(max_length=50000, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField()

    class Meta:
        ordering = ["section", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["section", "version"], name="unique_section_revision"),
        ]

    def __str__(self) -> str:
        return f"{self.section_id} v{self.version}"


class PlanComment(models.Model):
    """A comment on the account plan (managers review; the team answers)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="plan_comments")
    section = models.ForeignKey(
        PlanSection, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plan_comments"
    )
    body = models.TextField(max_length=10000)
    created_at = models.DateTimeField()

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Plan comment {self.pk}"


class DigestDelivery(models.Model):
    """One weekly digest sent to one person, so a repeated run sends nothing twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="summary_digests"
    )
    period_start = models.DateField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "period_start"], name="unique_weekly_digest"),
        ]

    def __str__(self) -> str:
        return f"Digest for {self.user_id} from {self.period_start}"


class PrepBrief(models.Model):
    """The stored prep brief of one planned meeting (insights.prep builds it)."""

    planned_meeting = models.OneToOneField(
        "dialogue.PlannedMeeting", on_delete=models.CASCADE, related_name="prep_brief"
    )
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="prep_briefs")
    content = models.JSONField()
    source_data_version = models.PositiveBigIntegerField()
    built_at = models.DateTimeField()
    # Set once, by whoever claims the email first: a redelivered job sends nothing again.
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = VisibleQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Prep brief of planned meeting {self.planned_meeting_id}"
