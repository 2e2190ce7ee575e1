"""Reads of meetings, action items and the account timeline used by views and the API."""

import datetime as dt
import operator
from dataclasses import dataclass
from functools import reduce

from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from accounts.visibility import id_array_literal, visible_customer_ids
from customers.models import Goal, Problem, Stakeholder
from dialogue.models import ActionItem, Meeting, PlannedMeeting


def stakeholders_of(customer_id: int) -> QuerySet[Stakeholder]:
    return Stakeholder.objects.filter(customer_id=customer_id, deleted_at__isnull=True).order_by(
        "name", "id"
    )


def stakeholder_choices(customer_id: int) -> QuerySet[Stakeholder]:
    """This customer's stakeholders as a choice list: only what an option shows. A large
    account lists a few hundred on every log-a-meeting page."""
    return stakeholders_of(customer_id).only("pk", "customer_id", "name", "title")


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


# The API's meeting links: each relation's ids, prefetched into a plain list per meeting
# (dialogue.serializers.PrefetchedIds reads it), with nothing but the id of each record.
_API_LINKS = (
    ("stakeholders", Stakeholder),
    ("internal_attendees", User),
    ("goals", Goal),
    ("problems", Problem),
)


def meetings_for_api(user: User) -> QuerySet[Meeting]:
    """`meetings_for_user` for the API's pages: customer and author as their ids, and each
    to-many link as a prefetched list of ids, not a related manager per meeting."""
    links = (
        Prefetch(name, queryset=model._default_manager.only("pk"), to_attr=f"prefetched_{name}")
        for name, model in _API_LINKS
    )
    return (
        Meeting.objects.visible_to(user)
        .filter(deleted_at__isnull=True)
        .prefetch_related(*links)
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


# --- The team's open action items (a manager's page) ------------------------------------------

TEAM_ITEMS_PER_PAGE = 100
# A user who sees at most this many accounts gets the page from their accounts' own open items
# (the planner's semi-join, about a dozen items an account); one who sees more, or every
# account, from a walk of the owners in name order that stops once the page is full.
TEAM_WALK_FROM = 200


@dataclass(frozen=True)
class TeamCursor:
    """Where a page of the team's items starts: after this item, in the page's order."""

    owner_id: int
    due_on: dt.date | None
    item_id: int

    def __str__(self) -> str:
        return f"{self.owner_id}.{self.due_on.isoformat() if self.due_on else ''}.{self.item_id}"

    @classmethod
    def parse(cls, value: str | None) -> "TeamCursor | None":
        """The cursor in a page link; None (the first page) for a missing or malformed one."""
        owner, due, item = (value or "").split(".") if (value or "").count(".") == 2 else ("",) * 3
        # Ids are PostgreSQL bigints: 18 digits always fit.
        if not all(part.isascii() and part.isdigit() and len(part) <= 18 for part in (owner, item)):
            return None
        try:
            due_on = dt.date.fromisoformat(due) if due else None
        except ValueError:
            return None
        return cls(int(owner), due_on, int(item))

    @classmethod
    def after(cls, item: ActionItem) -> "TeamCursor":
        return cls(item.owner_id, item.due_on, item.pk)


@dataclass(frozen=True)
class OwnerItems:
    owner: User
    items: list[ActionItem]
    open: int  # the owner's open items on the accounts the reader sees, on every page
    overdue: int


@dataclass(frozen=True)
class TeamItemsPage:
    owners: list[OwnerItems]
    cursor: TeamCursor | None  # where this page started; None on the first
    next: TeamCursor | None


# No item is due at the end of time: undated items sort after every date, as NULLS LAST does.
_UNDATED = dt.date.max

_TEAM_ROW_FIELDS = (
    "description",
    "due_on",
    "status",
    "customer__name",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
)

_OWNER_ORDER = ("owner__first_name", "owner__last_name", "owner__username", "owner_id")

# The owners in name order, each one's open items on the visible accounts in due order, read
# from the owner's open-items index (customer included, so no row is fetched to test it) and
# cut at the page: the statement stops once the page is full, however many items the visible
# accounts hold. The visible customers come as an array literal ('{1,2}'; NULL for all), which
# the planner folds and tests by hash.
_TEAM_WALK = """
SELECT a.id FROM {user} u
CROSS JOIN LATERAL (
    SELECT i.id, i.due_on FROM {item} i
    WHERE i.owner_id = u.id AND i.status = 'open' AND i.deleted_at IS NULL
      AND (%(visible)s::bigint[] IS NULL OR i.customer_id = ANY (%(visible)s::bigint[]))
      AND (%(owner)s::bigint IS NULL OR u.id <> %(owner)s
           OR (COALESCE(i.due_on, 'infinity'::date), i.id) > (%(due)s::date, %(item)s))
    ORDER BY i.due_on, i.id
    LIMIT %(limit)s
) a
WHERE %(owner)s::bigint IS NULL
   OR (u.first_name, u.last_name, u.username, u.id)
      >= (SELECT k.first_name, k.last_name, k.username, k.id FROM {user} k WHERE k.id = %(owner)s)
ORDER BY u.first_name, u.last_name, u.username, u.id, a.due_on, a.id
LIMIT %(limit)s
"""


def _after_q(user_keys: tuple, cursor: TeamCursor) -> Q:
    """Rows after the cursor in the page's order (owner's name, owner, due date, id)."""
    fields = (*_OWNER_ORDER, "due_key", "id")
    values = (*user_keys, cursor.owner_id, cursor.due_on or _UNDATED, cursor.item_id)
    return reduce(
        operator.or_,
        (
            Q(**dict(zip(fields[:n], values[:n], strict=True)), **{f"{field}__gt": value})
            for n, (field, value) in enumerate(zip(fields, values, strict=True))
        ),
    )


def _walks(visible: list[int] | None) -> bool:
    """Whether the owner walk reads the page: on PostgreSQL, for a user who sees many
    accounts, or every account."""
    return connection.vendor == "postgresql" and (visible is None or len(visible) > TEAM_WALK_FROM)


def _team_page_ids(user: User, cursor: TeamCursor | None, limit: int) -> list[int]:
    visible = visible_customer_ids(user)
    if _walks(visible):
        sql = _TEAM_WALK.format(user=User._meta.db_table, item=ActionItem._meta.db_table)  # nosec B608: table names from the models; every value is a parameter
        params = {
            "visible": None if visible is None else id_array_literal(visible),
            "owner": cursor and cursor.owner_id,
            "due": cursor and (cursor.due_on or "infinity"),
            "item": cursor and cursor.item_id,
            "limit": limit,
        }
        with connection.cursor() as db:
            db.execute(sql, params)
            return [pk for (pk,) in db.fetchall()]
    items = (
        ActionItem.objects.visible_to(user)
        .filter(status=ActionItem.Status.OPEN)
        .annotate(due_key=Coalesce("due_on", Value(_UNDATED)))
    )
    if cursor is not None:
        owner = User.objects.filter(pk=cursor.owner_id)
        keys = tuple(
            Subquery(owner.values(name)[:1]) for name in ("first_name", "last_name", "username")
        )
        items = items.filter(_after_q(keys, cursor))
    ordered = items.order_by(*_OWNER_ORDER, "due_key", "id")
    return list(ordered.values_list("pk", flat=True)[:limit])


def team_open_action_items(
    user: User, cursor: TeamCursor | None = None, *, per_page: int | None = None
) -> TeamItemsPage:
    """A page of the open action items on every account `user` can see, by owner (in name
    order), each owner's overdue ones first, then by due date: a manager's view of their
    team's next steps. Pages follow a cursor, so a late page costs what the first does."""
    per_page = per_page or TEAM_ITEMS_PER_PAGE
    ids = _team_page_ids(user, cursor, per_page + 1)
    more = len(ids) > per_page
    # What a row shows, no more: the page lists a hundred items with their account and owner.
    by_pk = (
        ActionItem.objects.visible_to(user)
        .filter(status=ActionItem.Status.OPEN)
        .select_related("customer", "owner")
        .only(*_TEAM_ROW_FIELDS)
        .in_bulk(ids[:per_page])
    )
    items = [by_pk[pk] for pk in ids[:per_page] if pk in by_pk]
    totals = _owner_totals(user, {item.owner_id for item in items})
    owners = [
        OwnerItems(owner, listed, *totals.get(owner.pk, (len(listed), 0)))
        for owner, listed in _grouped_by_owner(items)
    ]
    return TeamItemsPage(owners, cursor, TeamCursor.after(items[-1]) if more and items else None)


def _grouped_by_owner(items: list[ActionItem]) -> list[tuple[User, list[ActionItem]]]:
    groups: list[tuple[User, list[ActionItem]]] = []
    for item in items:
        if groups and groups[-1][0].pk == item.owner_id:
            groups[-1][1].append(item)
        else:
            groups.append((item.owner, [item]))
    return groups


def _owner_totals(user: User, owner_ids: set[int]) -> dict[int, tuple[int, int]]:
    """Each owner's open and overdue items on the accounts `user` sees, on every page."""
    if not owner_ids:
        return {}
    rows = (
        ActionItem.objects.visible_to(user)
        .filter(owner_id__in=owner_ids, status=ActionItem.Status.OPEN)
        .values("owner_id")
        .annotate(open=Count("id"), overdue=Count("id", filter=Q(due_on__lt=timezone.localdate())))
        .values_list("owner_id", "open", "overdue")
    )
    return {owner: (open_, overdue) for owner, open_, overdue in rows}


def my_action_items(user: User, *, with_done: bool) -> QuerySet[ActionItem]:
    """The user's own open action items, and with `with_done` the ones done too."""
    statuses = [ActionItem.Status.OPEN] + ([ActionItem.Status.DONE] if with_done else [])
    return action_items_for_user(user).filter(owner=user, status__in=statuses)
