from collections.abc import Collection

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Area, User
from accounts.visibility import scope_to_visible
from core.softdelete import LiveManager, SoftDeletable
from core.validators import validate_single_line
from core.versioning import VersionedModel
from customers.models import SOFT_DELETE_FIELDS, Customer, CustomerOwned, Option, Problem, http_url

DELETED_PARTNER_NAME = _(
    "A deleted partner has this name: restore it from Recently deleted partners instead."
)


class Partner(SoftDeletable, VersionedModel):
    """An external company that contributes to solutions from its own market or speciality.

    Partners are a catalogue shared by every account: a deleted one goes to the catalogue's
    trash (integrity.trash), hidden from lists, forms and the API, while the contributions it
    made keep pointing to it (and name it) until it is restored.
    """

    name = models.CharField(
        max_length=200, unique=True, validators=[validate_single_line], verbose_name=_("name")
    )
    market = models.CharField(
        max_length=200, blank=True, validators=[validate_single_line], verbose_name=_("market")
    )
    speciality = models.CharField(
        max_length=200, blank=True, validators=[validate_single_line], verbose_name=_("speciality")
    )
    website = models.URLField(
        max_length=300, blank=True, validators=[http_url], verbose_name=_("website")
    )
    contact_name = models.CharField(
        max_length=200,
        blank=True,
        validators=[validate_single_line],
        verbose_name=_("contact name"),
    )
    contact_email = models.EmailField(max_length=254, blank=True, verbose_name=_("contact email"))
    contact_phone = models.CharField(
        max_length=40,
        blank=True,
        validators=[validate_single_line],
        verbose_name=_("contact phone"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    objects = LiveManager()
    history = HistoricalRecords(excluded_fields=SOFT_DELETE_FIELDS)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def validate_unique(self, exclude: Collection[str] | None = None) -> None:
        # The default manager hides the trash, but the name stays taken while a deleted
        # partner can still be restored: say so instead of failing on the unique index.
        super().validate_unique(exclude=exclude)
        if not (exclude and "name" in exclude) and self.name_in_trash(self.name, but=self.pk):
            raise ValidationError({"name": [DELETED_PARTNER_NAME]})

    @classmethod
    def name_in_trash(cls, name: str, *, but: int | None = None) -> bool:
        """Whether a deleted partner (other than `but`) holds this name."""
        return (
            cls._base_manager.filter(name=name, deleted_at__isnull=False).exclude(pk=but).exists()
        )


class Proposal(SoftDeletable, CustomerOwned):
    """A proposed solution to some of the customer's problems."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PRESENTED = "presented", _("Presented")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    OPEN_STATUSES = (Status.DRAFT, Status.IN_REVIEW, Status.PRESENTED)

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("customer")
    )
    title = models.CharField(
        max_length=200, validators=[validate_single_line], verbose_name=_("title")
    )
    summary = models.TextField(max_length=50000, blank=True, verbose_name=_("summary"))
    problems = models.ManyToManyField(
        Problem, related_name="proposals", blank=True, verbose_name=_("problems")
    )
    options = models.ManyToManyField(
        Option, related_name="proposals", blank=True, verbose_name=_("options")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_proposals",
        verbose_name=_("owner"),
    )
    value = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        verbose_name=_("value"),
    )
    currency = models.CharField(
        max_length=3, default="EUR", validators=[validate_single_line], verbose_name=_("currency")
    )
    status = models.CharField(
        max_length=20,
        choices=Status,
        default=Status.DRAFT,
        editable=False,
        verbose_name=_("status"),
    )
    status_changed_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("status changed at")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="created_proposals",
        editable=False,
        verbose_name=_("created by"),
    )
    history = HistoricalRecords(excluded_fields=SOFT_DELETE_FIELDS)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["customer", "status"]),
            # Search reads the newest matches first (search.engine).
            models.Index(fields=["-created_at", "-id"], name="sol_proposal_recent"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class ProposalTransition(models.Model):
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("proposal")
    )
    from_status = models.CharField(
        max_length=20, choices=Proposal.Status, verbose_name=_("from status")
    )
    to_status = models.CharField(
        max_length=20, choices=Proposal.Status, verbose_name=_("to status")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(auto_now_add=True, verbose_name=_("at"))
    note = models.CharField(
        max_length=500, blank=True, validators=[validate_single_line], verbose_name=_("note")
    )

    class Meta:
        verbose_name = _("proposal transition")
        verbose_name_plural = _("proposal transitions")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"


class ContributionQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> "ContributionQuerySet":
        return scope_to_visible(self, user, "proposal__customer")


class Contribution(SoftDeletable, VersionedModel):
    """A proposal's part from an internal specialist's area or from a partner company.

    A deleted one goes to its account's trash (integrity.trash) with its comments."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DECLINED = "declined", _("Declined")

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="contributions", verbose_name=_("proposal")
    )
    area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("area"),
    )
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("specialist"),
    )
    partner = models.ForeignKey(
        Partner,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("partner"),
    )
    request = models.TextField(
        max_length=5000, blank=True, help_text=_("What is asked for."), verbose_name=_("request")
    )
    description = models.TextField(
        max_length=20000, blank=True, help_text=_("What it adds."), verbose_name=_("description")
    )
    effort_days = models.DecimalField(
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        verbose_name=_("effort days"),
    )
    cost_estimate = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        verbose_name=_("cost estimate"),
    )
    status = models.CharField(
        max_length=20,
        choices=Status,
        default=Status.REQUESTED,
        editable=False,
        verbose_name=_("status"),
    )
    decline_reason = models.CharField(
        max_length=500,
        blank=True,
        validators=[validate_single_line],
        verbose_name=_("decline reason"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="requested_contributions",
        editable=False,
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(auto_now_add=True, verbose_name=_("requested at"))
    answered_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("answered at")
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    objects = LiveManager.from_queryset(ContributionQuerySet)()
    history = HistoricalRecords(excluded_fields=SOFT_DELETE_FIELDS)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["requested_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(specialist__isnull=False, partner__isnull=True)
                | Q(specialist__isnull=True, partner__isnull=False),
                name="contribution_from_specialist_xor_partner",
            ),
        ]
        indexes = [
            models.Index(fields=["specialist", "status", "requested_at"]),
            # Search reads the newest contributions first (search.engine).
            models.Index(fields=["-requested_at", "-id"], name="sol_contribution_recent"),
        ]

    def __str__(self) -> str:
        return f"Contribution {self.pk} to proposal {self.proposal_id}"


class Comment(SoftDeletable, CustomerOwned):
    """A comment on a proposal or on one of its contributions; one level of replies."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="comments", verbose_name=_("customer")
    )
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="comments", verbose_name=_("proposal")
    )
    contribution = models.ForeignKey(
        Contribution,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("contribution"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name=_("parent"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="comments",
        verbose_name=_("author"),
    )
    body = models.TextField(max_length=20000, verbose_name=_("body"))
    edited_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("edited at")
    )
    history = HistoricalRecords(excluded_fields=SOFT_DELETE_FIELDS)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["proposal", "created_at"]),
            # Search reads the newest matches first (search.engine).
            models.Index(fields=["-created_at", "-id"], name="sol_comment_recent"),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} by {self.author_id}"


class Mention(models.Model):
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="mentions", verbose_name=_("comment")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentions",
        verbose_name=_("user"),
    )

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="unique_mention"),
        ]

    def __str__(self) -> str:
        return f"@{self.user_id} in comment {self.comment_id}"


class ProposalFollow(models.Model):
    """A user's choice to follow, or unfollow, the comments on a proposal.

    Without a row, the proposal's owner and everyone who commented on it follow it.
    """

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="follows", verbose_name=_("proposal")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="proposal_follows",
        verbose_name=_("user"),
    )
    is_following = models.BooleanField(default=True, verbose_name=_("is following"))

    class Meta:
        verbose_name = _("proposal follow")
        verbose_name_plural = _("proposal follows")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="unique_proposal_follow"),
        ]

    def __str__(self) -> str:
        verb = "follows" if self.is_following else "unfollowed"
        return f"{self.user_id} {verb} {self.proposal_id}"
