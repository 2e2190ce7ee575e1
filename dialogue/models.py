import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.softdelete import SoftDeletable
from core.validators import validate_single_line
from customers.models import (
    SOFT_DELETE_FIELDS,
    Customer,
    CustomerOwned,
    DeletableCustomerOwned,
    Goal,
    Problem,
    Stakeholder,
)


class Meeting(SoftDeletable, CustomerOwned):
    """A dialogue with the customer: who was there, what they said, what came up."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        CALL = "call", _("Call")
        VISIT = "visit", _("Visit")
        WORKSHOP = "workshop", _("Workshop")
        EMAIL = "email", _("Email")

    class Sentiment(models.TextChoices):
        POSITIVE = "positive", _("Positive")
        NEUTRAL = "neutral", _("Neutral")
        NEGATIVE = "negative", _("Negative")

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("customer")
    )
    occurred_at = models.DateTimeField(verbose_name=_("occurred at"))
    kind = models.CharField(
        max_length=20, choices=Kind, default=Kind.MEETING, verbose_name=_("kind")
    )
    title = models.CharField(
        max_length=200, validators=[validate_single_line], verbose_name=_("title")
    )
    stakeholders = models.ManyToManyField(
        Stakeholder, related_name="meetings", blank=True, verbose_name=_("stakeholders")
    )
    internal_attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="attended_meetings",
        blank=True,
        verbose_name=_("internal attendees"),
    )
    notes = models.TextField(max_length=50000, blank=True, verbose_name=_("notes"))
    customer_said = models.TextField(max_length=20000, blank=True, verbose_name=_("customer said"))
    insights = models.TextField(max_length=20000, blank=True, verbose_name=_("insights"))
    goals = models.ManyToManyField(
        Goal, related_name="meetings", blank=True, verbose_name=_("goals")
    )
    problems = models.ManyToManyField(
        Problem, related_name="meetings", blank=True, verbose_name=_("problems")
    )
    sentiment = models.CharField(
        max_length=10, choices=Sentiment, default=Sentiment.NEUTRAL, verbose_name=_("sentiment")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="authored_meetings",
        verbose_name=_("author"),
    )
    history = HistoricalRecords(excluded_fields=SOFT_DELETE_FIELDS)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["customer", "-occurred_at"]),
            # Search ranks the newest matches across all of a user's accounts.
            models.Index(fields=["-occurred_at", "-id"], name="dlg_meeting_recent"),
        ]

    def __str__(self) -> str:
        return self.title


class ActionItem(DeletableCustomerOwned):
    """A next step with an owner and a due date."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="action_items", verbose_name=_("customer")
    )
    meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_items",
        verbose_name=_("meeting"),
    )
    description = models.CharField(
        max_length=500, validators=[validate_single_line], verbose_name=_("description")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="action_items",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(null=True, blank=True, verbose_name=_("due on"))
    status = models.CharField(
        max_length=10, choices=Status, default=Status.OPEN, verbose_name=_("status")
    )
    completed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("completed at"))
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("completed by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="created_action_items",
        editable=False,
        verbose_name=_("created by"),
    )

    history = HistoricalRecords(excluded_fields=SOFT_DELETE_FIELDS)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["owner", "status", "due_on"]),
            models.Index(fields=["customer", "status", "due_on"]),
            # The team's action items walk each owner's open items in due order and test the
            # customer from the index alone (dialogue.queries._TEAM_WALK).
            models.Index(
                fields=["owner", "due_on", "id"],
                include=["customer"],
                condition=models.Q(status="open", deleted_at__isnull=True),
                name="dialogue_open_item_by_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == self.Status.OPEN
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )


def new_calendar_uid() -> str:
    return f"{uuid.uuid4()}@accord"


class PlannedMeeting(SoftDeletable, CustomerOwned):
    """A meeting still to come: when, who, the agenda and the goals and problems to discuss.

    Logging its outcome creates the `Meeting` and links it here (status LOGGED); a plan whose
    time passed without an outcome is flagged to its owner. `uid` and `sequence` make the
    calendar feeds update the same event when the plan changes or is cancelled.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        LOGGED = "logged", _("Outcome logged")
        CANCELLED = "cancelled", _("Cancelled")

    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="planned_meetings",
        verbose_name=_("customer"),
    )
    starts_at = models.DateTimeField(verbose_name=_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(
        default=60, verbose_name=_("duration minutes")
    )
    kind = models.CharField(
        max_length=20, choices=Meeting.Kind, default=Meeting.Kind.MEETING, verbose_name=_("kind")
    )
    title = models.CharField(
        max_length=200, validators=[validate_single_line], verbose_name=_("title")
    )
    location = models.CharField(
        max_length=300, blank=True, validators=[validate_single_line], verbose_name=_("location")
    )
    agenda = models.TextField(max_length=20000, blank=True, verbose_name=_("agenda"))
    stakeholders = models.ManyToManyField(
        Stakeholder, related_name="planned_meetings", blank=True, verbose_name=_("stakeholders")
    )
    internal_attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="planned_meetings_to_attend",
        blank=True,
        verbose_name=_("internal attendees"),
    )
    goals = models.ManyToManyField(
        Goal, related_name="planned_meetings", blank=True, verbose_name=_("goals")
    )
    problems = models.ManyToManyField(
        Problem, related_name="planned_meetings", blank=True, verbose_name=_("problems")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_planned_meetings",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        max_length=10, choices=Status, default=Status.PLANNED, verbose_name=_("status")
    )
    meeting = models.OneToOneField(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan",
        verbose_name=_("meeting"),
    )
    uid = models.CharField(
        max_length=255,
        default=new_calendar_uid,
        editable=False,
        validators=[validate_single_line],
        verbose_name=_("uid"),
    )
    sequence = models.PositiveIntegerField(default=0, editable=False, verbose_name=_("sequence"))

    history = HistoricalRecords(excluded_fields=SOFT_DELETE_FIELDS)

    class Meta:
        verbose_name = _("planned meeting")
        verbose_name_plural = _("planned meetings")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["customer", "status", "starts_at"]),
            models.Index(fields=["owner", "status", "starts_at"]),
        ]
        constraints = [models.UniqueConstraint(fields=["uid"], name="dlg_planned_uid_unique")]

    def __str__(self) -> str:
        return self.title

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PLANNED and self.deleted_at is None


class CalendarFeed(models.Model):
    """A private, revocable iCalendar feed URL: a user's meetings and due dates, or (for whoever
    may follow it) one account's. Only the token's hash is stored (dialogue.calendar)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
        verbose_name=_("user"),
    )
    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
        verbose_name=_("customer"),
    )
    token_hash = models.CharField(
        max_length=64, unique=True, editable=False, verbose_name=_("token hash")
    )
    prefix = models.CharField(max_length=8, editable=False, verbose_name=_("prefix"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked at"))

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Calendar feed {self.prefix}… of {self.user}"
