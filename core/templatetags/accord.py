import datetime as dt

from django import template
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from core.markdown import escape_markdown, render_markdown, sanitized

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str | None) -> SafeString:
    return render_markdown(text)


# Filters for markdown documents written from templates (e.g. templates/insights/summary.md).


@register.filter(name="md")
def md_filter(text: object) -> str:
    """Plain text, escaped so that it reads as itself inside markdown."""
    return escape_markdown("" if text is None else str(text))


@register.filter(name="one_line")
def one_line_filter(text: str | None) -> str:
    return " ".join((text or "").split())


@register.filter(name="quote")
def quote_filter(text: str | None) -> str:
    """Markdown written by a user, as a block quote."""
    return "\n".join(f"> {line}" if line.strip() else ">" for line in (text or "").splitlines())


@register.filter(name="strip")
def strip_filter(text: str | None) -> str:
    return (text or "").strip()


@register.filter(name="join_md")
def join_md_filter(items: list) -> str:
    return ", ".join(escape_markdown(str(item)) for item in items)


@register.filter(name="label")
def label_filter(text: object) -> str:
    """A choice's label stored in a document's content in the site's language (English), in
    the reader's: the English label is its own message id."""
    return gettext(str(text)) if text else ""


@register.filter(name="iso_date")
def iso_date_filter(value: object) -> str:
    """A date stored in a document's content as ISO text, in the reader's date format."""
    try:
        return date_format(dt.date.fromisoformat(str(value)[:10])) if value else ""
    except ValueError:
        return str(value)


@register.filter(name="stored_html")
def stored_html_filter(html: str | None) -> SafeString:
    """HTML that Accord rendered from markdown when it stored it (e.g. a summary version).

    Parsing a large document's markdown on every view cost more than the rest of the page; the
    stored HTML is sanitized again on the way out (nh3 is fast), so it is never trusted as is.
    """
    return sanitized(html)


@register.simple_tag(takes_context=True)
def query_transform(context: template.Context, **kwargs: object) -> str:
    """The current query string with some parameters replaced (for sorting and paging links)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()
