"""The account summary builder: a plain, deterministic function of the database and `now`.

Same data and same `now` give the same content, markdown and hash: every list is sorted on
stable keys, dates are ISO strings, and nothing reads the clock. It runs a fixed number of
queries however large the accounts are and however many are built together (the 90-day window
and the per-customer limits are applied in SQL).
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Max, Model, OuterRef, Q, Subquery, Window
from django.db.models.expressions import OrderBy
from django.db.models.functions import RowNumber
from django.utils import translation
from django.utils.safestring import SafeString

from core.markdown import render_markdown
from customers.models import BusinessModel, Customer, Goal, Problem, Stakeholder, StrategicMove
from dialogue.models import ActionItem, Meeting
from insights.build_parts import EXCERPT_CHARS as EXCERPT_CHARS  # re-exported: the summary's limit
from insights.build_parts import excerpt as _excerpt
from insights.build_parts import grouped as _grouped
from insights.build_parts import iso as _iso
from insights.build_parts import plan_parts as _plan
from insights.document import canonical, describe_changes, render_summary_markdown
from insights.models import AccountSummary
from solutions.models import Contribution, Proposal

WINDOW_DAYS = 90
MAX_HIGHLIGHTS = 15
MAX_OPEN_ACTIONS = 100


@dataclass(frozen=True)
class BuiltSummary:
    content: dict[str, Any]
    changes: list[dict]
    content_hash: str
    previous: AccountSummary | None

    @cached_property
    def markdown(self) -> str:
        # Only a new version needs its document; readers get theirs (document.reader_html).
        with translation.override(settings.LANGUAGE_CODE):
            return render_summary_markdown(
                self.content,
                changes=self.changes,
                previous_number=self.previous.number if self.previous else None,
            )

    @property
    def html(self) -> SafeString:
        # Rendered on demand: markdown-to-HTML is the costliest step, needed only for a new version.
        return render_markdown(self.markdown)

    @property
    def is_unchanged(self) -> bool:
        return self.previous is not None and canonical(self.previous.content) == canonical(
            self.content
        )


def build_summary(customer: Customer, *, now: dt.datetime) -> BuiltSummary:
    """Build the customer's summary from its records as they are now (no writes)."""
    return build_summaries([customer], now=now)[customer.pk]


def build_summaries(customers: list[Customer], *, now: dt.datetime) -> dict[int, BuiltSummary]:
    """Build several customers' summaries at once, keyed by customer pk (no writes).

    The queries cover the whole batch (the same number for 1 customer or 50); each customer's
    content is exactly what a build of that customer alone gives. Labels are in the site's
    language whoever builds (a worker, or a request under eager Celery): same data, same hash.
    """
    if not customers:
        return {}
    with translation.override(settings.LANGUAGE_CODE):
        return _build_summaries(customers, now=now)


def _build_summaries(customers: list[Customer], *, now: dt.datetime) -> dict[int, BuiltSummary]:
    ids = sorted({customer.pk for customer in customers})
    today = now.date()
    since = now - dt.timedelta(days=WINDOW_DAYS)
    previous_of = _previous_summaries(ids)
    picture = _picture(ids)
    goals = _goals(ids)
    dialogue = _dialogue(ids, since=since)
    stakeholders = _stakeholders(ids, since=since)
    action_items = _action_items(ids, today=today)
    proposals = _proposals(ids)
    plan = _plan(ids)
    built: dict[int, BuiltSummary] = {}
    for customer in customers:
        pk = customer.pk
        content = {
            "customer": _customer_part(customer),
            **picture[pk],
            "goals": goals[pk],
            **dialogue[pk],
            **stakeholders[pk],
            **action_items[pk],
            "proposals": proposals[pk],
            **plan[pk],
        }
        built[pk] = _finish(content, previous=previous_of.get(pk))
    return built


def _finish(content: dict, *, previous: AccountSummary | None) -> BuiltSummary:
    # A JSON round trip makes the content exactly what the database will hand back later.
    content = json.loads(canonical(content))
    changes = describe_changes(previous.content if previous else None, content)
    previous_number = previous.number if previous else None
    content_hash = hashlib.sha256(
        canonical({"content": content, "previous": previous_number}).encode()
    ).hexdigest()
    return BuiltSummary(
        content=content, changes=changes, content_hash=content_hash, previous=previous
    )


# --- The parts ---------------------------------------------------------------------------------
# Each part reads the whole batch and returns {customer pk: that customer's part}. Rows come in
# the single-customer order, so grouping them per customer keeps each customer's order.


def _labels(model: type[Model], field: str) -> dict[Any, Any]:
    """The field's choice labels by value, worded once per build: `get_FOO_display()` would
    hash every lazy label (a translation lookup each) on every call."""
    return {value: str(label) for value, label in model._meta.get_field(field).flatchoices}


# A person's columns that `User.display_name` reads: the builder instantiates thousands of rows
# per batch, and loading only what it reads keeps that cheap.
_NAME = ("first_name", "last_name", "username")


def _only_name(relation: str) -> list[str]:
    return [f"{relation}__{field}" for field in _NAME]


def _rank_per_customer(order_by: list[OrderBy]) -> Window:
    # Filtering on a row's rank within its customer keeps each customer's top N in SQL: a hot
    # customer's other rows never leave the database.
    return Window(RowNumber(), partition_by=F("customer_id"), order_by=order_by)


def _previous_summaries(ids: list[int]) -> dict[int, AccountSummary]:
    latest_number = (
        AccountSummary.objects.filter(customer_id=OuterRef("customer_id"))
        .order_by("-number")
        .values("number")[:1]
    )
    # Only what the build compares and numbers from: the stored document (markdown and HTML,
    # the largest columns) is never read here.
    latest = AccountSummary.objects.filter(
        customer_id__in=ids, number=Subquery(latest_number)
    ).only("pk", "customer_id", "number", "content")
    return {summary.customer_id: summary for summary in latest}


def _customer_part(customer: Customer) -> dict:
    return {
        "id": customer.pk,
        "name": customer.name,
        "industry": customer.industry,
        "lead": customer.lead.display_name,
        "description": _excerpt(customer.description),
    }


def _picture(ids: list[int]) -> dict[int, dict]:
    canvases = {c.customer_id: c for c in BusinessModel.objects.filter(customer_id__in=ids)}
    moves = _grouped(
        "customer_id",
        StrategicMove.objects.filter(customer_id__in=ids)
        .exclude(status="abandoned")
        .order_by("horizon_on", "title", "pk"),
    )
    kinds, statuses = _labels(StrategicMove, "kind"), _labels(StrategicMove, "status")
    return {
        pk: {
            "business_model": _canvas_highlights(canvases.get(pk)),
            "strategic_moves": [
                {
                    "id": move.pk,
                    "title": move.title,
                    "kind": kinds.get(move.kind, move.kind),
                    "status": statuses.get(move.status, move.status),
                    "horizon_on": _iso(move.horizon_on),
                    "description": _excerpt(move.description),
                }
                for move in moves[pk]
            ],
        }
        for pk in ids
    }


def _canvas_highlights(canvas: BusinessModel | None) -> list[dict]:
    highlights = []
    if canvas is not None:
        for field in BusinessModel.CANVAS_FIELDS:
            text = getattr(canvas, field).strip()
            if text:
                label = BusinessModel._meta.get_field(field).verbose_name.capitalize()
                highlights.append({"field": field, "label": label, "text": _excerpt(text)})
    return highlights


def _goals(ids: list[int]) -> dict[int, list[dict]]:
    goals = _grouped(
        "customer_id",
        Goal.objects.filter(customer_id__in=ids)
        .exclude(status=Goal.Status.DROPPED)
        .order_by("priority", "title", "pk"),
    )
    # Explicit queries rather than prefetch_related: Django skips a prefetch when there is
    # nothing to prefetch for, and the batch must run the same queries whatever its data.
    blocks = Problem.blocks_goals.through.objects.filter(
        goal__customer_id__in=ids, problem__deleted_at__isnull=True
    )
    blockers = _grouped(
        "goal_id",
        blocks.select_related("problem")
        .only(
            "goal_id",
            "problem__id",
            "problem__title",
            "problem__severity",
            "problem__status",
        )
        .order_by("problem__title", "problem__pk"),
    )
    solutions = _grouped(
        "problem_id",
        Proposal.problems.through.objects.filter(
            problem_id__in=blocks.values("problem_id"), proposal__deleted_at__isnull=True
        )
        .select_related("proposal")
        .only("problem_id", "proposal__id", "proposal__title", "proposal__status")
        .order_by("proposal__title", "proposal__pk"),
    )
    goal_statuses = _labels(Goal, "status")
    severities, problem_statuses = _labels(Problem, "severity"), _labels(Problem, "status")
    proposal_statuses = _labels(Proposal, "status")
    return {
        pk: [
            {
                "id": goal.pk,
                "title": goal.title,
                "priority": goal.priority,
                "status": goal_statuses.get(goal.status, goal.status),
                "target_on": _iso(goal.target_on),
                "metric": goal.metric,
                "problems": [
                    {
                        "id": problem.pk,
                        "title": problem.title,
                        "severity": severities.get(problem.severity, problem.severity),
                        "status": problem_statuses.get(problem.status, problem.status),
                        "proposals": [
                            {
                                "id": p.pk,
                                "title": p.title,
                                "status": proposal_statuses.get(p.status, p.status),
                            }
                            for p in (link.proposal for link in solutions[problem.pk])
                        ],
                    }
                    for problem in (link.problem for link in blockers[goal.pk])
                ],
            }
            for goal in goals[pk]
        ]
        for pk in ids
    }


def _dialogue(ids: list[int], *, since: dt.datetime) -> dict[int, dict]:
    recent = Meeting.objects.filter(
        customer_id__in=ids, deleted_at__isnull=True, occurred_at__gte=since
    )
    no_meetings = {"total": 0, "positive": 0, "neutral": 0, "negative": 0}
    counts = {
        row.pop("customer_id"): row
        for row in recent.order_by()
        .values("customer_id")
        .annotate(
            total=Count("pk"),
            positive=Count("pk", filter=Q(sentiment=Meeting.Sentiment.POSITIVE)),
            neutral=Count("pk", filter=Q(sentiment=Meeting.Sentiment.NEUTRAL)),
            negative=Count("pk", filter=Q(sentiment=Meeting.Sentiment.NEGATIVE)),
        )
    }
    newest_first = [F("occurred_at").desc(), F("pk").desc()]
    highlights = _grouped(
        "customer_id",
        recent.exclude(customer_said="", insights="")
        .only(
            "pk",
            "customer_id",
            "title",
            "occurred_at",
            "kind",
            "sentiment",
            "customer_said",
            "insights",
        )
        .annotate(rank=_rank_per_customer(newest_first))
        .filter(rank__lte=MAX_HIGHLIGHTS)
        .order_by(*newest_first),
    )
    kinds, sentiments = _labels(Meeting, "kind"), _labels(Meeting, "sentiment")
    return {
        pk: {
            "dialogue": {"window_days": WINDOW_DAYS, **counts.get(pk, no_meetings)},
            "highlights": [
                {
                    "id": m.pk,
                    "title": m.title,
                    "occurred_on": _iso(m.occurred_at.date()),
                    "kind": kinds.get(m.kind, m.kind),
                    "sentiment": sentiments.get(m.sentiment, m.sentiment),
                    "customer_said": _excerpt(m.customer_said),
                    "insights": _excerpt(m.insights),
                }
                for m in highlights[pk]
            ],
        }
        for pk in ids
    }


def _stakeholders(ids: list[int], *, since: dt.datetime) -> dict[int, dict]:
    people = _grouped(
        "customer_id",
        Stakeholder.objects.filter(customer_id__in=ids, deleted_at__isnull=True)
        .only("customer_id", "name", "title", "buying_role", "influence")
        .annotate(
            last_met_at=Max("meetings__occurred_at", filter=Q(meetings__deleted_at__isnull=True))
        )
        .order_by("name", "pk"),
    )
    roles = _labels(Stakeholder, "buying_role")
    parts: dict[int, dict] = {}
    for pk in ids:
        met, key_not_met = [], []
        for person in people[pk]:
            row = {
                "id": person.pk,
                "name": person.name,
                "title": person.title,
                "buying_role": roles.get(person.buying_role, person.buying_role),
                "influence": person.influence,
                "last_met_on": _iso(person.last_met_at.date() if person.last_met_at else None),
            }
            if person.last_met_at and person.last_met_at >= since:
                met.append(row)
            elif person.is_key:
                key_not_met.append(row)
        parts[pk] = {"stakeholders_met": met, "key_not_met": key_not_met}
    return parts


def _action_items(ids: list[int], *, today: dt.date) -> dict[int, dict]:
    open_items = ActionItem.objects.filter(customer_id__in=ids, status=ActionItem.Status.OPEN)
    soonest_first = [F("due_on").asc(), F("pk").asc()]
    rows = _grouped(
        "customer_id",
        open_items.select_related("owner")
        .only("customer_id", "description", "due_on", *_only_name("owner"))
        .annotate(rank=_rank_per_customer(soonest_first))
        .filter(rank__lte=MAX_OPEN_ACTIONS)
        .order_by(*soonest_first),
    )
    totals = {
        row.pop("customer_id"): row
        for row in open_items.order_by()
        .values("customer_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    }
    return {
        pk: {
            "open_actions": [
                {
                    "id": item.pk,
                    "description": item.description,
                    "owner": item.owner.display_name,
                    "due_on": _iso(item.due_on),
                    "overdue": bool(item.due_on and item.due_on < today),
                }
                for item in rows[pk]
            ],
            "action_totals": totals.get(pk, {"open": 0, "overdue": 0}),
        }
        for pk in ids
    }


def _proposals(ids: list[int]) -> dict[int, list[dict]]:
    live = {"customer_id__in": ids, "deleted_at__isnull": True}
    proposals = _grouped(
        "customer_id",
        Proposal.objects.filter(**live)
        .select_related("owner")
        .only("customer_id", "title", "status", "value", "currency", *_only_name("owner"))
        .order_by("title", "pk"),
    )
    on_live = {f"proposal__{lookup}": value for lookup, value in live.items()}
    solves = _grouped(
        "proposal_id",
        Proposal.problems.through.objects.filter(**on_live, problem__deleted_at__isnull=True)
        .select_related("problem")
        .only("proposal_id", "problem__id", "problem__title")
        .order_by("problem__title", "problem__pk"),
    )
    contributions = _grouped(
        "proposal_id",
        Contribution.objects.filter(**on_live)
        .select_related("specialist", "partner", "area")
        .only(
            "proposal_id",
            "status",
            "effort_days",
            *_only_name("specialist"),
            "partner__name",
            "area__name",
        )
        .order_by("requested_at", "pk"),
    )
    statuses = _labels(Proposal, "status")
    contribution_statuses = _labels(Contribution, "status")
    return {
        pk: [
            {
                "id": p.pk,
                "title": p.title,
                "status": statuses.get(p.status, p.status),
                "owner": p.owner.display_name,
                "value": f"{p.value} {p.currency}" if p.value is not None else None,
                "problems": [link.problem.title for link in solves[p.pk]],
                "contributions": [
                    {
                        "id": c.pk,
                        "from": c.specialist.display_name if c.specialist else str(c.partner),
                        "area": c.area.name if c.area else "",
                        "status": contribution_statuses.get(c.status, c.status),
                        "effort_days": str(c.effort_days) if c.effort_days is not None else None,
                    }
                    for c in contributions[p.pk]
                ],
            }
            for p in proposals[pk]
        ]
        for pk in ids
    }
