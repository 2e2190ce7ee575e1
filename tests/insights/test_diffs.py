"""Summary versions compared section by section (insights/diffs.py)."""

from insights.diffs import ADDED, CHANGED, GONE, NEW, REMOVED, SAME, UNCHANGED, diff_sections

OLD = """# Account summary: Acme

## Goals
- **Grow exports** (high)
- **Cut costs** (low)

## Action items
_None open._

## Old section
Gone soon.
"""

NEW_ = """# Account summary: Acme

## Goals
- **Grow exports** (high)
- **Enter Norway** (medium)

## Action items
_None open._

## Proposals
- Faster deliveries
"""


def test_each_section_says_how_it_changed():
    sections = {s.title: s for s in diff_sections(OLD, NEW_)}
    assert sections["Goals"].status == CHANGED
    assert sections["Action items"].status == UNCHANGED
    assert sections["Proposals"].status == NEW
    assert sections["Old section"].status == GONE
    assert [s.title for s in diff_sections(OLD, NEW_)] == [
        "",
        "Goals",
        "Action items",
        "Proposals",
        "Old section",
    ]


def test_changed_lines_are_rendered_blocks_of_added_and_removed():
    goals = next(s for s in diff_sections(OLD, NEW_) if s.title == "Goals")
    kinds = [kind for kind, _html in goals.blocks]
    assert kinds == [SAME, REMOVED, ADDED]
    html = {kind: str(h) for kind, h in goals.blocks}
    assert "<strong>Cut costs</strong>" in html[REMOVED]
    assert "<strong>Enter Norway</strong>" in html[ADDED]
    assert "**" not in "".join(html.values())


def test_markup_in_a_version_is_sanitized():
    sections = diff_sections("## A\nx\n", "## A\n<script>alert(1)</script> [x](javascript:y)\n")
    html = "".join(str(h) for s in sections for _k, h in s.blocks)
    assert "<script" not in html
    assert 'href="javascript' not in html
