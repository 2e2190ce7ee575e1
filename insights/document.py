"""An account summary as a document: what changed since the previous version, in plain
sentences, and the whole summary as markdown (written from templates/insights/summary.md)."""

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.markdown import escape_markdown, render_markdown
from insights.diffs import items_markdown

if TYPE_CHECKING:
    from insights.models import AccountSummary

# Sections whose items carry an id; "what changed" compares them item by item.
LIST_SECTIONS = {
    "strategic_moves": _("Strategic move"),
    "goals": _("Goal"),
    "highlights": _("Dialogue highlight"),
    "key_not_met": _("Key stakeholder not met"),
    "open_actions": _("Open action item"),
    "proposals": _("Proposal"),
    "plan_sections": _("Plan section"),
}


def canonical(data: object) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# --- What changed --------------------------------------------------------------------------------


def describe_changes(previous: dict | None, current: dict) -> list[dict[str, Any]]:
    """What differs between two summaries' content, stored without words (a key and its
    values) and worded for each reader by `change_text`."""
    if previous is None:
        return [_change("first")]
    changes: list[dict[str, Any]] = []
    for key in LIST_SECTIONS:
        before = {item["id"]: item for item in previous.get(key, [])}
        after = {item["id"]: item for item in current.get(key, [])}
        for item_id in sorted(after.keys() - before.keys()):
            changes.append(_change("added", section=key, label=_label(after[item_id])))
        for item_id in sorted(before.keys() - after.keys()):
            changes.append(_change("removed", section=key, label=_label(before[item_id])))
        for item_id in sorted(after.keys() & before.keys()):
            if canonical(after[item_id]) != canonical(before[item_id]):
                changes.append(_change("updated", section=key, label=_label(after[item_id])))
    if previous.get("business_model") != current.get("business_model"):
        changes.append(_change("business_model"))
    if previous.get("plan") != current.get("plan"):
        changes.append(_change("plan", status=current["plan"]["status"]))
    if previous.get("stakeholders_met") != current.get("stakeholders_met"):
        changes.append(_change("stakeholders"))
    if previous.get("customer") != current.get("customer"):
        changes.append(_change("customer"))
    return changes


def _change(key: str, **params: Any) -> dict[str, Any]:
    return {"key": key, "params": params}


def _label(item: dict) -> str:
    return str(item.get("title") or item.get("name") or item.get("description") or item["id"])


def change_text(change: object) -> str:
    """One stored "what changed" line in the active language (a line stored as a sentence,
    before they were stored without words, reads as it is)."""
    if not isinstance(change, dict):
        return str(change)
    key, params = change.get("key"), change.get("params") or {}
    if key == "first":
        return gettext("First summary of this account.")
    if key in ("added", "removed", "updated"):
        values = {"kind": LIST_SECTIONS.get(params.get("section"), ""), "label": params["label"]}
        if key == "added":
            return gettext("%(kind)s added: %(label)s") % values
        if key == "removed":
            return gettext("%(kind)s removed: %(label)s") % values
        return gettext("%(kind)s updated: %(label)s") % values
    if key == "business_model":
        return gettext("Business model updated.")
    if key == "plan":
        # The status is the English label the content stores: its own message id.
        status = params.get("status", "")
        return gettext("Plan review: %(status)s.") % {"status": gettext(status) if status else ""}
    if key == "stakeholders":
        return gettext("Stakeholder coverage changed.")
    if key == "customer":
        return gettext("Customer record updated.")
    return str(key)


def change_texts(changes: Iterable[object]) -> list[str]:
    return [change_text(change) for change in changes]


def change_codes(changes: Iterable[object]) -> list[dict[str, Any]]:
    """The lines for machines: each one's stable key and values ("text" for an old sentence)."""
    return [
        {"key": c.get("key", ""), "params": c.get("params") or {}}
        if isinstance(c, dict)
        else {"key": "text", "params": {}}
        for c in changes
    ]


# --- The rendered document -----------------------------------------------------------------------


def render_summary_markdown(
    content: dict, *, changes: list[Any], previous_number: int | None
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
        "approved": plan["last_approved_at"] or gettext("never"),
        "changes": change_texts(changes),
        "previous_number": previous_number,
    }
    return render_to_string("insights/summary.md", context).rstrip() + "\n"


# --- The document in the reader's language -------------------------------------------------------

# A version's markdown and HTML are stored in the site's language (LANGUAGE_CODE); a reader in
# another language gets the same content worded in theirs, rendered once and then cached.
READER_CACHE_SECONDS = 7 * 24 * 3600


def _reader_document(summary: "AccountSummary") -> dict[str, str] | None:
    language = translation.get_language() or settings.LANGUAGE_CODE
    if language == settings.LANGUAGE_CODE:
        return None
    # A version never changes once written, so its customer, number and hash name it.
    version = f"{summary.customer_id}:{summary.number}:{summary.content_hash}"
    key = f"accord:summary-doc:{version}:{language}"

    def write() -> dict[str, str]:
        try:
            markdown = render_summary_markdown(
                summary.content,
                changes=summary.changes,
                previous_number=summary.number - 1 if summary.number > 1 else None,
            )
        except (KeyError, TypeError, AttributeError):
            # Content of an older shape than this release writes: it reads as it was stored.
            return {"markdown": summary.markdown, "html": summary.html}
        return {"markdown": markdown, "html": str(render_markdown(markdown))}

    return cache.get_or_set(key, write, READER_CACHE_SECONDS)


def reader_markdown(summary: "AccountSummary") -> str:
    """The version's markdown in the active language."""
    document = _reader_document(summary)
    return document["markdown"] if document else summary.markdown


def reader_html(summary: "AccountSummary") -> str:
    """The version's HTML in the active language (sanitized again on output: `stored_html`)."""
    document = _reader_document(summary)
    return document["html"] if document else summary.html
