"""The shared space: what the lead shows a customer's stakeholders, and what they answer.

Nothing here copies an internal record's text by reference to a template: the guest pages
read only the fields listed in `space.queries`, so internal notes, comments, health, plan
sections and the summary can never reach a guest.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.visibility import scope_to_visible
from core.softdelete import LiveManager, SoftDeletable
from core.validators import validate_single_line
from core.versioning import VersionedModel
from customers.models import SOFT_DELETE_FIELDS, Customer, Goal, Problem, Stakeholder
from solutions.models import Proposal


class SpaceQuerySet(models.QuerySet):
    def visible_to(self, user: settings.AUTH_USER_MODEL) -> "SpaceQuerySet":
        return scope_to_visible(self, user, "customer")


class SpaceOwnedQuerySet(models.QuerySet):
    def visible_to(self, user: settings.AUTH_USER_MODEL) -> "SpaceOwnedQuerySet":
        return scope_to_visible(self, user, "space__customer")


class SharedSpace(VersionedModel):
    """One account's shared space, created and curated by its lead."""

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, related_name="shared_space", verbose_name=_("customer")
    )
    introduction = models.TextField(
        _("introduction"), max_length=5000, blank=True, help_text=_("Shown to the customer.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    objects = SpaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("shared space")
        verbose_name_plural = _("shared spaces")

    def __str__(self) -> str:
        return f"Shared space of customer {self.customer_id}"


class SharedItem(models.Model):
    """A goal or a problem the lead shares "as we understand it"."""

    space = models.ForeignKey(
        SharedSpace, on_delete=models.CASCADE, related_name="items", verbose_name=_("space")
    )
    goal = models.ForeignKey(
        Goal,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("goal"),
    )
    problem = models.ForeignKey(
        Problem,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("problem"),
    )
    shared_at = models.DateTimeField(auto_now_add=True, verbose_name=_("shared at"))
    confirmed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("confirmed at"))
    confirmed_by = models.ForeignKey(
        "Guest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    no_longer_relevant_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("no longer relevant at")
    )

    objects = SpaceOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("shared item")
        verbose_name_plural = _("shared items")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(goal__isnull=False, problem__isnull=True)
                | Q(goal__isnull=True, problem__isnull=False),
                name="space_item_goal_xor_problem",
            ),
            models.UniqueConstraint(fields=["space", "goal"], name="space_item_unique_goal"),
            models.UniqueConstraint(fields=["space", "problem"], name="space_item_unique_problem"),
        ]

    def __str__(self) -> str:
        return str(self.record)

    @property
    def record(self) -> Goal | Problem:
        return self.goal if self.goal_id else self.problem  # type: ignore[return-value]

    @property
    def is_goal(self) -> bool:
        return self.goal_id is not None


class SharedProposal(models.Model):
    """A proposal the lead shares, with a summary written for the customer and an optional PDF."""

    space = models.ForeignKey(
        SharedSpace, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("space")
    )
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="+", verbose_name=_("proposal")
    )
    summary = models.TextField(_("summary for the customer"), max_length=10000)
    attachment = models.BinaryField(
        null=True, blank=True, editable=False, verbose_name=_("attachment")
    )
    attachment_name = models.CharField(
        max_length=200, blank=True, editable=False, verbose_name=_("attachment name")
    )
    shared_at = models.DateTimeField(auto_now_add=True, verbose_name=_("shared at"))

    objects = SpaceOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("shared proposal")
        verbose_name_plural = _("shared proposals")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["space", "proposal"], name="space_proposal_once"),
        ]

    def __str__(self) -> str:
        return f"Shared proposal {self.proposal_id}"


class Milestone(SoftDeletable, VersionedModel):
    """A milestone of the mutual action plan; a deleted one goes to the account's trash (its
    steps stay, shown without it until it is restored)."""

    space = models.ForeignKey(
        SharedSpace, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("space")
    )
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    due_on = models.DateField(_("due"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    objects = LiveManager.from_queryset(SpaceOwnedQuerySet)()
    # Only deletes and restores are told on the timeline (space.queries.change_source).
    history = HistoricalRecords(excluded_fields=SOFT_DELETE_FIELDS)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = [models.F("due_on").asc(nulls_last=True), "pk"]

    def __str__(self) -> str:
        return self.title


class Guest(models.Model):
    """A customer stakeholder invited into one shared space. Not a `User`: no role, no
    password; they sign in with an emailed link and reach this one space only."""

    space = models.ForeignKey(
        SharedSpace, on_delete=models.CASCADE, related_name="guests", verbose_name=_("space")
    )
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="+", verbose_name=_("stakeholder")
    )
    email = models.EmailField(max_length=254, verbose_name=_("email"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("invited by"),
    )
    invited_at = models.DateTimeField(auto_now_add=True, verbose_name=_("invited at"))
    last_seen_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last seen at"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked at"))
    # Changed by every sign-in: a link signed with an older nonce no longer works (single use).
    link_nonce = models.CharField(max_length=64, editable=False, verbose_name=_("link nonce"))

    objects = SpaceOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("guest")
        verbose_name_plural = _("guests")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["space", "stakeholder"], name="space_guest_once"),
        ]
        indexes = [models.Index(fields=["email"])]

    def __str__(self) -> str:
        return self.email

    def is_active_at(self, now: dt.datetime) -> bool:
        """Not revoked, and seen (or invited) within SPACE_GUEST_EXPIRY_DAYS."""
        if self.revoked_at is not None:
            return False
        since = self.last_seen_at or self.invited_at
        return now - since < dt.timedelta(days=settings.SPACE_GUEST_EXPIRY_DAYS)


class GuestSession(models.Model):
    """A signed-in guest: the cookie holds a random key, only its SHA-256 is stored."""

    guest = models.ForeignKey(
        Guest, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("guest")
    )
    key_hash = models.CharField(max_length=64, unique=True, verbose_name=_("key hash"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    last_seen_at = models.DateTimeField(default=timezone.now, verbose_name=_("last seen at"))
    ended_at = models.DateTimeField(null=True, blank=True, verbose_name=_("ended at"))

    class Meta:
        verbose_name = _("guest session")
        verbose_name_plural = _("guest sessions")

    def __str__(self) -> str:
        return f"Session of guest {self.guest_id}"


class PlanStep(SoftDeletable, VersionedModel):
    """A step of the mutual action plan, owned on our side (a user) or theirs (a stakeholder).
    A deleted one goes to the account's trash; guests no longer see it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    space = models.ForeignKey(
        SharedSpace, on_delete=models.CASCADE, related_name="steps", verbose_name=_("space")
    )
    milestone = models.ForeignKey(
        Milestone,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="steps",
        verbose_name=_("milestone"),
    )
    title = models.CharField(_("step"), max_length=300, validators=[validate_single_line])
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner user"),
    )
    owner_stakeholder = models.ForeignKey(
        Stakeholder,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner stakeholder"),
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=Status, default=Status.OPEN, verbose_name=_("status")
    )
    goal = models.ForeignKey(
        Goal,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("goal"),
    )
    proposal = models.ForeignKey(
        Proposal,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("proposal"),
    )
    proposed_due_on = models.DateField(null=True, blank=True, verbose_name=_("proposed due on"))
    proposed_by = models.ForeignKey(
        Guest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    completed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("completed at"))
    last_reminded_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("last reminded at")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    objects = LiveManager.from_queryset(SpaceOwnedQuerySet)()
    history = HistoricalRecords(excluded_fields=SOFT_DELETE_FIELDS)

    class Meta:
        verbose_name = _("plan step")
        verbose_name_plural = _("plan steps")
        ordering = [models.F("due_on").asc(nulls_last=True), "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_user__isnull=False, owner_stakeholder__isnull=True)
                | Q(owner_user__isnull=True, owner_stakeholder__isnull=False),
                name="space_step_one_owner",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return self.title

    def is_overdue_on(self, today: dt.date) -> bool:
        return self.status == self.Status.OPEN and self.due_on is not None and self.due_on < today

    @property
    def owner_name(self) -> str:
        if self.owner_user_id:
            return self.owner_user.display_name  # type: ignore[union-attr]
        return self.owner_stakeholder.name  # type: ignore[union-attr]


class Message(SoftDeletable):
    """A post in the space's discussion, or a comment on one step; by a user or a guest."""

    space = models.ForeignKey(
        SharedSpace, on_delete=models.CASCADE, related_name="messages", verbose_name=_("space")
    )
    step = models.ForeignKey(
        PlanStep,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("step"),
    )
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author user"),
    )
    author_guest = models.ForeignKey(
        Guest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author guest"),
    )
    body = models.TextField(_("message"), max_length=5000)
    version = models.PositiveIntegerField(default=1, editable=False, verbose_name=_("version"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    objects = SpaceOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Message {self.pk}"


class Feedback(models.Model):
    """What a guest said about a shared goal or problem, or a goal or problem of their own.

    A confirmation applies at once (the customer's word is the point); everything else is a
    suggestion the lead accepts or declines, never a silent overwrite.
    """

    class Kind(models.TextChoices):
        CONFIRM = "confirm", _("Confirmed")
        CORRECT = "correct", _("Correction")
        RANK = "rank", _("Priority or severity")
        IRRELEVANT = "irrelevant", _("No longer relevant")
        NEW_GOAL = "new_goal", _("New goal")
        NEW_PROBLEM = "new_problem", _("New problem")

    class Status(models.TextChoices):
        RECORDED = "recorded", _("Recorded")
        PENDING = "pending", _("Waiting for the lead")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    space = models.ForeignKey(
        SharedSpace, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("space")
    )
    item = models.ForeignKey(
        SharedItem,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="feedback",
        verbose_name=_("item"),
    )
    guest = models.ForeignKey(
        Guest, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("guest")
    )
    # The guest's name and title when they spoke (the stakeholder may be renamed later).
    said_by = models.CharField(max_length=420, verbose_name=_("said by"))
    kind = models.CharField(max_length=20, choices=Kind, verbose_name=_("kind"))
    text = models.TextField(max_length=5000, blank=True, verbose_name=_("text"))
    title = models.CharField(
        max_length=200, blank=True, validators=[validate_single_line], verbose_name=_("title")
    )
    value = models.CharField(max_length=20, blank=True, verbose_name=_("value"))
    status = models.CharField(max_length=20, choices=Status, verbose_name=_("status"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    objects = SpaceOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedbacks")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["space", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.said_by}"


class SpaceEvent(models.Model):
    """Every guest action, for the audit trail and the internal timeline ("Katrin Vogel
    confirmed ..."). Written in the same transaction as the action."""

    space = models.ForeignKey(
        SharedSpace, on_delete=models.CASCADE, related_name="events", verbose_name=_("space")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="+", verbose_name=_("customer")
    )
    guest = models.ForeignKey(
        Guest, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("guest")
    )
    actor = models.CharField(max_length=420, verbose_name=_("actor"))
    action = models.CharField(max_length=40, verbose_name=_("action"))
    subject = models.CharField(max_length=300, blank=True, verbose_name=_("subject"))
    ip_address = models.GenericIPAddressField(null=True, blank=True, verbose_name=_("ip address"))
    at = models.DateTimeField(default=timezone.now, verbose_name=_("at"))

    class Meta:
        verbose_name = _("space event")
        verbose_name_plural = _("space events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["customer", "-at"])]

    def __str__(self) -> str:
        return f"{self.actor} {self.action} {self.subject}"
