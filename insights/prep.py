"""The prep brief of a planned meeting: who comes and what they said, what to ask, what is owed.

`build_prep_brief` reads a fixed number of queries whatever the account's size (each section is
one query, bounded by the meeting's attendees and by per-section limits) and stores the result
as JSON in `PrepBrief`, so the page and the email only render it. The brief is built the evening
before the meeting (`prepare_due_briefs`, a beat task) and rebuilt when the account changes
before the meeting (`refresh_prep_briefs`, a change-feed consumer).
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Case, F, Max, Prefetch, Q, When, Window
from django.db.models.functions import RowNumber
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.localization import as_user_sees_it
from accounts.visibility import users_who_can_see
from customers.models import Customer, Goal, Problem, Stakeholder
from dialogue.models import ActionItem, Meeting, PlannedMeeting
from insights.document import change_texts
from insights.models import AccountSummary, PrepBrief
from solutions.models import Contribution, Proposal

WORDS_PER_ATTENDEE = 3
SECTION_LIMIT = 15
COVERAGE_DAYS = 90
# The brief goes out at this local hour the evening before the meeting.
BRIEF_HOUR = 18
IN_FLIGHT = (*Proposal.OPEN_STATUSES, Proposal.Status.ACCEPTED)
SEVERITY_ORDER = (
    Problem.Severity.CRITICAL,
    Problem.Severity.HIGH,
    Problem.Severity.MEDIUM,
    Problem.Severity.LOW,
)
KEY_ROLES = (Stakeholder.BuyingRole.DECISION_MAKER, Stakeholder.BuyingRole.CHAMPION)


def _record_url(customer_id: int, kind: str, pk: int) -> str:
    return reverse("customers:edit-record", args=[customer_id, kind, pk])


def _planned(planned_id: int) -> PlannedMeeting:
    return (
        PlannedMeeting.objects.select_related("customer", "owner")
        .prefetch_related("stakeholders__owner", "internal_attendees", "goals", "problems")
        .get(pk=planned_id)
    )


def _attendees(planned: PlannedMeeting, now: dt.datetime) -> list[dict[str, Any]]:
    people = [s for s in planned.stakeholders.all() if s.deleted_at is None]
    ids = [s.pk for s in people]
    # Their last few meetings each, newest first: one windowed query over the attendance rows.
    attended = (
        Meeting.stakeholders.through.objects.filter(
            stakeholder_id__in=ids,
            meeting__deleted_at__isnull=True,
            meeting__occurred_at__lte=now,
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("stakeholder_id")],
                order_by=[F("meeting__occurred_at").desc(), F("meeting_id").desc()],
            )
        )
        .filter(rank__lte=WORDS_PER_ATTENDEE)
        .select_related("meeting")
        .order_by("stakeholder_id", "rank")
    )
    meetings: dict[int, list[Meeting]] = {}
    for row in attended if ids else []:
        meetings.setdefault(row.stakeholder_id, []).append(row.meeting)
    rows = []
    for person in people:
        theirs = meetings.get(person.pk, [])
        rows.append(
            {
                "name": person.name,
                "title": person.title,
                "url": reverse("customers:stakeholders", args=[planned.customer_id]),
                "role": person.buying_role,
                "influence": person.influence,
                "attitude": person.attitude,
                "owner": person.owner.display_name if person.owner else "",
                "last_met": theirs[0].occurred_at.isoformat() if theirs else None,
                "words": [
                    {
                        "text": m.customer_said,
                        "meeting": m.title,
                        "on": m.occurred_at.isoformat(),
                        "url": reverse("dialogue:meeting", args=[m.pk]),
                    }
                    for m in theirs
                    if m.customer_said.strip()
                ],
            }
        )
    return rows


def _open_problems(planned: PlannedMeeting, ids: list[int]) -> list[Problem]:
    """Open problems the attendees raised or voiced in meetings, and those on the agenda."""
    planned_ids = [p.pk for p in planned.problems.all()]
    return list(
        Problem.objects.filter(customer_id=planned.customer_id, status__in=Problem.OPEN_STATUSES)
        .filter(
            Q(raised_by_id__in=ids)
            | Q(meetings__stakeholders__in=ids, meetings__deleted_at__isnull=True)
            | Q(pk__in=planned_ids)
        )
        .distinct()
        .annotate(
            severity_rank=Case(
                *[When(severity=value, then=rank) for rank, value in enumerate(SEVERITY_ORDER)],
                default=len(SEVERITY_ORDER),
            )
        )
        .order_by("severity_rank", "title", "pk")[:SECTION_LIMIT]
    )


def _questions(customer_id: int) -> list[dict[str, str]]:
    """Assumed goals and problems, to ask about (worded as questions by `present_brief`)."""
    goals = Goal.objects.filter(customer_id=customer_id, confirmed=False, status="active")
    problems = Problem.objects.filter(
        customer_id=customer_id, confirmed=False, status__in=Problem.OPEN_STATUSES
    )
    questions = [
        {"kind": "goal", "title": g.title, "url": _record_url(customer_id, "goals", g.pk)}
        for g in goals.order_by("priority", "title", "pk")[:SECTION_LIMIT]
    ]
    questions += [
        {"kind": "problem", "title": p.title, "url": _record_url(customer_id, "problems", p.pk)}
        for p in problems.order_by("title", "pk")[:SECTION_LIMIT]
    ]
    return questions


def _next_steps(customer_id: int, ids: list[int], today: dt.date) -> list[dict[str, Any]]:
    """Open next steps from meetings these attendees were in, overdue first."""
    items = (
        ActionItem.objects.filter(customer_id=customer_id, status=ActionItem.Status.OPEN)
        .filter(meeting__stakeholders__in=ids, meeting__deleted_at__isnull=True)
        .select_related("owner")
        .distinct()
        .order_by(F("due_on").asc(nulls_last=True), "pk")[: SECTION_LIMIT * 2]
    )
    rows = [
        {
            "text": item.description,
            "url": reverse("dialogue:edit-action-item", args=[item.pk]),
            "owner": item.owner.display_name,
            "due": item.due_on.isoformat() if item.due_on else None,
            "overdue": bool(item.due_on and item.due_on < today),
        }
        for item in items
    ]
    rows.sort(key=lambda row: not row["overdue"])  # stable: overdue first, then by due date
    return rows[:SECTION_LIMIT]


def _proposals(customer_id: int, problem_ids: list[int]) -> list[dict[str, Any]]:
    proposals = (
        Proposal.objects.filter(
            customer_id=customer_id,
            deleted_at__isnull=True,
            status__in=IN_FLIGHT,
            problems__in=problem_ids,
        )
        .distinct()
        .prefetch_related(
            Prefetch(
                "contributions",
                queryset=Contribution.objects.select_related("specialist", "area"),
            )
        )
        .order_by("title", "pk")[:SECTION_LIMIT]
    )
    return [
        {
            "title": p.title,
            "url": reverse("solutions:proposal", args=[p.pk]),
            "status": p.status,
            "specialists": sorted(
                {
                    c.specialist.display_name + (f" ({c.area.name})" if c.area else "")
                    for c in p.contributions.all()
                    if c.specialist
                }
            ),
        }
        for p in proposals
    ]


def _changes(customer: Customer) -> list:
    """What the account's summaries recorded as changed since the last meeting (as stored,
    worded by `present_brief`)."""
    since = customer.last_meeting_at
    summaries = AccountSummary.objects.filter(customer=customer)
    if since is not None:
        summaries = summaries.filter(built_at__gt=since)
    changes: list = []
    for summary in summaries.order_by("-number")[:10].only("changes"):
        changes += [c for c in summary.changes if c not in changes]
    return changes[:SECTION_LIMIT]


def _gaps(customer_id: int, now: dt.datetime) -> list[dict[str, Any]]:
    """Stakeholder-coverage gaps: key buying roles nobody holds (`days` None), or nobody met in
    `days` days (worded by `present_brief`)."""
    seen = {
        row["buying_role"]: row["last"]
        for row in Stakeholder.objects.filter(
            customer_id=customer_id, deleted_at__isnull=True, buying_role__in=KEY_ROLES
        )
        .values("buying_role")
        .annotate(
            last=Max(
                "meetings__occurred_at",
                filter=Q(meetings__deleted_at__isnull=True, meetings__occurred_at__lte=now),
            )
        )
        .order_by()
    }
    gaps: list[dict[str, Any]] = []
    for role in KEY_ROLES:
        if role not in seen:
            gaps.append({"role": role, "days": None})
        elif seen[role] is None or now - seen[role] > dt.timedelta(days=COVERAGE_DAYS):
            gaps.append({"role": role, "days": COVERAGE_DAYS})
    return gaps


def _label(choices: Any, value: object) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)  # a brief stored before its labels were worded on reading


def _question(item: dict[str, str]) -> str:
    if "kind" not in item:
        return item.get("text", "")
    if item["kind"] == "goal":
        return _("Is “%(title)s” a goal you are working towards?") % {"title": item["title"]}
    return _("Does “%(title)s” really hold you back?") % {"title": item["title"]}


def _gap(gap: object) -> str:
    if not isinstance(gap, dict):
        return str(gap)
    # Whole sentences per role: other languages inflect the role's name.
    if gap["role"] == Stakeholder.BuyingRole.DECISION_MAKER:
        if gap["days"] is None:
            return _("No decision maker recorded among the stakeholders.")
        return _("No meeting with a decision maker in %(days)s days.") % {"days": gap["days"]}
    if gap["days"] is None:
        return _("No champion recorded among the stakeholders.")
    return _("No meeting with a champion in %(days)s days.") % {"days": gap["days"]}


def _day(value: str | None) -> dt.date | None:
    """A time stored in the brief as the reader's local day (a stored date stays that date)."""
    if not value:
        return None
    moment = dt.datetime.fromisoformat(value)
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def present_brief(content: dict[str, Any]) -> dict[str, Any]:
    """The stored brief worded in the active language and zone: the brief is stored once, with
    choice values, question kinds and ISO times, and each reader (page or email) gets their own
    words and days."""
    return {
        **content,
        "attendees": [
            {
                **person,
                "role": _label(Stakeholder.BuyingRole, person["role"]),
                "attitude": _label(Stakeholder.Attitude, person["attitude"]),
                "last_met": _day(person["last_met"]),
                "words": [{**w, "on": _day(w["on"])} for w in person.get("words", [])],
            }
            for person in content.get("attendees", [])
        ],
        "next_steps": [{**s, "due": _day(s["due"])} for s in content.get("next_steps", [])],
        "problems": [
            {
                **problem,
                "status": _label(Problem.Status, problem["status"]),
                "severity": _label(Problem.Severity, problem["severity"]),
            }
            for problem in content.get("problems", [])
        ],
        "questions": [{**q, "text": _question(q)} for q in content.get("questions", [])],
        "proposals": [
            {**p, "status": _label(Proposal.Status, p["status"])}
            for p in content.get("proposals", [])
        ],
        "gaps": [_gap(gap) for gap in content.get("gaps", [])],
        "changes": change_texts(content.get("changes", [])),
    }


def brief_content(planned: PlannedMeeting, *, now: dt.datetime) -> dict[str, Any]:
    """Everything the brief shows, as JSON-ready data (every item carries its record's URL);
    choices and questions as values, worded for each reader by `present_brief`."""
    customer = planned.customer
    ids = [s.pk for s in planned.stakeholders.all() if s.deleted_at is None]
    problems = _open_problems(planned, ids)
    return {
        "meeting": {
            "title": planned.title,
            "starts_at": planned.starts_at.isoformat(),
            "url": reverse("dialogue:planned-meeting", args=[planned.pk]),
            "customer": customer.name,
            "attendees_ours": [u.display_name for u in planned.internal_attendees.all()],
        },
        "attendees": _attendees(planned, now),
        "problems": [
            {
                "title": p.title,
                "url": _record_url(customer.pk, "problems", p.pk),
                "status": p.status,
                "severity": p.severity,
            }
            for p in problems
        ],
        "questions": _questions(customer.pk),
        "next_steps": _next_steps(customer.pk, ids, timezone.localdate(now)),
        "proposals": _proposals(customer.pk, [p.pk for p in problems]),
        "changes": _changes(customer),
        "gaps": _gaps(customer.pk, now),
    }


@transaction.atomic
def build_prep_brief(planned_id: int, *, now: dt.datetime | None = None) -> PrepBrief:
    """Build (or rebuild) and store the brief of one planned meeting."""
    now = now or timezone.now()
    planned = _planned(planned_id)
    brief, _created = PrepBrief.objects.update_or_create(
        planned_meeting=planned,
        defaults={
            "customer": planned.customer,
            "content": brief_content(planned, now=now),
            "source_data_version": planned.customer.data_version,
            "built_at": now,
        },
    )
    return brief


def brief_due_at(planned: PlannedMeeting) -> dt.datetime:
    """BRIEF_HOUR on the evening before the meeting, in the owner's zone (User.time_zone, else
    settings.TIME_ZONE): "the evening before" is the owner's evening, wherever the server is."""
    zone = planned.owner.zone or timezone.get_default_timezone()
    day_before = timezone.localtime(planned.starts_at, zone).date() - dt.timedelta(days=1)
    return dt.datetime.combine(day_before, dt.time(BRIEF_HOUR), tzinfo=zone)


def prepare_due_briefs(*, now: dt.datetime | None = None) -> int:
    """Build and email the briefs whose evening has come; returns how many were emailed."""
    now = now or timezone.now()
    candidates = (
        PlannedMeeting.objects.select_related("owner")
        .filter(
            status=PlannedMeeting.Status.PLANNED,
            deleted_at__isnull=True,
            starts_at__gt=now,
            starts_at__lte=now + dt.timedelta(days=2),
        )
        .exclude(prep_brief__emailed_at__isnull=False)
    )
    sent = 0
    for planned in candidates.order_by("starts_at", "pk"):
        if brief_due_at(planned) > now:
            continue
        brief = build_prep_brief(planned.pk, now=now)
        sent += email_prep_brief(brief, now=now)
    return sent


def refresh_prep_briefs(customer_id: int, *, now: dt.datetime | None = None) -> int:
    """A change-feed consumer: rebuild the stored briefs of meetings still to come."""
    now = now or timezone.now()
    ids = list(
        PrepBrief.objects.filter(
            customer_id=customer_id,
            planned_meeting__status=PlannedMeeting.Status.PLANNED,
            planned_meeting__starts_at__gt=now,
        ).values_list("planned_meeting_id", flat=True)
    )
    for planned_id in ids:
        build_prep_brief(planned_id, now=now)
    return len(ids)


def email_prep_brief(brief: PrepBrief, *, now: dt.datetime) -> int:
    """Email the brief to the meeting's internal attendees, once (text and HTML), each in their
    own language and zone."""
    if not PrepBrief.objects.filter(pk=brief.pk, emailed_at__isnull=True).update(emailed_at=now):
        return 0
    planned = brief.planned_meeting
    wanted = {u.pk for u in planned.internal_attendees.all()} | {planned.owner_id}
    # Only to people who still see the account (an attendee may have lost access since).
    readers = users_who_can_see(planned.customer_id).filter(pk__in=wanted).exclude(email="")
    base = settings.SITE_URL.rstrip("/")
    sent = 0
    for user in readers.order_by("pk"):
        with as_user_sees_it(user):
            context = {
                "brief": present_brief(brief.content),
                "starts_at": planned.starts_at,
                "base": base,
                "user": user,
            }
            message = EmailMultiAlternatives(
                subject=_("[Accord] Prep brief: %(title)s") % {"title": planned.title},
                body=render_to_string("insights/prep_brief_email.txt", context),
                to=[user.email],
            )
            message.attach_alternative(
                render_to_string("insights/prep_brief_email.html", context), "text/html"
            )
        message.send()
        sent += 1
    return sent
