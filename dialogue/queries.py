"""Reads of meetings, action items and the account timeline used by views and the API."""

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    Case,
    F,
    IntegerField,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from customers.models import Goal, Problem, Stakeholder
from dialogue.models import ActionItem, Meeting, PlannedMeeting


def stakeholders_of(customer_id: int) -> QuerySet[Stakeholder]:
    return Stakeholder.objects.filter(customer_id=customer_id, deleted_at__isnull=True).order_by(
        "name", "id"
    )


def goals_of(customer_id: int) -> QuerySet[Goal]:
    return Goal.objects.filter(customer_id=customer_id).order_by("priority", "title", "id")


def problems_of(customer_id: int) -> QuerySet[Problem]:
    return Problem.objects.filter(customer_id=customer_id).order_by("title", "id")


@dataclass(frozen=True)
class LastMeeting:
    """What the next log proposes from the customer's latest logged meeting."""

    kind: str
    stakeholder_ids: list[int]
    internal_attendee_ids: list[int]


def last_meeting_of(customer_id: int) -> LastMeeting | None:
    """The kind and attendees of the customer's latest logged meeting, in one query (a row
    per pair of attendees: one meeting's few people). Emails are left out: a filed inbound
    email is an entry of the timeline, not the meeting whose kind and people the next log
    repeats."""
    latest = (
        Meeting.objects.filter(customer_id=customer_id, deleted_at__isnull=True)
        .exclude(kind=Meeting.Kind.EMAIL)
        .order_by("-occurred_at", "-id")
        .values("pk")[:1]
    )
    rows = list(
        Meeting.objects.filter(pk=Subquery(latest))
        .order_by()
        .values_list("kind", "stakeholders", "internal_attendees")
    )
    if not rows:
        return None
    return LastMeeting(
        kind=rows[0][0],
        stakeholder_ids=sorted({s for _, s, _ in rows if s is not None}),
        internal_attendee_ids=sorted({u for _, _, u in rows if u is not None}),
    )


def meetings_for_user(user: User) -> QuerySet[Meeting]:
    """Non-deleted meetings on accounts `user` can see, with their customer and author."""
    return (
        Meeting.objects.visible_to(user)
        .filter(deleted_at__isnull=True)
        .select_related("customer", "author")
        .prefetch_related("stakeholders", "internal_attendees", "goals", "problems")
        .order_by("-occurred_at", "-id")
    )


def meeting_detail(user: User, pk: int) -> Meeting:
    """One visible meeting with everything its page shows (404 when hidden or deleted)."""
    queryset = meetings_for_user(user).prefetch_related("action_items__owner")
    return get_object_or_404(queryset, pk=pk)


def action_items_for_user(user: User) -> QuerySet[ActionItem]:
    """Action items on accounts `user` can see, overdue-flagged, overdue and soonest first."""
    today = timezone.localdate()
    return (
        ActionItem.objects.visible_to(user)
        .select_related("customer", "owner", "meeting", "completed_by")
        .annotate(
            overdue_first=Case(
                When(status=ActionItem.Status.OPEN, due_on__lt=today, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("overdue_first", F("due_on").asc(nulls_last=True), "id")
    )


def my_open_action_items(user: User) -> QuerySet[ActionItem]:
    """The user's own open action items across the accounts they can see."""
    return action_items_for_user(user).filter(owner=user, status=ActionItem.Status.OPEN)


# --- Planned meetings ----------------------------------------------------------------------

# A plan whose time passed without an outcome is flagged on its owner's home page this long;
# after that the health score's recency reasons name it.
UNLOGGED_FLAG_DAYS = 14


def planned_meetings_for_user(user: User) -> QuerySet[PlannedMeeting]:
    """Non-deleted planned meetings on accounts `user` can see, soonest first."""
    return (
        PlannedMeeting.objects.visible_to(user)
        .filter(deleted_at__isnull=True)
        .select_related("customer", "owner")
        .order_by("starts_at", "id")
    )


def planned_meeting_detail(user: User, pk: int) -> PlannedMeeting:
    """One visible planned meeting with its attendees and topics (404 when hidden or deleted)."""
    queryset = (
        planned_meetings_for_user(user)
        .select_related("meeting")
        .prefetch_related("stakeholders", "internal_attendees", "goals", "problems")
    )
    return get_object_or_404(queryset, pk=pk)


def planned_meetings_of(customer_id: int) -> QuerySet[PlannedMeeting]:
    """The account's plans still open (to come, or passed without an outcome), soonest first."""
    return (
        PlannedMeeting.objects.filter(
            customer_id=customer_id,
            deleted_at__isnull=True,
            status=PlannedMeeting.Status.PLANNED,
        )
        .select_related("owner")
        .prefetch_related("stakeholders", "internal_attendees")
        .order_by("starts_at", "id")
    )


def attending(user: User) -> QuerySet[PlannedMeeting]:
    """Open plans `user` owns or attends, on accounts they can still see."""
    return (
        planned_meetings_for_user(user)
        .filter(status=PlannedMeeting.Status.PLANNED)
        .filter(Q(owner=user) | Q(internal_attendees=user))
        .distinct()
    )


def plans_between(user: User, start: dt.datetime, end: dt.datetime) -> QuerySet[PlannedMeeting]:
    """The user's open plans starting in [start, end), with who attends."""
    return (
        attending(user)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .prefetch_related("stakeholders", "internal_attendees")
    )


def unlogged_plans(user: User, *, now: dt.datetime) -> QuerySet[PlannedMeeting]:
    """The user's own plans that passed in the last UNLOGGED_FLAG_DAYS without an outcome."""
    return (
        planned_meetings_for_user(user)
        .filter(
            owner=user,
            status=PlannedMeeting.Status.PLANNED,
            starts_at__lt=now,
            starts_at__gte=now - dt.timedelta(days=UNLOGGED_FLAG_DAYS),
        )
        .order_by("-starts_at", "-id")
    )


def home_plans(
    user: User, *, now: dt.datetime, limit: int
) -> tuple[list[PlannedMeeting], list[PlannedMeeting]]:
    """The home page's "My meetings" card in one query: up to `limit` open plans the user
    owns or attends still to come (soonest first) and up to `limit` of their own plans that
    passed without an outcome (latest first)."""
    upcoming = attending(user).filter(starts_at__gt=now).annotate(is_unlogged=Value(False))
    unlogged = unlogged_plans(user, now=now).annotate(is_unlogged=Value(True))
    if connection.features.supports_slicing_ordering_in_compound:
        rows = list(upcoming[:limit].union(unlogged[:limit], all=True))
    else:  # SQLite cannot slice inside a UNION: two queries there.
        rows = [*upcoming[:limit], *unlogged[:limit]]
    return (
        sorted((p for p in rows if not p.is_unlogged), key=lambda p: (p.starts_at, p.pk)),
        sorted((p for p in rows if p.is_unlogged), key=lambda p: (p.starts_at, p.pk), reverse=True),
    )


def due_by(user: User, end: dt.date) -> QuerySet[ActionItem]:
    """The user's open action items due by `end`, overdue ones first."""
    return my_open_action_items(user).filter(due_on__lte=end)


def team_open_action_items(user: User) -> QuerySet[ActionItem]:
    """Open action items on every account `user` can see, by owner, each owner's overdue ones
    first, then by due date: a manager's view of their team's next steps."""
    return (
        action_items_for_user(user)
        .filter(status=ActionItem.Status.OPEN)
        .order_by(
            "owner__first_name",
            "owner__last_name",
            "owner__username",
            "owner_id",
            "overdue_first",
            F("due_on").asc(nulls_last=True),
            "id",
        )
    )


def my_action_items(user: User, *, with_done: bool) -> QuerySet[ActionItem]:
    """The user's own open action items, and with `with_done` the ones done too."""
    statuses = [ActionItem.Status.OPEN] + ([ActionItem.Status.DONE] if with_done else [])
    return action_items_for_user(user).filter(owner=user, status__in=statuses)
