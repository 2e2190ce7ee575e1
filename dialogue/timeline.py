"""The account timeline: the dialogue as a story (meetings with who was there and what the
customer said, new problems, proposals, contributions, comments, next steps), with record
changes folded into bursts; one page is one UNION ALL query."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import partial
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.db.models.functions import Concat, Substr
from django.utils.module_loading import import_string
from django.utils.text import capfirst
from django.utils.translation import gettext

from core.history import history_model
from core.params import BadParameter, parse_choice, parse_datetime, parse_id, parse_int
from customers.models import Customer, Problem
from dialogue.models import ActionItem, Meeting
from dialogue.timeline_words import (
    CHANGE_ACTIONS,
    CONTRIBUTION_LINES,
    FILTER_OF_KIND,
    KIND_LABELS,
    RECORD_NAMES,
    TIMELINE_FILTERS,
)
from solutions.models import Comment, Contribution, Proposal, ProposalTransition

# --- The account timeline ------------------------------------------------------------------

TIMELINE_PAGE_SIZE = 25
# Record changes by one person to one kind of record, with no more than this between two of
# them, fold into one line ("Sara added 12 stakeholders").
BURST_GAP = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class TimelineFilter:
    """What the reader asked to see: one kind (or all), one person's doing (or everyone's),
    and whether record changes are shown at all."""

    kind: str | None = None
    person: int | None = None
    hide_changes: bool = False

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> "TimelineFilter":
        """The filter in the page's query string; BadParameter for an unknown kind."""
        kind = parse_choice(query.get("kind"), name="kind", choices=TIMELINE_FILTERS)
        person = parse_id(query.get("person"), name="person")
        return cls(kind=kind, person=person, hide_changes=query.get("changes") == "hide")

    def shows(self, kind: str) -> bool:
        group = FILTER_OF_KIND.get(kind, kind)
        if group == "change" and self.hide_changes:
            return False
        return self.kind is None or self.kind == group

    def as_query(self) -> str:
        """The filter as query-string parameters, for links to the next page."""
        params = {"kind": self.kind or "", "person": self.person or ""}
        if self.hide_changes:
            params["changes"] = "hide"
        return urlencode({k: v for k, v in params.items() if v})


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # meeting, action_item, problem, proposal, transition, contribution, comment, change
    obj_id: int
    at: dt.datetime
    label: str
    detail: str
    extra: str
    actor: str
    # A folded burst of record changes: how many, and the first few records' labels.
    count: int = 1
    labels: tuple[str, ...] = ()
    # A meeting's people in the room (customer's and ours).
    attendees: tuple[str, ...] = ()

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def gist(self) -> str:
        """One line of what the customer said (meetings) or of the comment."""
        if self.kind not in {"meeting", "comment"}:
            return ""
        line = next((line.strip() for line in self.extra.splitlines() if line.strip()), "")
        return line if len(line) <= 140 else line[:139].rstrip() + "…"

    @property
    def is_done(self) -> bool:
        return self.kind == "action_item" and self.detail == ActionItem.Status.DONE

    @property
    def description(self) -> str:
        """One line saying what happened, in words (the template adds links and names)."""
        if self.kind == "meeting":
            return _label(Meeting.Kind, self.detail)
        if self.kind == "action_item":
            status = _label(ActionItem.Status, self.detail)
            return gettext("Owner %(owner)s · %(status)s") % {"owner": self.extra, "status": status}
        if self.kind == "problem":
            severity = _label(Problem.Severity, self.detail)
            line = gettext("Severity %(severity)s") % {"severity": severity}
            return line + (f" · {self.extra}" if self.extra else "")
        if self.kind == "transition":
            return gettext("Moved from %(old)s to %(new)s") % {
                "old": _label(Proposal.Status, self.extra),
                "new": _label(Proposal.Status, self.detail),
            }
        if self.kind == "proposal":
            return gettext("Proposal created")
        if self.kind == "contribution":
            return str(CONTRIBUTION_LINES.get(self.detail, KIND_LABELS["contribution"]))
        if self.kind == "comment":
            return gettext("Comment")
        if self.kind == "customer":
            return f"{self.extra} {gettext(self.detail)}"
        action = CHANGE_ACTIONS.get(self.detail, CHANGE_ACTIONS["~"])
        one, many = RECORD_NAMES.get(self.extra, (self.extra, self.extra))
        if self.count > 1:
            return gettext("%(count)s %(records)s %(action)s") % {
                "count": self.count,
                "records": many,
                "action": action,
            }
        return capfirst(gettext("%(record)s %(action)s") % {"record": one, "action": action})


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
# history types). Meetings, action items and problems already have their own "created" entry;
# timeline_words.RECORD_NAMES says what each is called.
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
    ("solutions.Contribution", "proposal__title", ("~",)),
)
# Sources whose history rows do not hold the customer, and the path to it.
CHANGE_OWNER = {"solutions.Contribution": "proposal__customer_id"}
# Sources with story entries of their own: only their deletes and restores are record changes.
ONLY_TRASH_CHANGES = {"solutions.Contribution"}
_TRASH_REASON = Q(history_change_reason__startswith="Deleted") | Q(
    history_change_reason__startswith="Restored"
)

_TEXT = CharField()
# A soft delete or restore is a history save with a reason (core.softdelete): say so.
_CHANGE_ACTION = Case(
    When(history_change_reason__startswith="Deleted", then=Value("deleted")),
    When(history_change_reason__startswith="Restored", then=Value("restored")),
    default=F("history_type"),
    output_field=_TEXT,
)


def _row(
    queryset: QuerySet,
    *,
    kind: str,
    at: str,
    label: object,
    detail: object,
    extra: object,
    actor: str | None,
    obj: str = "id",
    person: int | None = None,
) -> QuerySet | None:
    """Shape one source into the timeline's common columns, for a UNION ALL (None when the
    person filter rules the whole source out)."""

    def text(value: object) -> object:
        return Value(value, output_field=_TEXT) if isinstance(value, str) else value

    if person is not None:
        if actor is None:
            return None
        queryset = queryset.filter(**{f"{actor}_id": person})
    blank = Value("", output_field=_TEXT)
    # No ORDER BY inside a compound statement; the union is ordered as a whole.
    return (
        queryset.order_by()
        .annotate(
            t_kind=Value(kind, output_field=_TEXT),
            t_id=F(obj),
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


def _timeline_sources(customer: Customer, view: TimelineFilter) -> list[QuerySet]:

    person = view.person
    story = [
        (
            "meeting",
            lambda: _row(
                Meeting.objects.filter(customer=customer, deleted_at__isnull=True),
                kind="meeting",
                at="occurred_at",
                label=F("title"),
                detail=F("kind"),
                extra=Substr("customer_said", 1, 300),
                actor="author",
                person=person,
            ),
        ),
        (
            "action_item",
            lambda: _row(
                ActionItem.objects.filter(customer=customer),
                kind="action_item",
                at="created_at",
                label=F("description"),
                detail=F("status"),
                extra=Concat(
                    F("owner__first_name"), Value(" "), F("owner__last_name"), output_field=_TEXT
                ),
                actor="created_by",
                person=person,
            ),
        ),
        (
            "problem",
            lambda: _row(
                Problem.objects.filter(customer=customer),
                kind="problem",
                at="created_at",
                label=F("title"),
                detail=F("severity"),
                extra=F("source"),
                actor=None,
                person=person,
            ),
        ),
        (
            "proposal",
            lambda: _row(
                Proposal.objects.filter(customer=customer, deleted_at__isnull=True),
                kind="proposal",
                at="created_at",
                label=F("title"),
                detail=F("status"),
                extra="",
                actor="created_by",
                person=person,
            ),
        ),
        (
            "transition",
            lambda: _row(
                ProposalTransition.objects.filter(
                    proposal__customer=customer, proposal__deleted_at__isnull=True
                ),
                kind="transition",
                at="at",
                label=F("proposal__title"),
                detail=F("to_status"),
                extra=F("from_status"),
                actor="by",
                obj="proposal_id",
                person=person,
            ),
        ),
        (
            "contribution",
            lambda: _row(
                Contribution.objects.filter(
                    proposal__customer=customer,
                    proposal__deleted_at__isnull=True,
                    answered_at__isnull=False,
                ),
                kind="contribution",
                at="answered_at",
                label=F("proposal__title"),
                detail=F("status"),
                extra="",
                actor="specialist",
                person=person,
            ),
        ),
        (
            "comment",
            lambda: _row(
                Comment.objects.filter(
                    customer=customer, deleted_at__isnull=True, proposal__deleted_at__isnull=True
                ),
                kind="comment",
                at="created_at",
                label=F("proposal__title"),
                detail="",
                extra=Substr("body", 1, 300),
                actor="author",
                obj="proposal_id",
                person=person,
            ),
        ),
    ]
    sources = [build() for kind, build in story if view.shows(kind)]
    if view.shows("change"):
        for label, label_field, types in CHANGE_SOURCES:
            model = apps.get_model(label)
            history = history_model(model)
            owner = {"id": customer.pk} if model is Customer else {"customer_id": customer.pk}
            if label in CHANGE_OWNER:
                owner = {CHANGE_OWNER[label]: customer.pk}
            rows = history.objects.filter(history_type__in=types, **owner)
            if label in ONLY_TRASH_CHANGES:
                rows = rows.filter(_TRASH_REASON)
            sources.append(
                _row(
                    rows,
                    kind="change",
                    at="history_date",
                    label=F(label_field) if label_field else "",
                    detail=_CHANGE_ACTION,
                    extra=label,
                    actor="history_user",
                    person=person,
                )
            )
        # Apps above dialogue add the changes of their records by name.
        change_row = partial(_row, person=person)
        for path in settings.TIMELINE_CHANGE_SOURCES:
            sources += import_string(path)(customer, change_row)
    if view.shows("customer"):
        # Apps above dialogue add their entries (the shared space's customer actions) by name.
        row = partial(_row, person=person)
        sources += [import_string(path)(customer, row) for path in settings.TIMELINE_SOURCES]
    return [source for source in sources if source is not None]


def _actor(first: str, last: str, username: str) -> str:
    return " ".join(part for part in (first, last) if part) or username or ""


def _with_attendees(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """Meetings with who was there: two queries for the page, whatever its size."""
    ids = [entry.obj_id for entry in entries if entry.kind == "meeting"]
    if not ids:
        return entries
    people: dict[int, list[str]] = {pk: [] for pk in ids}
    stakeholders = Meeting.stakeholders.through.objects.filter(
        meeting_id__in=ids, stakeholder__deleted_at__isnull=True
    ).order_by("stakeholder__name")
    for meeting_id, name in stakeholders.values_list("meeting_id", "stakeholder__name"):
        people[meeting_id].append(name)
    ours = Meeting.internal_attendees.through.objects.filter(meeting_id__in=ids).order_by(
        "user__first_name", "user__username"
    )
    for meeting_id, first, last, username in ours.values_list(
        "meeting_id", "user__first_name", "user__last_name", "user__username"
    ):
        people[meeting_id].append(_actor(first, last, username))
    return [
        replace(entry, attendees=tuple(people[entry.obj_id])) if entry.kind == "meeting" else entry
        for entry in entries
    ]


def fold_changes(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """Fold neighbouring record changes by one person to one kind of record, done the same way
    within BURST_GAP of each other, into one line."""
    folded: list[TimelineEntry] = []
    for entry in entries:
        last = folded[-1] if folded else None
        if (
            last is not None
            and entry.kind == "change"
            and last.kind == "change"
            and (entry.actor, entry.extra, entry.detail) == (last.actor, last.extra, last.detail)
            and last.at - entry.at <= BURST_GAP * last.count
        ):
            labels = last.labels if len(last.labels) >= 3 else (*last.labels, entry.label)
            folded[-1] = replace(last, count=last.count + 1, labels=labels)
            continue
        folded.append(replace(entry, labels=(entry.label,)) if entry.kind == "change" else entry)
    return folded


def timeline_page(
    customer: Customer,
    *,
    cursor: TimelineCursor | None,
    size: int = TIMELINE_PAGE_SIZE,
    view: TimelineFilter | None = None,
) -> tuple[list[TimelineEntry], TimelineCursor | None]:
    """One page of the customer's timeline, newest first, in a single UNION ALL query (plus
    two for the page's meeting attendees); record changes folded into bursts."""
    sources = _timeline_sources(customer, view or TimelineFilter())
    if not sources:
        return [], None
    if cursor is not None:
        sources = [source.filter(**{"t_at__lte": cursor.at}) for source in sources]
    skip = cursor.skip if cursor is not None else 0
    if len(sources) > 1 and connection.features.supports_slicing_ordering_in_compound:
        # Each branch stops at the rows a page can use, so a long history is never sorted whole.
        sources = [source.order_by("-t_at", "-t_id")[: skip + size + 1] for source in sources]
    union = sources[0].union(*sources[1:], all=True) if len(sources) > 1 else sources[0]
    union = union.order_by("-t_at", "t_kind", "-t_id")
    rows = list(union[skip : skip + size + 1])
    entries = [
        TimelineEntry(
            kind=kind,
            obj_id=obj_id,
            at=at,
            label=label or "",
            detail=detail or "",
            extra=extra or "",
            actor=_actor(first, last, username),
        )
        for kind, obj_id, at, label, detail, extra, first, last, username in rows
    ]
    has_more = len(entries) > size
    entries = entries[:size]
    # The cursor counts rows, not folded lines: a burst cut by a page end goes on next page.
    next_cursor = None
    if has_more and entries:
        last_at = entries[-1].at
        ties = sum(1 for entry in entries if entry.at == last_at)
        # Ties with the cursor's own timestamp on an earlier page are still ahead in the ordering.
        if cursor is not None and last_at == cursor.at:
            ties += cursor.skip
        next_cursor = TimelineCursor(at=last_at, skip=ties)
    return fold_changes(_with_attendees(entries)), next_cursor
