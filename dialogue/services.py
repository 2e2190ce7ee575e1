"""Writes on meetings and action items: one transaction each, the account marked as changed."""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from accounts.mentions import mentioned_usernames, split_mentions
from accounts.models import Notification, User
from accounts.services import notify
from core.versioning import save_versioned
from customers.changes import record_account_change
from customers.models import Customer, Goal, Problem, Stakeholder
from dialogue.models import ActionItem, Meeting, PlannedMeeting


@dataclass(frozen=True)
class NewProblem:
    title: str
    severity: str = Problem.Severity.MEDIUM
    description: str = ""
    blocks_goals: tuple[Goal, ...] = ()


@dataclass(frozen=True)
class NewStakeholder:
    name: str
    title: str = ""
    buying_role: str = Stakeholder.BuyingRole.USER
    email: str = ""


def _add_stakeholders(
    customer: Customer, people: Iterable[NewStakeholder], *, by: User
) -> list[Stakeholder]:
    """New people met (or invited): added to the customer's stakeholders, with `by` in history."""
    newcomers = [
        Stakeholder(
            customer=customer,
            name=person.name,
            title=person.title,
            buying_role=person.buying_role,
            email=person.email,
        )
        for person in people
    ]
    for stakeholder in newcomers:
        stakeholder._history_user = by  # type: ignore[attr-defined]
        stakeholder.save()
    return newcomers


@dataclass(frozen=True)
class NextStep:
    description: str
    owner: User
    due_on: dt.date | None = None


@dataclass
class MeetingData:
    occurred_at: dt.datetime
    title: str
    kind: str = Meeting.Kind.MEETING
    notes: str = ""
    customer_said: str = ""
    insights: str = ""
    sentiment: str = Meeting.Sentiment.NEUTRAL
    stakeholders: Iterable[Stakeholder] = field(default_factory=tuple)
    internal_attendees: Iterable[User] = field(default_factory=tuple)
    goals: Iterable[Goal] = field(default_factory=tuple)
    problems: Iterable[Problem] = field(default_factory=tuple)


def _latest_meeting_at(customer_id: int | OuterRef) -> Subquery:
    return Subquery(
        Meeting.objects.filter(customer_id=customer_id, deleted_at__isnull=True)
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )


def latest_meeting_at_of_row() -> Subquery:
    """`Customer.last_meeting_at` as it should be, for an UPDATE of many customers."""
    return _latest_meeting_at(OuterRef("pk"))


def refresh_last_meeting_at(customer_id: int) -> None:
    """Keep `Customer.last_meeting_at` equal to the latest non-deleted meeting's time."""
    Customer.objects.filter(pk=customer_id).update(last_meeting_at=_latest_meeting_at(customer_id))


def record_meetings_change(customer_id: int) -> None:
    """The account's meetings changed: its data version and `last_meeting_at`, one UPDATE."""
    record_account_change(customer_id, last_meeting_at=_latest_meeting_at(customer_id))


def _problem_source(meeting: Meeting) -> str:
    # Stored text, written in the author's language (the request's).
    line = gettext("Raised in meeting “%(title)s” on %(date)s") % {
        "title": meeting.title,
        "date": date_format(timezone.localdate(meeting.occurred_at), "DATE_FORMAT"),
    }
    return line[:300]


@transaction.atomic
def log_meeting(
    customer: Customer,
    *,
    author: User,
    data: MeetingData,
    new_problem: NewProblem | None = None,
    new_problems: Iterable[NewProblem] = (),
    new_stakeholders: Iterable[NewStakeholder] = (),
    next_steps: Iterable[NextStep] = (),
    plan: PlannedMeeting | None = None,
) -> Meeting:
    """Record a meeting, the problems it surfaced, new people in the room (added to the
    customer's stakeholders) and its next steps, all or nothing; with `plan`, the planned
    meeting becomes this logged one (PlanAlreadyLogged if it no longer can)."""
    meeting = Meeting.objects.create(
        customer=customer,
        author=author,
        occurred_at=data.occurred_at,
        kind=data.kind,
        title=data.title,
        notes=data.notes,
        customer_said=data.customer_said,
        insights=data.insights,
        sentiment=data.sentiment,
    )
    # A new meeting has no links yet: add() inserts them without first reading the old set.
    newcomers = _add_stakeholders(customer, new_stakeholders, by=author)
    meeting.stakeholders.add(*data.stakeholders, *newcomers)
    meeting.internal_attendees.add(*data.internal_attendees)
    meeting.goals.add(*data.goals)
    problems = list(data.problems)
    raised_now = [new_problem, *new_problems] if new_problem is not None else list(new_problems)
    for raised in raised_now:
        problem = Problem.objects.create(
            customer=customer,
            title=raised.title,
            description=raised.description,
            severity=raised.severity,
            source=_problem_source(meeting),
        )
        problem.blocks_goals.add(*raised.blocks_goals)
        problems.append(problem)
    meeting.problems.add(*problems)
    ActionItem.objects.bulk_create(
        [
            ActionItem(
                customer=customer,
                meeting=meeting,
                description=step.description,
                owner=step.owner,
                due_on=step.due_on,
                created_by=author,
            )
            for step in next_steps
        ]
    )
    if plan is not None:
        _close_plan(plan, meeting=meeting)
    notify_mentions_in_notes(meeting, author=author)
    record_meetings_change(customer.pk)
    return meeting


def notify_mentions_in_notes(
    meeting: Meeting, *, author: User, before: str = ""
) -> tuple[list[User], list[str]]:
    """Tell the people @mentioned in a meeting's notes who can see the account, except those
    the notes already mentioned `before` an edit; with the mentioned names that match nobody."""
    mentioned, unknown = split_mentions(meeting.customer_id, meeting.notes)
    already = set(mentioned_usernames(before))
    reached = [u for u in mentioned if u.pk != author.pk and u.username not in already]
    if reached:
        notify(
            reached,
            kind=Notification.Kind.MENTION,
            message=lambda: (
                gettext("%(person)s mentioned you in the notes of “%(meeting)s”.")
                % {"person": author.display_name, "meeting": meeting.title}
            ),
            url=reverse("dialogue:meeting", args=[meeting.pk]),
            customer_id=meeting.customer_id,
        )
    return reached, unknown


@transaction.atomic
def update_meeting(
    meeting: Meeting,
    *,
    expected_version: int,
    changes: Mapping[str, Any],
    m2m: Mapping[str, Iterable[Any]],
    by: User | None = None,
) -> list[str]:
    """Edit a meeting if nobody changed it since `expected_version` (else StaleVersion).

    People newly @mentioned in its notes are told (those mentioned before are not told
    again); returns the mentioned names that match nobody on the account, for the editor.
    """
    before = Meeting._base_manager.filter(pk=meeting.pk).values_list("notes", flat=True).first()
    save_versioned(meeting, expected_version=expected_version, changes=changes, m2m=m2m)
    record_meetings_change(meeting.customer_id)
    if by is None or meeting.notes == before:
        return []
    _reached, unknown = notify_mentions_in_notes(meeting, author=by, before=before or "")
    return unknown


@transaction.atomic
def delete_meeting(meeting: Meeting, *, by: User | None = None) -> None:
    """Soft-delete a meeting into the account's trash (restorable for 30 days); its action
    items stay on the account."""
    if meeting.soft_delete(by=by):
        record_meetings_change(meeting.customer_id)


@transaction.atomic
def create_action_item(
    customer: Customer,
    *,
    created_by: User | None,
    description: str,
    owner: User,
    due_on: dt.date | None = None,
    meeting: Meeting | None = None,
    status: str = ActionItem.Status.OPEN,
) -> ActionItem:
    """Add a next step to the account."""
    item = ActionItem.objects.create(
        customer=customer,
        meeting=meeting,
        description=description,
        owner=owner,
        due_on=due_on,
        status=status,
        completed_at=timezone.now() if status == ActionItem.Status.DONE else None,
        completed_by=created_by if status == ActionItem.Status.DONE else None,
        created_by=created_by,
    )
    record_account_change(customer.pk)
    return item


def _completion(item: ActionItem, status: str, by: User | None) -> dict[str, Any]:
    # Who closed an item and when stay as they were while it stays done.
    if status != ActionItem.Status.DONE:
        return {"completed_at": None, "completed_by": None}
    if item.completed_at:
        return {"completed_at": item.completed_at, "completed_by": item.completed_by}
    return {"completed_at": timezone.now(), "completed_by": by}


@transaction.atomic
def update_action_item(
    item: ActionItem,
    *,
    expected_version: int,
    changes: Mapping[str, Any],
    by: User | None = None,
) -> ActionItem:
    """Edit an action item (StaleVersion if it changed meanwhile); keeps who closed it and
    when right."""
    changes = dict(changes)
    if "status" in changes:
        changes.update(_completion(item, changes["status"], by))
    save_versioned(item, expected_version=expected_version, changes=changes)
    record_account_change(item.customer_id)
    return item


@transaction.atomic
def set_action_item_status(item: ActionItem, *, status: str, by: User | None = None) -> ActionItem:
    """Mark done, cancel or reopen: a toggle, so the last click wins without a version check."""
    current = ActionItem.objects.select_for_update().get(pk=item.pk)
    return update_action_item(
        current, expected_version=current.version, changes={"status": status}, by=by
    )


# --- Planned meetings ----------------------------------------------------------------------


class PlanAlreadyLogged(Exception):
    """The planned meeting was logged, cancelled or deleted meanwhile."""


@dataclass
class PlanData:
    starts_at: dt.datetime
    title: str
    kind: str = Meeting.Kind.MEETING
    duration_minutes: int = 60
    location: str = ""
    agenda: str = ""
    stakeholders: Iterable[Stakeholder] = field(default_factory=tuple)
    internal_attendees: Iterable[User] = field(default_factory=tuple)
    goals: Iterable[Goal] = field(default_factory=tuple)
    problems: Iterable[Problem] = field(default_factory=tuple)


@transaction.atomic
def plan_meeting(
    customer: Customer,
    *,
    owner: User,
    data: PlanData,
    new_stakeholders: Iterable[NewStakeholder] = (),
) -> PlannedMeeting:
    """Put a meeting with the customer in the diary, with its attendees (and people new to the
    account, added as stakeholders) and what to discuss."""
    planned = PlannedMeeting.objects.create(
        customer=customer,
        owner=owner,
        starts_at=data.starts_at,
        duration_minutes=data.duration_minutes,
        kind=data.kind,
        title=data.title,
        location=data.location,
        agenda=data.agenda,
    )
    newcomers = _add_stakeholders(customer, new_stakeholders, by=owner)
    planned.stakeholders.add(*data.stakeholders, *newcomers)
    planned.internal_attendees.add(*data.internal_attendees)
    planned.goals.add(*data.goals)
    planned.problems.add(*data.problems)
    record_account_change(customer.pk)
    return planned


@transaction.atomic
def update_planned_meeting(
    planned: PlannedMeeting,
    *,
    expected_version: int,
    changes: Mapping[str, Any],
    m2m: Mapping[str, Iterable[Any]],
) -> PlannedMeeting:
    """Edit a plan (StaleVersion if it changed meanwhile); calendars see a new SEQUENCE."""
    changes = {**changes, "sequence": planned.sequence + 1}
    save_versioned(planned, expected_version=expected_version, changes=changes, m2m=m2m)
    record_account_change(planned.customer_id)
    return planned


@transaction.atomic
def cancel_planned_meeting(planned: PlannedMeeting) -> bool:
    """Call the meeting off; calendars show it cancelled. False when it was no longer planned."""
    cancelled = PlannedMeeting.objects.filter(
        pk=planned.pk, status=PlannedMeeting.Status.PLANNED, deleted_at__isnull=True
    ).update(
        status=PlannedMeeting.Status.CANCELLED,
        sequence=F("sequence") + 1,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    if cancelled:
        record_account_change(planned.customer_id)
    return bool(cancelled)


def _close_plan(plan: PlannedMeeting, *, meeting: Meeting) -> None:
    # Conditional: two people logging the same plan at once create one link, not two.
    won = PlannedMeeting.objects.filter(
        pk=plan.pk, status=PlannedMeeting.Status.PLANNED, deleted_at__isnull=True
    ).update(
        status=PlannedMeeting.Status.LOGGED,
        meeting=meeting,
        sequence=F("sequence") + 1,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    if not won:
        raise PlanAlreadyLogged(plan.pk)


@transaction.atomic
def delete_action_item(item: ActionItem, *, by: User) -> None:
    """Move an action item to the account's trash (restorable for 30 days)."""
    if item.soft_delete(by=by):
        record_account_change(item.customer_id)
