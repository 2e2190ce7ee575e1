"""Markdown for user-written text: rendered without raw HTML, then sanitized with nh3."""

import re

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

# "js-default" escapes raw HTML instead of passing it through (the commonmark preset does not).
_md = MarkdownIt("js-default", {"linkify": False, "typographer": False}).enable("table")

ALLOWED_TAGS = {
    "a",
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "del",
    "s",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def sanitized(html: str | None) -> SafeString:
    """Sanitize HTML (e.g. stored HTML rendered earlier) so it is safe to embed in a page."""
    # The output of nh3 is sanitized by construction; marking it safe is the point of this function.
    return mark_safe(sanitize_html(html)) if html else SafeString("")  # nosec B308 B703


def render_markdown(text: str | None) -> SafeString:
    """Render user markdown to HTML that is safe to embed in a page."""
    return sanitized(_md.render(text)) if text else SafeString("")


# Characters that start markdown constructs anywhere in a line (links, emphasis, code, raw
# HTML, images, tables, strikethrough), and at the start of a line (headings, lists, rules).
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>!|~&])")
_BLOCK_MARKER = re.compile(r"^(\s*)([#+=-])", re.MULTILINE)
_ORDERED_MARKER = re.compile(r"^(\s*\d+)([.)])", re.MULTILINE)


def escape_markdown(text: str | None) -> str:
    """Plain text put into a markdown document so that it reads as itself: a title such as
    "[Session expired](https://evil.example/login)" stays text, never a link, emphasis,
    heading, list or raw HTML."""
    if not text:
        return ""
    escaped = _INLINE_SPECIAL.sub(r"\\\1", str(text))
    escaped = _BLOCK_MARKER.sub(r"\1\\\2", escaped)
    return _ORDERED_MARKER.sub(r"\1\\\2", escaped)
