"""Two summary versions compared as a person reads them: section by section, each changed
section showing what was added and removed, rendered (no diff markers, no raw markdown)."""

import difflib
from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from core.markdown import render_markdown

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
