from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Area, User
from accounts.visibility import scope_to_visible
from core.softdelete import LiveManager, SoftDeletable
from core.validators import validate_single_line
from core.versioning import VersionedModel
from customers.models import SOFT_DELETE_FIELDS, Customer, Goal, Stakeholder


class VisibleQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> "VisibleQuerySet":
        return scope_to_visible(self, user, "customer")


class AccountSummary(models.Model):
    """One stored version of a customer's account summary (never changed once written)."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="summaries", verbose_name=_("customer")
    )
    number = models.PositiveIntegerField(verbose_name=_("number"))
    source_data_version = models.PositiveBigIntegerField(verbose_name=_("source data version"))
    content = models.JSONField(verbose_name=_("content"))
    changes = models.JSONField(default=list, verbose_name=_("changes"))
    markdown = models.TextField(verbose_name=_("markdown"))
    html = models.TextField(verbose_name=_("html"))
    content_hash = models.CharField(max_length=64, verbose_name=_("content hash"))
    built_at = models.DateTimeField(verbose_name=_("built at"))

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("account summary")
        ordering = ["customer", "-number"]
        verbose_name_plural = _("account summaries")
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
        Customer,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="summary_build",
        verbose_name=_("customer"),
    )
    status = models.CharField(
        max_length=10, choices=Status, default=Status.IDLE, verbose_name=_("status")
    )
    requested_at = models.DateTimeField(null=True, blank=True, verbose_name=_("requested at"))
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("started at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))
    last_success_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last success at"))
    # Consecutive failed attempts; reset by a successful build.
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    run_count = models.PositiveIntegerField(default=0, verbose_name=_("run count"))
    last_error = models.TextField(blank=True, verbose_name=_("last error"))

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("summary build state")
        verbose_name_plural = _("summary build states")
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"Summary build of customer {self.customer_id}: {self.status}"


class Reviewed(models.Model):
    """Submitted for review and reviewed: the whole plan, and each of its sections."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")

    status = models.CharField(
        max_length=20, choices=Status, default=Status.DRAFT, verbose_name=_("status")
    )
    submitted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("reviewed at"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )

    class Meta:
        abstract = True


class AccountPlan(Reviewed, VersionedModel):
    """The account plan's review state; its text lives in PlanSection."""

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, related_name="account_plan", verbose_name=_("customer")
    )
    last_approved_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("last approved at")
    )

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("account plan")
        verbose_name_plural = _("account plans")

    def __str__(self) -> str:
        return f"Account plan of customer {self.customer_id}"


class PlanReviewEvent(models.Model):
    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted for review")
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes_requested", _("Requested changes")

    plan = models.ForeignKey(
        AccountPlan, on_delete=models.CASCADE, related_name="events", verbose_name=_("plan")
    )
    # Set when the event is one section's submission or review, not the whole plan's.
    section = models.ForeignKey(
        "PlanSection",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="review_events",
        verbose_name=_("section"),
    )
    action = models.CharField(max_length=20, choices=Action, verbose_name=_("action"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(verbose_name=_("at"))
    comment = models.TextField(max_length=5000, blank=True, verbose_name=_("comment"))

    class Meta:
        verbose_name = _("plan review event")
        verbose_name_plural = _("plan review events")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} by {self.by_id}"


def section_anchor(area_id: int | None) -> str:
    """The id of a section's card on the plan page."""
    return "section-strategy" if area_id is None else f"section-area-{area_id}"


class PlanSection(SoftDeletable, Reviewed, VersionedModel):
    """The strategy section (written by the lead) or one area's section (by its specialists):
    structured items (PlanItem) and free-text notes (`body`), each submitted for review on its
    own."""

    class Kind(models.TextChoices):
        STRATEGY = "strategy", _("Strategy")
        AREA = "area", _("Area")

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="plan_sections", verbose_name=_("customer")
    )
    kind = models.CharField(max_length=10, choices=Kind, verbose_name=_("kind"))
    area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_sections",
        verbose_name=_("area"),
    )
    # The free-text notes (before structured items, the whole section).
    body = models.TextField(max_length=50000, blank=True, verbose_name=_("body"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(verbose_name=_("updated at"))
    # The revision a reviewer last approved (the section's or the whole plan's approval).
    approved_version = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("approved version")
    )

    objects = LiveManager.from_queryset(VisibleQuerySet)()
    history = HistoricalRecords(excluded_fields=SOFT_DELETE_FIELDS)

    class Meta:
        verbose_name = _("plan section")
        verbose_name_plural = _("plan sections")
        ordering = ["customer", "kind", "area__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(kind="strategy", deleted_at__isnull=True),
                name="one_strategy_section",
            ),
            models.UniqueConstraint(
                fields=["customer", "area"],
                condition=Q(kind="area", deleted_at__isnull=True),
                name="one_section_per_area",
            ),
            models.CheckConstraint(
                condition=Q(kind="strategy", area__isnull=True)
                | Q(kind="area", area__isnull=False),
                name="plan_section_area_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def anchor(self) -> str:
        return section_anchor(self.area_id)

    @property
    def title(self) -> str:
        if self.kind == self.Kind.STRATEGY:
            return gettext("Strategy")
        return gettext("%(area)s section") % {"area": self.area}


class PlanSectionRevision(models.Model):
    """Every saved state of a plan section: its notes and a snapshot of its items (with the
    names of what they link to), who saved it and when."""

    section = models.ForeignKey(
        PlanSection, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("section")
    )
    version = models.PositiveIntegerField(verbose_name=_("version"))
    body = models.TextField(max_length=50000, blank=True, verbose_name=_("body"))
    items = models.JSONField(default=list, blank=True, verbose_name=_("items"))
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("saved by"),
    )
    saved_at = models.DateTimeField(verbose_name=_("saved at"))

    class Meta:
        verbose_name = _("plan section revision")
        verbose_name_plural = _("plan section revisions")
        ordering = ["section", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["section", "version"], name="unique_section_revision"),
        ]

    def __str__(self) -> str:
        return f"{self.section_id} v{self.version}"


class PlanItem(SoftDeletable, VersionedModel):
    """One structured item of a plan section: the strategy's objectives, risks and relationship
    actions; an area's offers (with their effort) and open questions."""

    class Kind(models.TextChoices):
        OBJECTIVE = "objective", _("Objective")
        RISK = "risk", _("Risk")
        ACTION = "action", _("Relationship action")
        OFFER = "offer", _("What we offer")
        QUESTION = "question", _("Open question")

    class Level(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    class Effort(models.TextChoices):
        SMALL = "small", _("Small (days)")
        MEDIUM = "medium", _("Medium (weeks)")
        LARGE = "large", _("Large (months)")

    STRATEGY_KINDS = (Kind.OBJECTIVE, Kind.RISK, Kind.ACTION)
    AREA_KINDS = (Kind.OFFER, Kind.QUESTION)
    # The fields each kind uses besides its title; the others stay empty.
    FIELDS = {
        Kind.OBJECTIVE: ("metric", "target", "target_on", "goals"),
        Kind.RISK: ("likelihood", "impact", "mitigation"),
        Kind.ACTION: ("stakeholder", "owner", "due_on"),
        Kind.OFFER: ("effort", "details"),
        Kind.QUESTION: ("details",),
    }

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="plan_items", verbose_name=_("customer")
    )
    section = models.ForeignKey(
        PlanSection, on_delete=models.CASCADE, related_name="items", verbose_name=_("section")
    )
    kind = models.CharField(max_length=10, choices=Kind, verbose_name=_("kind"))
    title = models.CharField(
        max_length=300, validators=[validate_single_line], verbose_name=_("title")
    )
    details = models.TextField(max_length=5000, blank=True, verbose_name=_("details"))
    metric = models.CharField(
        max_length=200, blank=True, validators=[validate_single_line], verbose_name=_("metric")
    )
    target = models.CharField(
        max_length=200, blank=True, validators=[validate_single_line], verbose_name=_("target")
    )
    target_on = models.DateField(null=True, blank=True, verbose_name=_("target on"))
    goals = models.ManyToManyField(
        Goal, related_name="plan_objectives", blank=True, verbose_name=_("goals")
    )
    likelihood = models.CharField(
        max_length=10, choices=Level, blank=True, verbose_name=_("likelihood")
    )
    impact = models.CharField(max_length=10, choices=Level, blank=True, verbose_name=_("impact"))
    mitigation = models.TextField(max_length=5000, blank=True, verbose_name=_("mitigation"))
    stakeholder = models.ForeignKey(
        Stakeholder,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_actions",
        verbose_name=_("stakeholder"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_actions",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(null=True, blank=True, verbose_name=_("due on"))
    effort = models.CharField(max_length=10, choices=Effort, blank=True, verbose_name=_("effort"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    objects = LiveManager.from_queryset(VisibleQuerySet)()
    history = HistoricalRecords(excluded_fields=SOFT_DELETE_FIELDS)

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["section", "kind", "created_at", "id"]
        indexes = [models.Index(fields=["section", "kind"])]

    def __str__(self) -> str:
        return self.title


class PlanComment(models.Model):
    """A comment on the account plan (managers review; the team answers)."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="plan_comments", verbose_name=_("customer")
    )
    section = models.ForeignKey(
        PlanSection,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("section"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="plan_comments",
        verbose_name=_("author"),
    )
    body = models.TextField(max_length=10000, verbose_name=_("body"))
    created_at = models.DateTimeField(verbose_name=_("created at"))

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan comment")
        verbose_name_plural = _("plan comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Plan comment {self.pk}"


class DigestDelivery(models.Model):
    """One weekly digest sent to one person, so a repeated run sends nothing twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="summary_digests",
        verbose_name=_("user"),
    )
    period_start = models.DateField(verbose_name=_("period start"))
    sent_at = models.DateTimeField(verbose_name=_("sent at"))

    class Meta:
        verbose_name = _("digest delivery")
        verbose_name_plural = _("digest deliveries")
        constraints = [
            models.UniqueConstraint(fields=["user", "period_start"], name="unique_weekly_digest"),
        ]

    def __str__(self) -> str:
        return f"Digest for {self.user_id} from {self.period_start}"


class PrepBrief(models.Model):
    """The stored prep brief of one planned meeting (insights.prep builds it)."""

    planned_meeting = models.OneToOneField(
        "dialogue.PlannedMeeting",
        on_delete=models.CASCADE,
        related_name="prep_brief",
        verbose_name=_("planned meeting"),
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="prep_briefs", verbose_name=_("customer")
    )
    content = models.JSONField(verbose_name=_("content"))
    source_data_version = models.PositiveBigIntegerField(verbose_name=_("source data version"))
    built_at = models.DateTimeField(verbose_name=_("built at"))
    # Set once, by whoever claims the email first: a redelivered job sends nothing again.
    emailed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("emailed at"))

    objects = VisibleQuerySet.as_manager()

    class Meta:
        verbose_name = _("prep brief")
        verbose_name_plural = _("prep briefs")

    def __str__(self) -> str:
        return f"Prep brief of planned meeting {self.planned_meeting_id}"
