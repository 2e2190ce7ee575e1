"""The account summary builder: a plain, deterministic function of the database and `now`.

Same data and same `now` give the same content, markdown and hash: every list is sorted on
stable keys, dates are ISO strings, and nothing reads the clock. It runs a fixed number of
queries however large the account is (the 90-day window and the limits are applied in SQL).
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Prefetch, Q
from django.utils.safestring import SafeString

from core.markdown import render_markdown
from customers.models import BusinessModel, Customer, Goal, Problem
from dialogue.models import ActionItem, Meeting
from insights.models import AccountPlan, AccountSummary, PlanSection
from solutions.models import Contribution, Proposal

WINDOW_DAYS = 90
MAX_HIGHLIGHTS = 15
MAX_OPEN_ACTIONS = 100
EXCERPT_CHARS = 600

# Sections whose items carry an id; "what changed" compares them item by item.
LIST_SECTIONS = {
    "strategic_moves": "Strategic move",
    "goals": "Goal",
    "highlights": "Dialogue highlight",
    "key_not_met": "Key stakeholder not met",
    "open_actions": "Open action item",
    "proposals": "Proposal",
    "plan_sections": "Plan section",
}


@dataclass(frozen=True)
class BuiltSummary:
    content: dict[str, Any]
    changes: list[str]
    markdown: str
    content_hash: str
    previous: AccountSummary | None

    @property
    def html(self) -> SafeString:
        # Rendered on demand: markdown-to-HTML is the costliest step, needed only for a new version.
        return render_markdown(self.markdown)

    @property
    def is_unchanged(self) -> bool:
        return self.previous is not None and canonical(self.previous.content) == canonical(
            self.content
        )


def canonical(data: object) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def build_summary(customer: Customer, *, now: dt.datetime) -> BuiltSummary:
    """Build the customer's summary from its records as they are now (no writes)."""
    today = now.date()
    since = now - dt.timedelta(days=WINDOW_DAYS)
    previous = AccountSummary.objects.filter(customer=customer).order_by("-number").first()
    content = {
        "customer": _customer_part(customer),
        **_picture(customer),
        "goals": _goals(customer),
        **_dialogue(customer, since=since),
        **_stakeholders(customer, since=since),
        **_action_items(customer, today=today),
        "proposals": _proposals(customer),
        **_plan(customer),
    }
    # A JSON round trip makes the content exactly what the database will hand back later.
    content = json.loads(canonical(content))
    changes = describe_changes(previous.content if previous else None, content)
    previous_number = previous.number if previous else None
    content_hash = hashlib.sha256(
        canonical({"content": content, "previous": previous_number}).encode()
    ).hexdigest()
    markdown = render_summary_markdown(content, changes=changes, previous_number=previous_number)
    return BuiltSummary(
        content=content,
        changes=changes,
        markdown=markdown,
        content_hash=content_hash,
        previous=previous,
    )


# --- The parts ---------------------------------------------------------------------------------


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _excerpt(text: str) -> str:
    text = text.strip()
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rstrip() + "…"


def _customer_part(customer: Customer) -> dict:
    return {
        "id": customer.pk,
        "name": customer.name,
        "industry": customer.industry,
        "lead": customer.lead.display_name,
        "description": _excerpt(customer.description),
    }


def _picture(customer: Customer) -> dict:
    canvas = BusinessModel.objects.filter(customer=customer).first()
    highlights = []
    if canvas is not None:
        for field in BusinessModel.CANVAS_FIELDS:
            text = getattr(canvas, field).strip()
            if text:
                label = BusinessModel._meta.get_field(field).verbose_name.capitalize()
                highlights.append({"field": field, "label": label, "text": _excerpt(text)})
    moves = [
        {
            "id": move.pk,
            "title": move.title,
            "kind": move.get_kind_display(),
            "status": move.get_status_display(),
            "horizon_on": _iso(move.horizon_on),
            "description": _excerpt(move.description),
        }
        for move in customer.strategic_moves.exclude(status="abandoned").order_by(
            "horizon_on", "title", "pk"
        )
    ]
    return {"business_model": highlights, "strategic_moves": moves}


def _goals(customer: Customer) -> list[dict]:
    live_proposals = Proposal.objects.filter(deleted_at__isnull=True).order_by("title", "pk")
    problems = Problem.objects.order_by("title", "pk").prefetch_related(
        Prefetch("proposals", queryset=live_proposals, to_attr="live_proposals")
    )
    goals = (
        customer.goals.exclude(status=Goal.Status.DROPPED)
        .order_by("priority", "title", "pk")
        .prefetch_related(Prefetch("blocking_problems", queryset=problems, to_attr="blockers"))
    )
    return [
        {
            "id": goal.pk,
            "title": goal.title,
            "priority": goal.priority,
            "status": goal.get_status_display(),
            "target_on": _iso(goal.target_on),
            "metric": goal.metric,
            "problems": [
                {
                    "id": problem.pk,
                    "title": problem.title,
                    "severity": problem.get_severity_display(),
                    "status": problem.get_status_display(),
                    "proposals": [
                        {"id": p.pk, "title": p.title, "status": p.get_status_display()}
                        for p in problem.live_proposals
                    ],
                }
                for problem in goal.blockers
            ],
        }
        for goal in goals
    ]


def _dialogue(customer: Customer, *, since: dt.datetime) -> dict:
    recent = Meeting.objects.filter(
        customer=customer, deleted_at__isnull=True, occurred_at__gte=since
    )
    counts = recent.aggregate(
        total=Count("pk"),
        positive=Count("pk", filter=Q(sentiment=Meeting.Sentiment.POSITIVE)),
        neutral=Count("pk", filter=Q(sentiment=Meeting.Sentiment.NEUTRAL)),
        negative=Count("pk", filter=Q(sentiment=Meeting.Sentiment.NEGATIVE)),
    )
    highlights = recent.exclude(customer_said="", insights="").order_by("-occurred_at", "-pk")
    return {
        "dialogue": {"window_days": WINDOW_DAYS, **counts},
        "highlights": [
            {
                "id": m.pk,
                "title": m.title,
                "occurred_on": _iso(m.occurred_at.date()),
                "kind": m.get_kind_display(),
                "sentiment": m.get_sentiment_display(),
                "customer_said": _excerpt(m.customer_said),
                "insights": _excerpt(m.insights),
            }
            for m in highlights.only(
                "pk", "title", "occurred_at", "kind", "sentiment", "customer_said", "insights"
            )[:MAX_HIGHLIGHTS]
        ],
    }


def _stakeholders(customer: Customer, *, since: dt.datetime) -> dict:
    people = (
        customer.stakeholders.filter(deleted_at__isnull=True)
        .annotate(
            last_met_at=Max("meetings__occurred_at", filter=Q(meetings__deleted_at__isnull=True))
        )
        .order_by("name", "pk")
    )
    met, key_not_met = [], []
    for person in people:
        row = {
            "id": person.pk,
            "name": person.name,
            "title": person.title,
            "buying_role": person.get_buying_role_display(),
            "influence": person.influence,
            "last_met_on": _iso(person.last_met_at.date() if person.last_met_at else None),
        }
        if person.last_met_at and person.last_met_at >= since:
            met.append(row)
        elif person.is_key:
            key_not_met.append(row)
    return {"stakeholders_met": met, "key_not_met": key_not_met}


def _action_items(customer: Customer, *, today: dt.date) -> dict:
    open_items = (
        ActionItem.objects.filter(customer=customer, status=ActionItem.Status.OPEN)
        .select_related("owner")
        .order_by("due_on", "pk")
    )
    rows = [
        {
            "id": item.pk,
            "description": item.description,
            "owner": item.owner.display_name,
            "due_on": _iso(item.due_on),
            "overdue": bool(item.due_on and item.due_on < today),
        }
        for item in open_items[:MAX_OPEN_ACTIONS]
    ]
    totals = ActionItem.objects.filter(customer=customer, status=ActionItem.Status.OPEN).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today))
    )
    return {"open_actions": rows, "action_totals": totals}


def _proposals(customer: Customer) -> list[dict]:
    contributions = Contribution.objects.select_related("specialist", "partner", "area").order_by(
        "requested_at", "pk"
    )
    proposals = (
        Proposal.objects.filter(customer=customer, deleted_at__isnull=True)
        .select_related("owner")
        .prefetch_related(
            Prefetch("problems", queryset=Problem.objects.order_by("title", "pk")),
            Prefetch("contributions", queryset=contributions),
        )
        .order_by("title", "pk")
    )
    return [
        {
            "id": p.pk,
            "title": p.title,
            "status": p.get_status_display(),
            "owner": p.owner.display_name,
            "value": f"{p.value} {p.currency}" if p.value is not None else None,
            "problems": [problem.title for problem in p.problems.all()],
            "contributions": [
                {
                    "id": c.pk,
                    "from": c.specialist.display_name if c.specialist else str(c.partner),
                    "area": c.area.name if c.area else "",
                    "status": c.get_status_display(),
                    "effort_days": str(c.effort_days) if c.effort_days is not None else None,
                }
                for c in p.contributions.all()
            ],
        }
        for p in proposals
    ]


def _plan(customer: Customer) -> dict:
    plan = AccountPlan.objects.filter(customer=customer).first()
    sections = (
        PlanSection.objects.filter(customer=customer)
        .select_related("area", "updated_by")
        .order_by("kind", "area__name", "pk")
    )
    return {
        "plan": {
            "status": plan.get_status_display() if plan else AccountPlan.Status.DRAFT.label,
            "last_approved_at": _iso(plan.last_approved_at) if plan else None,
        },
        "plan_sections": [
            {
                "id": s.pk,
                "title": s.title,
                "body": s.body,
                "version": s.version,
                "updated_by": s.updated_by.display_name if s.updated_by else "",
                "updated_on": _iso(s.updated_at.date()),
            }
            for s in sections
            if s.body.strip()
        ],
    }


# --- What changed --------------------------------------------------------------------------------


def describe_changes(previous: dict | None, current: dict) -> list[str]:
    """Plain sentences naming what differs between two summaries' content."""
    if previous is None:
        return ["First summary of this account."]
    changes: list[str] = []
    for key, noun in LIST_SECTIONS.items():
        before = {item["id"]: item for item in previous.get(key, [])}
        after = {item["id"]: item for item in current.get(key, [])}
        for item_id in sorted(after.keys() - before.keys()):
            changes.append(f"{noun} added: {_label(after[item_id])}")
        for item_id in sorted(before.keys() - after.keys()):
            changes.append(f"{noun} removed: {_label(before[item_id])}")
        for item_id in sorted(after.keys() & before.keys()):
            if canonical(after[item_id]) != canonical(before[item_id]):
                changes.append(f"{noun} updated: {_label(after[item_id])}")
    if previous.get("business_model") != current.get("business_model"):
        changes.append("Business model updated.")
    if previous.get("plan") != current.get("plan"):
        changes.append(f"Plan review: {current['plan']['status']}.")
    if previous.get("stakeholders_met") != current.get("stakeholders_met"):
        changes.append("Stakeholder coverage changed.")
    if previous.get("customer") != current.get("customer"):
        changes.append("Customer record updated.")
    return changes


def _label(item: dict) -> str:
    return str(item.get("title") or item.get("name") or item.get("description") or item["id"])


# --- The rendered document -----------------------------------------------------------------------


def render_summary_markdown(
    content: dict, *, changes: list[str], previous_number: int | None
) -> str:
    """The summary as one markdown document (exported as is, and rendered for the page)."""
    c = content["customer"]
    out: list[str] = [f"# Account summary: {c['name']}", ""]
    out.append(f"Industry: {c['industry'] or 'not set'} · Lead: {c['lead']}")
    out.append("")
    if c["description"]:
        out += [c["description"], ""]

    out += ["## Customer picture", ""]
    if content["business_model"]:
        out += [f"- **{h['label']}:** {_one_line(h['text'])}" for h in content["business_model"]]
    else:
        out.append("_No business model recorded yet._")
    out += ["", "### Strategic moves", ""]
    out += [
        f"- {m['title']} ({m['kind']}, {m['status']}"
        + (f", by {m['horizon_on']}" if m["horizon_on"] else "")
        + ")"
        for m in content["strategic_moves"]
    ] or ["_None recorded._"]

    out += ["", "## Goals and what blocks them", ""]
    for goal in content["goals"]:
        target = f", target {goal['target_on']}" if goal["target_on"] else ""
        out.append(f"- **{goal['title']}** (priority {goal['priority']}, {goal['status']}{target})")
        for problem in goal["problems"]:
            out.append(
                f"  - Blocked by: {problem['title']} ({problem['severity']}, {problem['status']})"
            )
            for proposal in problem["proposals"]:
                out.append(f"    - Addressed by: {proposal['title']} ({proposal['status']})")
    if not content["goals"]:
        out.append("_No goals recorded yet._")

    d = content["dialogue"]
    out += ["", f"## Dialogue in the last {d['window_days']} days", ""]
    plural = "" if d["total"] == 1 else "s"
    out.append(
        f"{d['total']} meeting{plural}: {d['positive']} positive, {d['neutral']} neutral, "
        f"{d['negative']} negative."
    )
    for m in content["highlights"]:
        out += ["", f"### {m['occurred_on']} · {m['title']} ({m['kind']}, {m['sentiment']})", ""]
        if m["customer_said"]:
            out += ["**The customer said:**", "", _quote(m["customer_said"]), ""]
        if m["insights"]:
            out += ["**Insights:**", "", _quote(m["insights"])]

    out += ["", "## Stakeholder coverage", "", "### Met in the last 90 days", ""]
    out += [
        f"- {p['name']}" + (f", {p['title']}" if p["title"] else "") + f" (last {p['last_met_on']})"
        for p in content["stakeholders_met"]
    ] or ["_Nobody._"]
    out += ["", "### Key stakeholders not met in 90 days", ""]
    out += [
        f"- {p['name']} ({p['buying_role']}, influence {p['influence']}; "
        + (f"last met {p['last_met_on']})" if p["last_met_on"] else "never met)")
        for p in content["key_not_met"]
    ] or ["_None: every key stakeholder was met._"]

    totals = content["action_totals"]
    out += ["", "## Action items", "", f"{totals['open']} open, {totals['overdue']} overdue.", ""]
    out += [
        f"- {'**Overdue:** ' if a['overdue'] else ''}{a['description']} ({a['owner']}"
        + (f", due {a['due_on']}" if a["due_on"] else "")
        + ")"
        for a in content["open_actions"]
    ]

    out += ["", "## Proposals", ""]
    for p in content["proposals"]:
        value = f", {p['value']}" if p["value"] else ""
        out.append(f"- **{p['title']}** ({p['status']}{value}; owner {p['owner']})")
        if p["problems"]:
            out.append(f"  - Solves: {', '.join(p['problems'])}")
        for contribution in p["contributions"]:
            area = f" ({contribution['area']})" if contribution["area"] else ""
            out.append(
                f"  - Contribution from {contribution['from']}{area}: {contribution['status']}"
            )
    if not content["proposals"]:
        out.append("_No proposals yet._")

    plan = content["plan"]
    approved = plan["last_approved_at"][:10] if plan["last_approved_at"] else "never"
    out += [
        "",
        "## Account plan",
        "",
        f"Review state: {plan['status']}; last approved: {approved}.",
    ]
    for section in content["plan_sections"]:
        out += ["", f"### {section['title']}", ""]
        out.append(
            f"_Version {section['version']}, by {section['updated_by']} on {section['updated_on']}_"
        )
        out += ["", section["body"].strip()]

    heading = (
        f"since version {previous_number}" if previous_number else "since the previous version"
    )
    out += ["", f"## What changed {heading}", ""]
    out += [f"- {change}" for change in changes] or ["_Nothing._"]
    return "\n".join(out).rstrip() + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.splitlines())
