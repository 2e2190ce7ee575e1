"""B08: Hypothesis properties of the pure pieces: Markdown, CSV cells, the health score."""

import csv
import datetime as dt
import io
import re

import pytest
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from core.csv import FORMULA_TRIGGERS, FORMULA_TRIGGERS_WIDE, safe_cell, safe_row
from core.markdown import escape_markdown, render_markdown, sanitize_html
from tests.security.xss import unsafe_markup

# Deterministic in CI: the same examples every run (derandomize), many of them.
PROPERTY = hsettings(max_examples=1000, derandomize=True, deadline=None)

markdownish = st.lists(
    st.one_of(
        st.text(max_size=8),  # any characters: NUL, surrogates, control characters
        st.sampled_from(list("<>[]()!*_`#|-=:/\"'&;\n ")),
        st.sampled_from(["javascript:", "data:", "<script>", "onerror=", "](", "<svg ", "&#"]),
    ),
    max_size=60,
).map("".join)


@PROPERTY
@given(markdownish)
def test_rendered_markdown_is_already_sanitized(text):
    html = str(render_markdown(text))
    assert sanitize_html(html) == html
    assert unsafe_markup(html) == []


# What a document made only of paragraphs may contain (indented lines become code blocks).
PLAIN_TAGS = {"p", "br", "pre", "code"}


@PROPERTY
@given(markdownish)
def test_escaped_plain_text_renders_as_itself_never_as_markup(text):
    """A title or name put into a markdown document (e.g. the summary) through escape_markdown
    renders with no link, image, emphasis, heading, list, table or raw HTML."""
    html = str(render_markdown(escape_markdown(text)))
    tags = set(re.findall(r"</?([a-z0-9]+)", html))
    assert tags <= PLAIN_TAGS, (text, html)


def test_a_title_that_looks_like_a_link_stays_text():
    html = str(render_markdown(escape_markdown("[Session expired](https://evil.example/login)")))
    assert html == "<p>[Session expired](https://evil.example/login)</p>\n"


cells = st.one_of(
    st.text(max_size=60),
    st.integers(),
    st.floats(allow_nan=False),
    st.none(),
    st.booleans(),
    st.sampled_from(["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("x")']),
)


@PROPERTY
@given(st.lists(cells, max_size=8))
def test_no_csv_cell_can_start_a_formula(row):
    out = io.StringIO()
    csv.writer(out).writerow(safe_row(row))
    parsed = next(csv.reader(io.StringIO(out.getvalue())))
    assert len(parsed) == len(row)
    for value, cell in zip(row, parsed, strict=True):
        if isinstance(value, str):
            assert not cell.startswith(FORMULA_TRIGGERS + FORMULA_TRIGGERS_WIDE)
            assert cell.removeprefix("'") == value or cell == value
        elif isinstance(value, int | float) and not isinstance(value, bool):
            assert float(cell) == float(value)  # numbers stay numbers, negatives included


def test_safe_cell_examples():
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("-5") == "'-5"
    assert safe_cell(-5) == -5
    assert safe_cell(None) == ""
    assert safe_cell("Acme") == "Acme"


# The health score: any mix of records gives a score in 0..100, a band that matches it,
# components within their weights, and the same answer when asked twice.

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


@pytest.mark.slow
class HealthScoreProperties(TestCase):
    @hsettings(
        max_examples=60,
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        meeting_days=st.lists(st.integers(0, 400), max_size=6),
        severities=st.lists(st.sampled_from(["low", "medium", "high", "critical"]), max_size=4),
        due_offsets=st.lists(st.integers(-60, 60), max_size=4),
        proposals=st.integers(0, 3),
    )
    def test_score_is_bounded_consistent_and_deterministic(
        self, meeting_days, severities, due_offsets, proposals
    ):
        from health.scoring import band_for, compute_health
        from health.words import reason_texts
        from tests import factories

        customer = factories.CustomerFactory()
        for days in meeting_days:
            factories.MeetingFactory(customer=customer, occurred_at=NOW - dt.timedelta(days=days))
        for severity in severities:
            factories.ProblemFactory(customer=customer, severity=severity)
        for offset in due_offsets:
            factories.ActionItemFactory(
                customer=customer, due_on=NOW.date() + dt.timedelta(days=offset)
            )
        for _ in range(proposals):
            factories.ProposalFactory(customer=customer)
        first = compute_health(customer, now=NOW)
        second = compute_health(customer.pk, now=NOW)
        assert 0 <= first.score <= 100
        assert first.band == band_for(first.score)
        assert first == second
        weights = settings.HEALTH_WEIGHTS
        for component in first.components:
            assert 0 <= component.points <= component.max_points == weights[component.key]
            assert all(isinstance(text, str) and text for text in reason_texts(component.reasons))
        assert re.fullmatch(r"green|amber|red", first.band)
