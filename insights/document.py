"""An account summary as a document: what changed since the previous version, in plain
sentences, and the whole summary as markdown (written from templates/insights/summary.md)."""

import json

from django.template.loader import render_to_string

from core.markdown import escape_markdown
from insights.diffs import items_markdown

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


def canonical(data: object) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


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
    """The summary as one markdown document (exported as is, and rendered for the page), from
    templates/insights/summary.md; plain-text fields are escaped there, so a title reads as
    itself, never as a link or markup."""
    plan = content["plan"]
    sections = [
        # Summaries built before plan items existed have none.
        {
            **section,
            "items_md": "\n".join(items_markdown(section.get("items", []), escape_markdown)),
        }
        for section in content["plan_sections"]
    ]
    context = {
        "plan_sections": sections,
        "content": content,
        "c": content["customer"],
        "d": content["dialogue"],
        "totals": content["action_totals"],
        "plan": plan,
        "approved": plan["last_approved_at"][:10] if plan["last_approved_at"] else "never",
        "changes": changes,
        "previous_number": previous_number,
    }
    return render_to_string("insights/summary.md", context).rstrip() + "\n"
