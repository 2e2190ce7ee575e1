"""Reads of meetings, action items and the account timeline used by views and the API."""

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Concat
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from accounts.models import User
from core.params import BadParameter, parse_datetime, parse_int
from customers.models import Customer, Goal, Problem, Stakeholder
from dialogue.models import ActionItem, Meeting, PlannedMeeting
from solutions.models import Proposal, ProposalTransition


def stakeholders_of(customer_id: int) -> QuerySet[Stakeholder]:
    return Stakeholder.objects.filter(customer_id=customer_id, deleted_at__isnull=True).order_by(
        "name", "id"
    )


def goals_of(customer_id: int) -> QuerySet[Goal]:
    return Goal.objects.filter(customer_id=customer_id).order_by("priority", "title", "id")


def problems_of(customer_id: int) -> QuerySet[Problem]:
    return Problem.objects.filter(customer_id=customer_id).order_by("title", "id")


def last_meeting_of(customer_id: int) -> Meeting | None:
    """The customer's latest logged meeting with its attendees (the next log's defaults)."""
    return (
        Meeting.objects.filter(customer_id=customer_id, deleted_at__isnull=True)
        .prefetch_related("stakeholders", "internal_attendees")
        .order_by("-occurred_at", "-id")
        .first()
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
        .select_related("customer", "owner", "meeting")
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
    rows = list(upcoming[:limit].union(unlogged[:limit], all=True))
    return (
        sorted((p for p in rows if not p.is_unlogged), key=lambda p: (p.starts_at, p.pk)),
        sorted((p for p in rows if p.is_unlogged), key=lambda p: (p.starts_at, p.pk), reverse=True),
    )


def due_by(user: User, end: dt.date) -> QuerySet[ActionItem]:
    """The user's open action items due by `end`, overdue ones first."""
    return my_open_action_items(user).filter(due_on__lte=end)


# --- The account timeline ------------------------------------------------------------------

TIMELINE_PAGE_SIZE = 25


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # meeting, action_item, problem, proposal, transition, change
    obj_id: int
    at: dt.datetime
    label: str
    detail: str
    extra: str
    actor: str

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def description(self) -> str:
        """One line saying what happened, in words (the template adds links and names)."""
        if self.kind == "meeting":
            return _label(Meeting.Kind, self.detail)
        if self.kind == "action_item":
            status = _label(ActionItem.Status, self.detail)
            return f"Owner {self.extra} · {status}"
        if self.kind == "problem":
            severity = _label(Problem.Severity, self.detail)
            return f"Severity {severity}" + (f" · {self.extra}" if self.extra else "")
        if self.kind == "transition":
            return (
                f"Moved from {_label(Proposal.Status, self.extra)} "
                f"to {_label(Proposal.Status, self.detail)}"
            )
        if self.kind == "proposal":
            return "Proposal created"
        if self.kind == "customer":
            return f"{self.extra} {gettext(self.detail)}"
        action = {"+": "added", "~": "changed", "-": "deleted"}.get(self.detail, "changed")
        return f"{self.extra.capitalize()} {action}"


KIND_LABELS = {
    "meeting": "Meeting",
    "action_item": "Next step",
    "problem": "New problem",
    "proposal": "Proposal",
    "transition": "Proposal status",
    "change": "Record change",
    "customer": "Customer, in the shared space",
}


def _label(choices: type, value: str) -> str:
    return choices(value).label if value in choices.values else value


@dataclass(frozen=True)
class TimelineCursor:
    """Where the next page starts: entries at or before `at`, skipping `skip` ties already shown."""

    at: dt.datetime
    skip: int

    def encode(self) -> str:
        return f"{self.at.isoformat()}|{self.skip}"

    @classmethod
    def decode(cls, raw: str | None, *, name: str = "before") -> "TimelineCursor | None":
        """The cursor in `raw` (None when absent); BadParameter when it is not one."""
        if not raw:
            return None
        if len(raw) > 64 or "|" not in raw:
            raise BadParameter(name, "That page link is not valid.")
        at_text, skip_text = raw.rsplit("|", 1)
        at = parse_datetime(at_text, name=name)
        skip = parse_int(skip_text, name=name, maximum=10_000)
        if skip is None:
            raise BadParameter(name, "That page link is not valid.")
        return cls(at=at, skip=skip)


# Historical tables whose rows are shown as "record changes" (model label, label field,
# history types). Meetings, action items and problems already have their own "created" entry.
CHANGE_SOURCES = (
    ("customers.Customer", "name", ("~",)),
    ("customers.BusinessModel", None, ("+", "~")),
    ("customers.StrategicMove", "title", ("+", "~", "-")),
    ("customers.Goal", "title", ("+", "~", "-")),
    ("customers.Option", "title", ("+", "~", "-")),
    ("customers.Process", "name", ("+", "~", "-")),
    ("customers.Stakeholder", "name", ("+", "~", "-")),
    ("customers.Problem", "title", ("~", "-")),
    ("dialogue.Meeting", "title", ("~",)),
    ("dialogue.ActionItem", "description", ("~",)),
)

_TEXT = CharField()


def _row(
    queryset: QuerySet,
    *,
    kind: str,
    at: str,
    label: object,
    detail: object,
    extra: object,
    actor: str | None,
) -> QuerySet:
    """Shape one source into the timeline's common columns, for a UNION ALL."""

    def text(value: object) -> object:
        return Value(value, output_field=_TEXT) if isinstance(value, str) else value

    blank = Value("", output_field=_TEXT)
    # No ORDER BY inside a compound statement; the union is ordered as a whole.
    return (
        queryset.order_by()
        .annotate(
            t_kind=Value(kind, output_field=_TEXT),
            t_id=F("id") if kind != "transition" else F("proposal_id"),
            t_at=F(at),
            t_label=text(label),
            t_detail=text(detail),
            t_extra=text(extra),
            t_actor_first=F(f"{actor}__first_name") if actor else blank,
            t_actor_last=F(f"{actor}__last_name") if actor else blank,
            t_actor_username=F(f"{actor}__username") if actor else blank,
        )
        .values_list(
            "t_kind",
            "t_id",
            "t_at",
            "t_label",
            "t_detail",
            "t_extra",
            "t_actor_first",
            "t_actor_last",
            "t_actor_username",
        )
    )


def _timeline_sources(customer: Customer) -> list[QuerySet]:

    sources = [
        _row(
            Meeting.objects.filter(customer=customer, deleted_at__isnull=True),
            kind="meeting",
            at="occurred_at",
            label=F("title"),
            detail=F("kind"),
            extra=F("sentiment"),
            actor="author",
        ),
        _row(
            ActionItem.objects.filter(customer=customer),
            kind="action_item",
            at="created_at",
            label=F("description"),
            detail=F("status"),
            extra=Concat(
                F("owner__first_name"), Value(" "), F("owner__last_name"), output_field=_TEXT
            ),
            actor="created_by",
        ),
        _row(
            Problem.objects.filter(customer=customer),
            kind="problem",
            at="created_at",
            label=F("title"),
            detail=F("severity"),
            extra=F("source"),
            actor=None,
        ),
        _row(
            Proposal.objects.filter(customer=customer, deleted_at__isnull=True),
            kind="proposal",
            at="created_at",
            label=F("title"),
            detail=F("status"),
            extra="",
            actor="created_by",
        ),
        _row(
            ProposalTransition.objects.filter(proposal__customer=customer),
            kind="transition",
            at="at",
            label=F("proposal__title"),
            detail=F("to_status"),
            extra=F("from_status"),
            actor="by",
        ),
    ]
    for label, label_field, types in CHANGE_SOURCES:
        history = apps.get_model(label).history.model
        owner = (
            {"id": customer.pk} if label == "customers.Customer" else {"customer_id": customer.pk}
        )
        sources.append(
            _row(
                history.objects.filter(history_type__in=types, **owner),
                kind="change",
                at="history_date",
                label=F(label_field) if label_field else "",
                detail=F("history_type"),
                extra=apps.get_model(label)._meta.verbose_name,
                actor="history_user",
            )
        )
    # Apps above dialogue add their entries (the shared space's customer actions) by name.
    sources += [import_string(path)(customer, _row) for path in settings.TIMELINE_SOURCES]
    return sources


def timeline_page(
    customer: Customer, *, cursor: TimelineCursor | None, size: int = TIMELINE_PAGE_SIZE
) -> tuple[list[TimelineEntry], TimelineCursor | None]:
    """One page of the customer's timeline, newest first, in a single UNION ALL query."""
    sources = _timeline_sources(customer)
    if cursor is not None:
        sources = [source.filter(**{"t_at__lte": cursor.at}) for source in sources]
    skip = cursor.skip if cursor is not None else 0
    if connection.features.supports_slicing_ordering_in_compound:
        # Each branch stops at the rows a page can use, so a long history is never sorted whole.
        sources = [source.order_by("-t_at", "-t_id")[: skip + size + 1] for source in sources]
    union = sources[0].union(*sources[1:], all=True).order_by("-t_at", "t_kind", "-t_id")
    rows = list(union[skip : skip + size + 1])
    entries = [
        TimelineEntry(
            kind=kind,
            obj_id=obj_id,
            at=at,
            label=label or "",
            detail=detail or "",
            extra=extra or "",
            actor=" ".join(part for part in (first, last) if part) or username or "",
        )
        for kind, obj_id, at, label, detail, extra, first, last, username in rows
    ]
    has_more = len(entries) > size
    entries = entries[:size]
    if not has_more or not entries:
        return entries, None
    last_at = entries[-1].at
    ties = sum(1 for entry in entries if entry.at == last_at)
    # Ties with the cursor's own timestamp on an earlier page are still ahead in the ordering.
    if cursor is not None and last_at == cursor.at:
        ties += cursor.skip
    return entries, TimelineCursor(at=last_at, skip=ties)


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
