"""Two summary versions compared as a person reads them: section by section, each changed
section showing what was added and removed, rendered (no diff markers, no raw markdown)."""

import datetime as dt
import difflib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.markdown import render_markdown
from insights.models import PlanItem

SAME, ADDED, REMOVED = "same", "added", "removed"
UNCHANGED, CHANGED, NEW, GONE = "unchanged", "changed", "new", "gone"


@dataclass
class SectionDiff:
    """One `## ` section of the summary and how it changed between the two versions."""

    title: str
    status: str
    # (SAME | ADDED | REMOVED, rendered HTML) in reading order; for an unchanged section, the
    # section once.
    blocks: list[tuple[str, SafeString]] = field(default_factory=list)

    @property
    def heading(self) -> SafeString:
        return render_markdown(self.title) if self.title else SafeString("")


def _sections(markdown: str) -> list[tuple[str, list[str]]]:
    """The document's `## ` sections in order, as (heading text, body lines); what comes before
    the first heading is the section with an empty heading."""
    sections: list[tuple[str, list[str]]] = [("", [])]
    for line in markdown.splitlines():
        if line.startswith("## "):
            sections.append((line[3:].strip(), []))
        else:
            sections[-1][1].append(line)
    return [(title, lines) for title, lines in sections if title or any(lines)]


def _render(lines: list[str]) -> SafeString:
    return render_markdown("\n".join(lines).strip("\n"))


def _changed_blocks(old: list[str], new: list[str]) -> list[tuple[str, SafeString]]:
    """Rendered blocks of what stayed, what was removed and what was added, in order."""
    blocks: list[tuple[str, SafeString]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            runs = [(SAME, new[j1:j2])]
        else:
            runs = [(REMOVED, old[i1:i2]), (ADDED, new[j1:j2])]
        for kind, lines in runs:
            if any(line.strip() for line in lines):
                blocks.append((kind, _render(lines)))
    return blocks


def diff_texts(old_text: str, new_text: str) -> list[tuple[str, SafeString]]:
    """Two versions of one markdown text (a plan section), as rendered blocks."""
    return _changed_blocks(old_text.splitlines(), new_text.splitlines())


def diff_sections(old_markdown: str, new_markdown: str) -> list[SectionDiff]:
    """The sections of the newer version in its order, then those only the older one had."""
    old = dict(_sections(old_markdown))
    result = []
    for title, lines in _sections(new_markdown):
        before = old.pop(title, None)
        if before is None:
            result.append(SectionDiff(title, NEW, [(ADDED, _render(lines))]))
        elif before == lines:
            result.append(SectionDiff(title, UNCHANGED, [(SAME, _render(lines))]))
        else:
            result.append(SectionDiff(title, CHANGED, _changed_blocks(before, lines)))
    for title, lines in old.items():
        result.append(SectionDiff(title, GONE, [(REMOVED, _render(lines))]))
    return result


# --- A plan section as a reviewer reads it -------------------------------------------------------

ITEM_GROUPS = (
    ("objective", gettext_lazy("Objectives")),
    ("risk", gettext_lazy("Risks")),
    ("action", gettext_lazy("Relationship actions")),
    ("offer", gettext_lazy("What we offer")),
    ("question", gettext_lazy("Open questions")),
)
LEVELS = dict(PlanItem.Level.choices)
EFFORTS = dict(PlanItem.Effort.choices)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _date(iso: str | None) -> str:
    return date_format(dt.date.fromisoformat(iso), "DATE_FORMAT") if iso else ""


def _as_is(text: str) -> str:
    return text


def _item_line(item: dict, escape: Callable[[str], str] = _as_is) -> str:
    """One item of a revision's snapshot as one markdown list line (`escape` makes its plain
    text read as itself where markdown must not apply)."""
    parts = [f"**{escape(_one_line(item['title']))}**"]
    labelled = {
        "objective": [
            (_("Metric"), item.get("metric")),
            (_("Target"), item.get("target")),
            (_("Target date"), _date(item.get("target_on"))),
            (_("Goals"), ", ".join(item.get("goals") or [])),
        ],
        "risk": [
            (_("Likelihood"), LEVELS.get(item.get("likelihood") or "", "")),
            (_("Impact"), LEVELS.get(item.get("impact") or "", "")),
            (_("Mitigation"), item.get("mitigation")),
        ],
        "action": [
            (_("With"), item.get("stakeholder")),
            (_("Owner"), item.get("owner")),
            (_("Due"), _date(item.get("due_on"))),
        ],
        "offer": [(_("Effort"), EFFORTS.get(item.get("effort") or "", ""))],
    }.get(item["kind"], [])
    parts += [f"{label}: {escape(_one_line(value))}" for label, value in labelled if value]
    if item.get("details"):
        parts.append(escape(_one_line(item["details"])))
    return "- " + " · ".join(parts)


def items_markdown(items: list[dict], escape: Callable[[str], str] = _as_is) -> list[str]:
    """A plan section's items as markdown lines: a heading per kind, one line per item."""
    lines: list[str] = []
    for kind, label in ITEM_GROUPS:
        group = [item for item in items if item["kind"] == kind]
        if group:
            lines += [f"#### {label}", "", *(_item_line(item, escape) for item in group), ""]
    return lines


def section_markdown(body: str, items: list[dict]) -> str:
    """A plan section's items, grouped by kind, then its notes: the text the reviewer's diff
    compares, so a changed item reads as its old line removed and its new line added."""
    lines = items_markdown(items)
    if body.strip():
        lines += [f"#### {_('Notes')}", "", *body.splitlines()]
    return "\n".join(lines)
