"""Strategy tools over the account model: divisions, the offering catalogue and the whitespace
grid (which offering is installed, proposed, an opportunity... in which division)."""

from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from accounts.models import Area
from core.softdelete import SoftDeletable
from core.validators import validate_single_line
from customers.models import (
    Customer,
    CustomerOwned,
    Goal,
    Option,
    Problem,
    Stakeholder,
    StrategicMove,
)
from solutions.models import Proposal


class Offering(models.Model):
    """What we offer, grouped by the internal area that delivers it; admins keep the catalogue."""

    name = models.CharField(max_length=120, validators=[validate_single_line])
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="offerings")
    description = models.CharField(max_length=300, blank=True, validators=[validate_single_line])
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(
        default=True, help_text="Inactive offerings leave the whitespace grid; their cells stay."
    )

    class Meta:
        ordering = ["area__name", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="offering_unique_name_per_area")
        ]

    def __str__(self) -> str:
        return self.name


class Division(SoftDeletable, CustomerOwned):
    """A division or business unit of the customer: a row of the whitespace grid."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="divisions")
    name = models.CharField(max_length=200, validators=[validate_single_line])
    head = models.ForeignKey(
        Stakeholder,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_divisions",
    )
    employees = models.PositiveIntegerField(null=True, blank=True, help_text="Its size, in staff.")
    notes = models.TextField(max_length=5000, blank=True)
    stakeholders = models.ManyToManyField(Stakeholder, related_name="divisions", blank=True)
    goals = models.ManyToManyField(Goal, related_name="divisions", blank=True)
    history = HistoricalRecords(excluded_fields=["deleted_at"])

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["customer", "name"])]

    def __str__(self) -> str:
        return self.name


class WhitespaceCell(CustomerOwned):
    """What one division has of one offering. A cell with no status is not assessed yet; clearing
    a cell keeps its row (and its history) with an empty status."""

    class Status(models.TextChoices):
        NOT_ASSESSED = "", "Not assessed"
        INSTALLED = "installed", "Installed"
        PROPOSED = "proposed", "Proposed"
        OPPORTUNITY = "opportunity", "Opportunity"
        NOT_A_FIT = "not_a_fit", "Not a fit"
        COMPETITOR = "competitor", "Competitor's"

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="whitespace")
    division = models.ForeignKey(Division, on_delete=models.CASCADE, related_name="cells")
    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="cells")
    status = models.CharField(max_length=20, choices=Status, blank=True)
    installed_since = models.DateField(null=True, blank=True)
    annual_value = models.DecimalField(
        "value per year",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="whitespace"
    )
    reason = models.TextField("why", max_length=2000, blank=True)
    goals = models.ManyToManyField(Goal, related_name="whitespace", blank=True)
    problems = models.ManyToManyField(Problem, related_name="whitespace", blank=True)
    competitor = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    history = HistoricalRecords()

    class Meta:
        ordering = ["division", "offering"]
        constraints = [
            models.UniqueConstraint(
                fields=["division", "offering"], name="whitespace_one_cell_per_pair"
            ),
            models.CheckConstraint(
                condition=models.Q(annual_value__isnull=True) | models.Q(annual_value__gte=0),
                name="whitespace_value_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.division} x {self.offering}: {self.get_status_display()}"

    @property
    def is_assessed(self) -> bool:
        return bool(self.status)


class AnalysisItem(SoftDeletable, CustomerOwned):
    """One item of the account's SWOT (the customer's own strengths, weaknesses, opportunities
    and threats) or PESTLE (its environment), written by the team or accepted from a suggestion.

    An item may point at one model record (its source). `source_version` is the version the
    team last looked at: a source edited since, closed or deleted makes the item stale. An
    ignored suggestion is kept as an ignored item so it is not suggested again.
    """

    class Framework(models.TextChoices):
        SWOT = "swot", "SWOT"
        PESTLE = "pestle", "PESTLE"

    class Category(models.TextChoices):
        STRENGTH = "strength", "Strengths"
        WEAKNESS = "weakness", "Weaknesses"
        OPPORTUNITY = "opportunity", "Opportunities"
        THREAT = "threat", "Threats"
        POLITICAL = "political", "Political"
        ECONOMIC = "economic", "Economic"
        SOCIAL = "social", "Social"
        TECHNOLOGICAL = "technological", "Technological"
        LEGAL = "legal", "Legal"
        ENVIRONMENTAL = "environmental", "Environmental"

    SWOT_CATEGORIES = ("strength", "weakness", "opportunity", "threat")
    PESTLE_CATEGORIES = (
        "political",
        "economic",
        "social",
        "technological",
        "legal",
        "environmental",
    )

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="analysis_items")
    category = models.CharField(max_length=20, choices=Category)
    text = models.TextField(max_length=2000)
    problem = models.ForeignKey(
        Problem, null=True, blank=True, on_delete=models.SET_NULL, related_name="analysis_items"
    )
    strategic_move = models.ForeignKey(
        StrategicMove,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="analysis_items",
    )
    option = models.ForeignKey(
        Option, null=True, blank=True, on_delete=models.SET_NULL, related_name="analysis_items"
    )
    goal = models.ForeignKey(
        Goal, null=True, blank=True, on_delete=models.SET_NULL, related_name="analysis_items"
    )
    # What the item was linked to, kept when the source is deleted ("problem", "move", ...).
    source_kind = models.CharField(max_length=20, blank=True, editable=False)
    source_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    is_suggested = models.BooleanField(default=False, editable=False)
    is_ignored = models.BooleanField(default=False, editable=False)
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    history = HistoricalRecords(excluded_fields=["deleted_at"])

    class Meta:
        ordering = ["category", "created_at", "id"]
        indexes = [models.Index(fields=["customer", "category"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(problem__isnull=True, strategic_move__isnull=True, option__isnull=True)
                    | models.Q(strategic_move__isnull=True, option__isnull=True, goal__isnull=True)
                    | models.Q(problem__isnull=True, option__isnull=True, goal__isnull=True)
                    | models.Q(problem__isnull=True, strategic_move__isnull=True, goal__isnull=True)
                ),
                name="analysis_item_one_source",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def framework(self) -> str:
        if self.category in self.SWOT_CATEGORIES:
            return self.Framework.SWOT
        return self.Framework.PESTLE
