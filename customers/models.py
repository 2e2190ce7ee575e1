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

    name = models.CharField(
        max_length=200, validators=[validate_single_line], verbose_name=_("name")
    )
    industry = models.CharField(
        max_length=100, blank=True, validators=[validate_single_line], verbose_name=_("industry")
    )
    website = models.URLField(
        max_length=300, blank=True, validators=[http_url], verbose_name=_("website")
    )
    size = models.CharField(max_length=20, choices=Size, blank=True, verbose_name=_("size"))
    description = models.TextField(max_length=5000, blank=True, verbose_name=_("description"))
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="led_customers",
        verbose_name=_("lead"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    # Bumped by every change to the account's records; the summary records the one it was built on.
    data_version = models.PositiveBigIntegerField(
        default=1, editable=False, verbose_name=_("data version")
    )
    # Set when a change needs a summary rebuild, cleared by the build of that data version.
    summary_dirty_since = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("summary dirty since")
    )
    # The change feed's bookkeeping (customers/changes.py): when the last publish was sent and
    # not yet taken by a consumer, the data version it covered, and when the sweep may next
    # publish the account (after a consumer gave up on it for a while).
    changes_queued_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("changes queued at")
    )
    changes_queued_version = models.PositiveBigIntegerField(
        default=0, editable=False, verbose_name=_("changes queued version")
    )
    changes_sweep_after = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("changes sweep after")
    )
    # Denormalized for the dashboard's sorting; refreshed by the summary and health jobs.
    health_score = models.PositiveSmallIntegerField(
        null=True, blank=True, editable=False, verbose_name=_("health score")
    )
    health_band = models.CharField(
        max_length=10, choices=HealthBand, blank=True, editable=False, verbose_name=_("health band")
    )
    health_updated_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("health updated at")
    )
    last_meeting_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("last meeting at")
    )

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
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["lead", "name"]),
            # The dashboard's and the customer list's pages walk this index in order.
            models.Index(fields=["name", "id"], name="customer_name_id"),
            models.Index(fields=["health_score"]),
            models.Index(fields=["summary_dirty_since"]),
        ]

    def __str__(self) -> str:
        return self.name


class AccountTally(models.Model):
    """How many of the accounts one viewer sees share a lead, an industry and a health band,
    with their value at stake: the dashboard's band counts and filter choices, read in a few
    rows instead of aggregated over every visible account (customers/tallies.py keeps them).

    `viewer_id` 0 is every account (what admins see); otherwise a user's id.
    """

    viewer_id = models.PositiveIntegerField(verbose_name=_("viewer"))
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("lead"),
    )
    industry = models.CharField(max_length=100, blank=True, verbose_name=_("industry"))
    band = models.CharField(max_length=10, blank=True, verbose_name=_("band"))
    accounts = models.PositiveIntegerField(verbose_name=_("accounts"))
    open_value = models.DecimalField(
        max_digits=18, decimal_places=2, default=0, verbose_name=_("open value")
    )
    weighted_value = models.DecimalField(
        max_digits=18, decimal_places=2, default=0, verbose_name=_("weighted value")
    )
    installed_value = models.DecimalField(
        max_digits=18, decimal_places=2, default=0, verbose_name=_("installed value")
    )

    class Meta:
        verbose_name = _("account tally")
        verbose_name_plural = _("account tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["viewer_id", "lead", "industry", "band"], name="account_tally_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.viewer_id}/{self.lead_id}/{self.industry}/{self.band}: {self.accounts}"


class CustomerOwnedQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> "CustomerOwnedQuerySet":
        return scope_to_visible(self, user, "customer")


class CustomerOwned(VersionedModel):
    """A record that belongs to one customer's account and is visible with it."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="+", verbose_name=_("customer")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

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
        Customer,
        on_delete=models.CASCADE,
        related_name="business_model",
        verbose_name=_("customer"),
    )
    value_proposition = models.TextField(
        max_length=5000, blank=True, verbose_name=_("value proposition")
    )
    customer_segments = models.TextField(
        max_length=5000, blank=True, verbose_name=_("customer segments")
    )
    channels = models.TextField(max_length=5000, blank=True, verbose_name=_("channels"))
    customer_relationships = models.TextField(
        max_length=5000, blank=True, verbose_name=_("customer relationships")
    )
    revenue_streams = models.TextField(
        max_length=5000, blank=True, verbose_name=_("revenue streams")
    )
    key_resources = models.TextField(max_length=5000, blank=True, verbose_name=_("key resources"))
    key_activities = models.TextField(max_length=5000, blank=True, verbose_name=_("key activities"))
    key_partners = models.TextField(max_length=5000, blank=True, verbose_name=_("key partners"))
    cost_structure = models.TextField(max_length=5000, blank=True, verbose_name=_("cost structure"))

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

    class Meta:
        verbose_name = _("business model")
        verbose_name_plural = _("business models")

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

    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="strategic_moves",
        verbose_name=_("customer"),
    )
    title = models.CharField(
        max_length=200, validators=[validate_single_line], verbose_name=_("title")
    )
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.OTHER, verbose_name=_("kind"))
    description = models.TextField(max_length=10000, blank=True, verbose_name=_("description"))
    horizon_on = models.DateField(null=True, blank=True, verbose_name=_("horizon on"))
    status = models.CharField(
        max_length=20, choices=Status, default=Status.ANNOUNCED, verbose_name=_("status")
    )
    source = models.CharField(
        max_length=300, blank=True, validators=[validate_single_line], verbose_name=_("source")
    )

    history = HistoricalRecords(excluded_fields=SOFT_DELETE_FIELDS)

    class Meta:
        verbose_name = _("strategic move")
        verbose_name_plural = _("strategic moves")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Goal(DeletableCustomerOwned):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ACHIEVED = "achieved", _("Achieved")
        DROPPED = "dropped", _("Dropped")

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="goals", verbose_name=_("customer")
    )
    title = models.CharField(
        max_length=200, validators=[validate_single_line], verbose_name=_("title")
    )
    description = models.TextField(max_length=10000, blank=True, verbose_name=_("description"))
    priority = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        verbose_name=_("priority"),
    )
    target_on = models.DateField(null=True, blank=True, verbose_name=_("target on"))
    metric = models.CharField(
        max_length=200, blank=True, validators=[validate_single_line], verbose_name=_("metric")
    )
    status = models.CharField(
        max_length=20, choices=Status, default=Status.ACTIVE, verbose_name=_("status")
    )
    confirmed = models.BooleanField(
        default=False,
        help_text=_("The customer has said this themselves."),
        verbose_name=_("confirmed"),
    )
    source = models.CharField(
        max_length=300, blank=True, validators=[validate_single_line], verbose_name=_("source")
    )

    history = HistoricalRecords(excluded_fields=SOFT_DELETE_FIELDS)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
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

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="options", verbose_name=_("customer")
    )
    kind = models.CharField(
        max_length=20, choices=Kind, default=Kind.STRATEGIC, verbose_name=_("kind")
    )
    title = models.CharField(
        max_length=200, validators=[validate_single_line], verbose_name=_("title")
    )
    description = models.TextField(max_length=10000, blank=True, verbose_name=_("description"))
    serves_goals = models.ManyToManyField(
        Goal, related_name="options", blank=True, verbose_name=_("serves goals")
    )

    history = HistoricalRecords(excluded_fields=SOFT_DELETE_FIELDS)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return self.title


class Process(DeletableCustomerOwned):
    """One of the customer's value-generation processes."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="processes", verbose_name=_("customer")
    )
    name = models.CharField(
        max_length=200, validators=[validate_single_line], verbose_name=_("name")
    )
    description = models.TextField(max_length=10000, blank=True, verbose_name=_("description"))

    history = HistoricalRecords(excluded_fields=SOFT_DELETE_FIELDS)

    class Meta:
        verbose_name = _("process")
        ordering = ["name"]
        verbose_name_plural = _("processes")

    def __str__(self) -> str:
        return self.name


class ProcessStep(SoftDeletable, VersionedModel):
    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="steps", verbose_name=_("process")
    )
    position = models.PositiveSmallIntegerField(verbose_name=_("position"))
    name = models.CharField(
        max_length=200, validators=[validate_single_line], verbose_name=_("name")
    )
    description = models.TextField(max_length=5000, blank=True, verbose_name=_("description"))

    objects = LiveManager()
    history = HistoricalRecords(excluded_fields=SOFT_DELETE_FIELDS)

    class Meta:
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        ordering = ["process", "position"]
        constraints = [
            models.UniqueConstraint(fields=["process", "position"], name="unique_step_position"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


# Stakeholder and Problem live in their own module; imported here so that customers.models
# keeps naming every model of the app (Django loads this module first).
from customers.models_people import Problem, Stakeholder  # noqa: E402,F401
