"""The summary builder's account plan part and the small helpers every part uses.

Kept apart from insights.builder (one module a concern, each under 500 lines); the builder
imports them under its own private names.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Model, Prefetch

from customers.models import Goal
from insights.models import AccountPlan, PlanItem, PlanSection

EXCERPT_CHARS = 600


def iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def excerpt(text: str) -> str:
    text = text.strip()
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rstrip() + "…"


def grouped[M: Model](key: str, rows: Iterable[M]) -> defaultdict[int, list[M]]:
    grouped: defaultdict[int, list[M]] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return grouped


_ITEM_ORDER = {kind: n for n, kind in enumerate(PlanItem.STRATEGY_KINDS + PlanItem.AREA_KINDS)}


def _plan_item(item: PlanItem) -> dict:
    """A structured plan item as the summary shows it: its kind, its title and the fields its
    kind uses (codes, not labels: the document words them in the reader's language)."""
    part: dict = {"id": item.pk, "kind": item.kind, "title": item.title}
    fields = PlanItem.FIELDS[item.kind]
    if "metric" in fields:
        part |= {"metric": item.metric, "target": item.target, "target_on": iso(item.target_on)}
        part["goals"] = [goal.title for goal in item.goals.all()]
    if "likelihood" in fields:
        part |= {
            "likelihood": item.likelihood,
            "impact": item.impact,
            "mitigation": excerpt(item.mitigation),
        }
    if "owner" in fields:
        part |= {
            "stakeholder": item.stakeholder.name if item.stakeholder else "",
            "owner": item.owner.display_name if item.owner else "",
            "due_on": iso(item.due_on),
        }
    if "effort" in fields:
        part["effort"] = item.effort
    if "details" in fields:
        part["details"] = excerpt(item.details)
    return part


def plan_parts(ids: list[int]) -> dict[int, dict]:
    plans = {plan.customer_id: plan for plan in AccountPlan.objects.filter(customer_id__in=ids)}
    items = Prefetch(
        "items",
        queryset=PlanItem.objects.select_related("stakeholder", "owner").prefetch_related(
            Prefetch("goals", queryset=Goal.objects.order_by("title", "pk"))
        ),
    )
    sections = grouped(
        "customer_id",
        PlanSection.objects.filter(customer_id__in=ids)
        .select_related("area", "updated_by")
        .prefetch_related(items)
        .order_by("kind", "area__name", "pk"),
    )
    parts: dict[int, dict] = {}
    for pk in ids:
        plan = plans.get(pk)
        written = []
        for s in sections[pk]:
            section_items = sorted(s.items.all(), key=lambda i: (_ITEM_ORDER[i.kind], i.pk))
            if not (s.body.strip() or section_items):
                continue
            written.append(
                {
                    "id": s.pk,
                    "title": s.title,
                    "items": [_plan_item(item) for item in section_items],
                    "body": s.body,
                    "version": s.version,
                    "updated_by": s.updated_by.display_name if s.updated_by else "",
                    "updated_on": iso(s.updated_at.date()),
                }
            )
        parts[pk] = {
            "plan": {
                "status": plan.get_status_display()
                if plan
                else str(AccountPlan.Status.DRAFT.label),
                "last_approved_at": iso(plan.last_approved_at) if plan else None,
            },
            "plan_sections": written,
        }
    return parts
