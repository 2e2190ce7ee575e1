from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()

WIDTH = 80
HEIGHT = 20


@register.simple_tag
def sparkline(points: list[int] | None) -> SafeString | str:
    """A small inline SVG of the last 30 days' scores (0-100), with a text alternative."""
    if not points or len(points) < 2:
        return ""
    step = WIDTH / (len(points) - 1)
    coordinates = " ".join(
        f"{index * step:.1f},{HEIGHT - HEIGHT * max(0, min(100, int(score))) / 100:.1f}"
        for index, score in enumerate(points)
    )
    return format_html(
        '<svg class="sparkline" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
        'aria-label="{}"><polyline points="{}"/></svg>',
        WIDTH,
        HEIGHT,
        WIDTH,
        HEIGHT,
        _("30-day trend from %(start)s to %(end)s")
        % {"start": int(points[0]), "end": int(points[-1])},
        coordinates,
    )


@register.filter
def signed_points(value: object) -> str:
    """A change of points with its sign, one decimal: +7.5, -2.0."""
    if not isinstance(value, int | float):
        return "—"
    return f"+{value:.1f}" if value > 0 else f"{value:.1f}"


@register.filter
def signed(value: object) -> str:
    """A change shown with its sign: +5, -12, 0; a dash when there is none."""
    if not isinstance(value, int):
        return "—"
    return f"+{value}" if value > 0 else str(value)
