"""S10 (a): every payload through every registered field renders as inert, sanitized markup.

The browser half (zero script execution in Chromium) is tests/e2e/test_xss.py.
"""

import pytest
from django.test import Client

from core.markdown import render_markdown, sanitize_html
from tests.security.xss import FIELDS, payloads, store, unsafe_markup


def test_there_are_at_least_60_payloads():
    assert len(payloads()) >= 60


def test_the_scanner_sees_raw_payloads():
    """Unescaped, the payloads are caught: the checks below would fail if escaping broke."""
    raw = "".join(payloads())
    problems = " ".join(unsafe_markup(raw))
    for marker in ("<script>", "onerror", "onload", "javascript:", "<iframe>", "<base>"):
        assert marker in problems, marker


@pytest.mark.parametrize("payload", payloads())
def test_markdown_output_is_inert_and_already_clean(payload):
    html = str(render_markdown(payload))
    assert unsafe_markup(html) == []
    assert "<script" not in html.lower()
    assert sanitize_html(html) == html


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.label)
def test_every_payload_renders_inert_on_every_page_showing_the_field(field, actors):
    urls = store(field, actors)
    client = Client()
    client.force_login(actors.sales_a)
    failures = []
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            failures.append(f"{url} -> {response.status_code}")
            continue
        problems = unsafe_markup(response.content.decode())
        failures += [f"{url}: {problem}" for problem in problems]
    assert not failures, "\n".join(failures[:30])
