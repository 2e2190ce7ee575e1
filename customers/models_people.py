"""The customer's people (`Stakeholder`) and the problems they raise (`Problem`).

Importable from customers.models, which imports them at its end; the app label is customers."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.validators import validate_single_line
from customers.models import (
    SOFT_DELETE_FIELDS,
    Customer,
    DeletableCustomerOwned,
    Goal,
    ProcessStep,
)


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

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="stakeholders", verbose_name=_("customer")
    )
    name = models.CharField(
        max_length=200, validators=[validate_single_line], verbose_name=_("name")
    )
    title = models.CharField(
        max_length=200, blank=True, validators=[validate_single_line], verbose_name=_("title")
    )
    email = models.EmailField(max_length=254, blank=True, verbose_name=_("email"))
    phone = models.CharField(
        max_length=40, blank=True, validators=[validate_single_line], verbose_name=_("phone")
    )
    buying_role = models.CharField(
        max_length=20, choices=BuyingRole, default=BuyingRole.USER, verbose_name=_("buying role")
    )
    influence = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        verbose_name=_("influence"),
    )
    attitude = models.CharField(
        max_length=20, choices=Attitude, default=Attitude.NEUTRAL, verbose_name=_("attitude")
    )
    reports_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        verbose_name=_("reports to"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_stakeholders",
        help_text=_("Who on our side owns the relationship."),
        verbose_name=_("owner"),
    )
    influences = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="influenced_by",
        blank=True,
        verbose_name=_("influences"),
    )
    history = HistoricalRecords(excluded_fields=SOFT_DELETE_FIELDS)

    class Meta:
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
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

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="problems", verbose_name=_("customer")
    )
    title = models.CharField(
        max_length=200, validators=[validate_single_line], verbose_name=_("title")
    )
    description = models.TextField(max_length=10000, blank=True, verbose_name=_("description"))
    severity = models.CharField(
        max_length=10, choices=Severity, default=Severity.MEDIUM, verbose_name=_("severity")
    )
    status = models.CharField(
        max_length=20, choices=Status, default=Status.OPEN, verbose_name=_("status")
    )
    blocks_goals = models.ManyToManyField(
        Goal, related_name="blocking_problems", blank=True, verbose_name=_("blocks goals")
    )
    process_step = models.ForeignKey(
        ProcessStep,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pain_points",
        verbose_name=_("process step"),
    )
    raised_by = models.ForeignKey(
        Stakeholder,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="raised_problems",
        verbose_name=_("raised by"),
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
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
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
