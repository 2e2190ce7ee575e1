from django import template
from django.utils.safestring import SafeString

from core.markdown import render_markdown, sanitized

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str | None) -> SafeString:
    return render_markdown(text)


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
