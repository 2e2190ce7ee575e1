"""Strategy tools over the account model: divisions, the offering catalogue and the whitespace
grid (which offering is installed, proposed, an opportunity... in which division)."""

from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from accounts.models import Area
from core.softdelete import SoftDeletable
from core.validators import validate_single_line
from customers.models import Customer, CustomerOwned, Goal, Problem, Stakeholder
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
