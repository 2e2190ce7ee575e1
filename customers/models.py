from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import User
from accounts.visibility import scope_to_visible
from core.softdelete import LiveManager, SoftDeletable
from core.validators import validate_single_line
from core.versioning import VersionedModel

http_url = URLValidator(schemes=["http", "https"])


class CustomerQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> "CustomerQuerySet":
        return scope_to_visible(self, user)


class Customer(VersionedModel):
    class Size(models.TextChoices):
        SMALL = "small", _("Small (under 50 employees)")
        MEDIUM = "medium", _("Medium (50-249)")
        LARGE = "large", _("Large (250-999)")
        ENTERPRISE = "enterprise", _("Enterprise (1,000+)")

    class HealthBand(models.TextChoices):
        GREEN = "green", _("Green")
        AMBER = "amber", _("Amber")
        RED = "red", _("Red")

    name = models.CharField(max_length=200, validators=[validate_single_line])
    industry = models.CharField(max_length=100, blank=True, validators=[validate_single_line])
    website = models.URLField(max_length=300, blank=True, validators=[http_url])
    size = models.CharField(max_length=20, choices=Size, blank=True)
    description = models.TextField(max_length=5000, blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_customers"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Bumped by every change to the account's records; the summary records the one it was built on.
    data_version = models.PositiveBigIntegerField(default=1, editable=False)
    # Set when a change needs a summary rebuild, cleared by the build of that data version.
    summary_dirty_since = models.DateTimeField(null=True, blank=True, editable=False)
    # The change feed's bookkeeping (customers/changes.py): when the last publish was sent and
    # not yet taken by a consumer, the data version it covered, and when the sweep may next
    # publish the account (after a consumer gave up on it for a while).
    changes_queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    changes_queued_version = models.PositiveBigIntegerField(default=0, editable=False)
    changes_sweep_after = models.DateTimeField(null=True, blank=True, editable=False)
    # Denormalized for the dashboard's sorting; refreshed by the summary and health jobs.
    health_score = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    health_band = models.CharField(max_length=10, choices=HealthBand, blank=True, editable=False)
    health_updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_meeting_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CustomerQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=[
            "data_version",
            "summary_dirty_since",
            "changes_queued_at",
            "changes_queued_version",
            "changes_sweep_after",
            "health_score",
            "health_band",
            "health_updated_at",
            "last_meeting_at",
            "updated_at",
        ]
    )

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["lead", "name"]),
            models.Index(fields=["health_score"]),
            models.Index(fields=["summary_dirty_since"]),
        ]

    def __str__(self) -> str:
        return self.name


class CustomerOwnedQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> "CustomerOwnedQuerySet":
        return scope_to_visible(self, user, "customer")


class CustomerOwned(VersionedModel):
    """A record that belongs to one customer's account and is visible with it."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CustomerOwnedQuerySet.as_manager()

    class Meta:
        abstract = True


class DeletableCustomerOwned(SoftDeletable, CustomerOwned):
    """An account record that goes to the account's trash when deleted: its default manager
    (and so every related manager, prefetch and form) sees only the live ones."""

    objects = LiveManager.from_queryset(CustomerOwnedQuerySet)()

    class Meta:
        abstract = True


# Soft-delete bookkeeping stays out of the history tables: a delete or a restore is a history
# row of its own, with the reason.
SOFT_DELETE_FIELDS = ["deleted_at", "deleted_by"]


class BusinessModel(CustomerOwned):
    """The customer's Business Model Canvas."""

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, related_name="business_model"
    )
    value_proposition = models.TextField(max_length=5000, blank=True)
    customer_segments = models.TextField(max_length=5000, blank=True)
    channels = models.TextField(max_length=5000, blank=True)
    customer_relationships = models.TextField(max_length=5000, blank=True)
    revenue_streams = models.TextField(max_length=5000, blank=True)
    key_resources = models.TextField(max_length=5000, blank=True)
    key_activities = models.TextField(max_length=5000, blank=True)
    key_partners = models.TextField(max_length=5000, blank=True)
    cost_structure = models.TextField(max_length=5000, blank=True)

    history = HistoricalRecords()

    CANVAS_FIELDS = (
        "key_partners",
        "key_activities",
        "key_resources",
        "value_proposition",
        "customer_relationships",
        "channels",
        "customer_segments",
        "cost_structure",
        "revenue_streams",
    )

    def __str__(self) -> str:
        return f"Business model of customer {self.customer_id}"


class StrategicMove(DeletableCustomerOwned):
    class Kind(models.TextChoices):
        EXPANSION = "expansion", _("Expansion")
        ACQUISITION = "acquisition", _("Acquisition")
        NEW_PRODUCT = "new_product", _("New product or market")
        COST_PROGRAMME = "cost_programme", _("Cost programme")
        DIGITALISATION = "digitalisation", _("Digitalisation")
        PARTNERSHIP = "partnership", _("Partnership")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        RUMOURED = "rumoured", _("Rumoured")
        ANNOUNCED = "announced", _("Announced")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        ABANDONED = "abandoned", _("Abandoned")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="strategic_moves")
    title = models.CharField(max_length=200, validators=[validate_single_line])
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.OTHER)
    description = models.TextField(max_length=10000, blank=True)
    horizon_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.ANNOUNCED)
    source = models.CharField(max_length=300, blank=True, validators=[validate_single_line])

    history = HistoricalRecords(excluded_fields=SOFT_DELETE_FIELDS)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Goal(DeletableCustomerOwned):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ACHIEVED = "achieved", _("Achieved")
        DROPPED = "dropped", _("Dropped")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=200, validators=[validate_single_line])
    description = models.TextField(max_length=10000, blank=True)
    priority = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    target_on = models.DateField(null=True, blank=True)
    metric = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    status = models.CharField(max_length=20, choices=Status, default=Status.ACTIVE)
    confirmed = models.BooleanField(
        default=False, help_text=_("The customer has said this themselves.")
    )
    source = models.CharField(max_length=300, blank=True, validators=[validate_single_line])

    history = HistoricalRecords(excluded_fields=SOFT_DELETE_FIELDS)

    class Meta:
        ordering = ["priority", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(priority__gte=1, priority__lte=3), name="goal_priority_1_3"
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "status"]),
            # Search reads the newest matches first (search.engine).
            models.Index(fields=["-created_at", "-id"], name="cus_goal_recent"),
        ]

    def __str__(self) -> str:
        return self.title


class Option(DeletableCustomerOwned):
    """One of the customer's own strategic or operational options."""

    class Kind(models.TextChoices):
        STRATEGIC = "strategic", _("Strategic")
        OPERATIONAL = "operational", _("Operational")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="options")
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.STRATEGIC)
    title = models.CharField(max_length=200, validators=[validate_single_line])
    description = models.TextField(max_length=10000, blank=True)
    serves_goals = models.ManyToManyField(Goal, related_name="options", blank=True)

    history = HistoricalRecords(excluded_fields=SOFT_DELETE_FIELDS)

    class Meta:
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return self.title


class Process(DeletableCustomerOwned):
    """One of the customer's value-generation processes."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="processes")
    name = models.CharField(max_length=200, validators=[validate_single_line])
    description = models.TextField(max_length=10000, blank=True)

    history = HistoricalRecords(excluded_fields=SOFT_DELETE_FIELDS)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "processes"

    def __str__(self) -> str:
        return self.name


class ProcessStep(SoftDeletable, VersionedModel):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200, validators=[validate_single_line])
    description = models.TextField(max_length=5000, blank=True)

    objects = LiveManager()
    history = HistoricalRecords(excluded_fields=SOFT_DELETE_FIELDS)

    class Meta:
        ordering = ["process", "position"]
        constraints = [
            models.UniqueConstraint(fields=["process", "position"], name="unique_step_position"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


class Stakeholder(DeletableCustomerOwned):
    class BuyingRole(models.TextChoices):
        DECISION_MAKER = "decision_maker", _("Decision maker")
        CHAMPION = "champion", _("Champion")
        INFLUENCER = "influencer", _("Influencer")
        USER = "user", _("User")
        GATEKEEPER = "gatekeeper", _("Gatekeeper")
        BLOCKER = "blocker", _("Blocker")

    class Attitude(models.TextChoices):
        SUPPORTER = "supporter", _("Supporter")
        NEUTRAL = "neutral", _("Neutral")
        DETRACTOR = "detractor", _("Detractor")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="stakeholders")
    name = models.CharField(max_length=200, validators=[validate_single_line])
    title = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=40, blank=True, validators=[validate_single_line])
    buying_role = models.CharField(max_length=20, choices=BuyingRole, default=BuyingRole.USER)
    influence = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    attitude = models.CharField(max_length=20, choices=Attitude, default=Attitude.NEUTRAL)
    reports_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_stakeholders",
        help_text=_("Who on our side owns the relationship."),
    )
    influences = models.ManyToManyField(
        "self", symmetrical=False, related_name="influenced_by", blank=True
    )
    history = HistoricalRecords(excluded_fields=SOFT_DELETE_FIELDS)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(influence__gte=1, influence__lte=5),
                name="stakeholder_influence_1_5",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "name"]),
            # Search reads the newest matches first (search.engine).
            models.Index(fields=["-created_at", "-id"], name="cus_stakeholder_recent"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_key(self) -> bool:
        return self.buying_role in {"decision_maker", "champion"} or self.influence >= 4


class Problem(DeletableCustomerOwned):
    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")
        CRITICAL = "critical", _("Critical")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        BEING_ADDRESSED = "being_addressed", _("Being addressed")
        SOLVED = "solved", _("Solved")
        PARKED = "parked", _("Parked")

    SEVERE = (Severity.HIGH, Severity.CRITICAL)
    OPEN_STATUSES = (Status.OPEN, Status.BEING_ADDRESSED)

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="problems")
    title = models.CharField(max_length=200, validators=[validate_single_line])
    description = models.TextField(max_length=10000, blank=True)
    severity = models.CharField(max_length=10, choices=Severity, default=Severity.MEDIUM)
    status = models.CharField(max_length=20, choices=Status, default=Status.OPEN)
    blocks_goals = models.ManyToManyField(Goal, related_name="blocking_problems", blank=True)
    process_step = models.ForeignKey(
        ProcessStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="pain_points"
    )
    raised_by = models.ForeignKey(
        Stakeholder,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="raised_problems",
    )
    confirmed = models.BooleanField(
        default=False, help_text=_("The customer has said this themselves.")
    )
    source = models.CharField(max_length=300, blank=True, validators=[validate_single_line])

    history = HistoricalRecords(excluded_fields=SOFT_DELETE_FIELDS)

    class Meta:
        ordering = ["title"]
        indexes = [
            models.Index(fields=["customer", "status", "severity"]),
            # Search reads the newest matches first (search.engine).
            models.Index(fields=["-created_at", "-id"], name="cus_problem_recent"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_severe_and_open(self) -> bool:
        return self.severity in self.SEVERE and self.status in self.OPEN_STATUSES
