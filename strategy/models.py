"""Strategy tools over the account model: divisions, the offering catalogue and the whitespace
grid (which offering is installed, proposed, an opportunity... in which division)."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Area
from core.softdelete import SoftDeletable
from core.validators import validate_single_line
from core.versioning import VersionedModel
from customers.models import (
    SOFT_DELETE_FIELDS,
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

    name = models.CharField(
        max_length=120, validators=[validate_single_line], verbose_name=_("name")
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="offerings", verbose_name=_("area")
    )
    description = models.CharField(
        max_length=300, blank=True, validators=[validate_single_line], verbose_name=_("description")
    )
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))
    is_active = models.BooleanField(
        default=True,
        help_text=_("Inactive offerings leave the whitespace grid; their cells stay."),
        verbose_name=_("is active"),
    )

    class Meta:
        verbose_name = _("offering")
        verbose_name_plural = _("offerings")
        ordering = ["area__name", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="offering_unique_name_per_area")
        ]

    def __str__(self) -> str:
        return self.name


class Division(SoftDeletable, CustomerOwned):
    """A division or business unit of the customer: a row of the whitespace grid."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="divisions", verbose_name=_("customer")
    )
    name = models.CharField(
        max_length=200, validators=[validate_single_line], verbose_name=_("name")
    )
    head = models.ForeignKey(
        Stakeholder,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_divisions",
        verbose_name=_("head"),
    )
    employees = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Its size, in staff."), verbose_name=_("employees")
    )
    notes = models.TextField(max_length=5000, blank=True, verbose_name=_("notes"))
    stakeholders = models.ManyToManyField(
        Stakeholder, related_name="divisions", blank=True, verbose_name=_("stakeholders")
    )
    goals = models.ManyToManyField(
        Goal, related_name="divisions", blank=True, verbose_name=_("goals")
    )
    history = HistoricalRecords(excluded_fields=SOFT_DELETE_FIELDS)

    class Meta:
        verbose_name = _("division")
        verbose_name_plural = _("divisions")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["customer", "name"])]

    def __str__(self) -> str:
        return self.name


class WhitespaceCell(CustomerOwned):
    """What one division has of one offering. A cell with no status is not assessed yet; clearing
    a cell keeps its row (and its history) with an empty status."""

    class Status(models.TextChoices):
        NOT_ASSESSED = "", _("Not assessed")
        INSTALLED = "installed", _("Installed")
        PROPOSED = "proposed", _("Proposed")
        OPPORTUNITY = "opportunity", _("Opportunity")
        NOT_A_FIT = "not_a_fit", _("Not a fit")
        COMPETITOR = "competitor", _("Competitor's")

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="whitespace", verbose_name=_("customer")
    )
    division = models.ForeignKey(
        Division, on_delete=models.CASCADE, related_name="cells", verbose_name=_("division")
    )
    offering = models.ForeignKey(
        Offering, on_delete=models.CASCADE, related_name="cells", verbose_name=_("offering")
    )
    status = models.CharField(max_length=20, choices=Status, blank=True, verbose_name=_("status"))
    installed_since = models.DateField(null=True, blank=True, verbose_name=_("installed since"))
    annual_value = models.DecimalField(
        _("value per year"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    proposal = models.ForeignKey(
        Proposal,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="whitespace",
        verbose_name=_("proposal"),
    )
    reason = models.TextField(_("why"), max_length=2000, blank=True)
    goals = models.ManyToManyField(
        Goal, related_name="whitespace", blank=True, verbose_name=_("goals")
    )
    problems = models.ManyToManyField(
        Problem, related_name="whitespace", blank=True, verbose_name=_("problems")
    )
    competitor = models.CharField(
        max_length=200, blank=True, validators=[validate_single_line], verbose_name=_("competitor")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("whitespace cell")
        verbose_name_plural = _("whitespace cells")
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
        SWOT = "swot", _("SWOT")
        PESTLE = "pestle", _("PESTLE")

    class Category(models.TextChoices):
        STRENGTH = "strength", _("Strengths")
        WEAKNESS = "weakness", _("Weaknesses")
        OPPORTUNITY = "opportunity", _("Opportunities")
        THREAT = "threat", _("Threats")
        POLITICAL = "political", _("Political")
        ECONOMIC = "economic", _("Economic")
        SOCIAL = "social", _("Social")
        TECHNOLOGICAL = "technological", _("Technological")
        LEGAL = "legal", _("Legal")
        ENVIRONMENTAL = "environmental", _("Environmental")

    SWOT_CATEGORIES = ("strength", "weakness", "opportunity", "threat")
    PESTLE_CATEGORIES = (
        "political",
        "economic",
        "social",
        "technological",
        "legal",
        "environmental",
    )

    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="analysis_items",
        verbose_name=_("customer"),
    )
    category = models.CharField(max_length=20, choices=Category, verbose_name=_("category"))
    text = models.TextField(max_length=2000, verbose_name=_("text"))
    problem = models.ForeignKey(
        Problem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="analysis_items",
        verbose_name=_("problem"),
    )
    strategic_move = models.ForeignKey(
        StrategicMove,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="analysis_items",
        verbose_name=_("strategic move"),
    )
    option = models.ForeignKey(
        Option,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="analysis_items",
        verbose_name=_("option"),
    )
    goal = models.ForeignKey(
        Goal,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="analysis_items",
        verbose_name=_("goal"),
    )
    # What the item was linked to, kept when the source is deleted ("problem", "move", ...).
    source_kind = models.CharField(
        max_length=20, blank=True, editable=False, verbose_name=_("source kind")
    )
    source_version = models.PositiveIntegerField(
        null=True, blank=True, editable=False, verbose_name=_("source version")
    )
    is_suggested = models.BooleanField(
        default=False, editable=False, verbose_name=_("is suggested")
    )
    is_ignored = models.BooleanField(default=False, editable=False, verbose_name=_("is ignored"))
    created_by = models.ForeignKey(
        "accounts.User",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    history = HistoricalRecords(excluded_fields=SOFT_DELETE_FIELDS)

    class Meta:
        verbose_name = _("analysis item")
        verbose_name_plural = _("analysis items")
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


class Playbook(models.Model):
    """What a good account plan has in one segment (industry and size); admins define them.

    Blank industry or size match any. A new account picks up the playbook of its segment; its
    lead may choose another (AccountPlaybook).
    """

    name = models.CharField(
        max_length=120, unique=True, validators=[validate_single_line], verbose_name=_("name")
    )
    industry = models.CharField(
        max_length=100,
        blank=True,
        validators=[validate_single_line],
        help_text=_("Blank: any."),
        verbose_name=_("industry"),
    )
    size = models.CharField(
        max_length=20,
        choices=Customer.Size,
        blank=True,
        help_text=_("Blank: any."),
        verbose_name=_("size"),
    )
    needs_strategy_section = models.BooleanField(
        _("the lead's strategy section is required"), default=True
    )
    required_areas = models.ManyToManyField(
        Area,
        blank=True,
        related_name="+",
        help_text=_("Areas whose plan section is required."),
        verbose_name=_("required areas"),
    )
    required_roles = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Buying roles a stakeholder with an owner on our side must cover."),
        verbose_name=_("required roles"),
    )
    min_confirmed_goals = models.PositiveSmallIntegerField(
        _("confirmed goals with linked problems, at least"), default=1
    )
    meeting_cadence_days = models.PositiveSmallIntegerField(
        _("a meeting at least every (days)"), default=30
    )
    required_offerings = models.ManyToManyField(
        Offering,
        blank=True,
        related_name="+",
        help_text=_("Offerings every division's whitespace cell must be assessed for."),
        verbose_name=_("required offerings"),
    )
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))

    class Meta:
        verbose_name = _("playbook")
        verbose_name_plural = _("playbooks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# What admins set on a playbook (the admin form and the API list them).
PLAYBOOK_FIELDS = [
    "name",
    "industry",
    "size",
    "needs_strategy_section",
    "required_areas",
    "required_roles",
    "min_confirmed_goals",
    "meeting_cadence_days",
    "required_offerings",
    "is_active",
]


class AccountPlaybook(VersionedModel):
    """The playbook the lead chose for the account, instead of its segment's."""

    customer = models.OneToOneField(
        Customer,
        on_delete=models.CASCADE,
        related_name="chosen_playbook",
        verbose_name=_("customer"),
    )
    playbook = models.ForeignKey(
        Playbook, on_delete=models.CASCADE, related_name="+", verbose_name=_("playbook")
    )
    chosen_by = models.ForeignKey(
        "accounts.User",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("chosen by"),
    )
    chosen_at = models.DateTimeField(auto_now=True, verbose_name=_("chosen at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("account playbook")
        verbose_name_plural = _("account playbooks")

    def __str__(self) -> str:
        return f"{self.customer}: {self.playbook}"


class StoredScorecard(models.Model):
    """The account's last plan scorecard and its value at stake (in the organisation's
    currency), kept current by the change feed, for the managers' dashboard."""

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, related_name="scorecard", verbose_name=_("customer")
    )
    playbook = models.ForeignKey(
        Playbook, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("playbook")
    )
    percent = models.PositiveSmallIntegerField(null=True, verbose_name=_("percent"))
    criteria = models.JSONField(default=list, verbose_name=_("criteria"))
    open_value = models.DecimalField(
        max_digits=16, decimal_places=2, default=0, verbose_name=_("open value")
    )
    weighted_value = models.DecimalField(
        max_digits=16, decimal_places=2, default=0, verbose_name=_("weighted value")
    )
    installed_value = models.DecimalField(
        max_digits=16, decimal_places=2, default=0, verbose_name=_("installed value")
    )
    computed_at = models.DateTimeField(verbose_name=_("computed at"))

    class Meta:
        verbose_name = _("stored scorecard")
        verbose_name_plural = _("stored scorecards")
        indexes = [
            models.Index(fields=["percent"]),
            models.Index(fields=["open_value"]),
            models.Index(fields=["weighted_value"]),
            models.Index(fields=["installed_value"]),
        ]

    def __str__(self) -> str:
        return f"{self.customer}: {self.percent}%"


# ProposalValue lives in its own module; imported here so that strategy.models keeps naming
# every model of the app (Django loads this module first).
from strategy.models_value import CURRENCIES, ProposalValue  # noqa: E402,F401
