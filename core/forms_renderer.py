"""The form renderer: Django's templates, with the common form templates rendered in Python.

Django renders every <option> and every checkbox of a choice widget through its own included
template; on a form with a few hundred choices (the attendee picker of a customer with 200
stakeholders) that was most of the page's time. Once those were fast, the field group around
each widget (`field.html`, its label, its empty error list, the input or textarea) was: the
log-a-meeting page renders about 30 field groups, each five templates deep. This renderer
writes the markup of those Django templates directly, byte for byte the same (a test compares
them), and leaves every other template (and any project override) to Django.
"""

import html
from collections.abc import Callable, Mapping
from typing import Any

from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates

FORMS = "django/forms/"
WIDGETS = FORMS + "widgets/"
SELECT_OPTION = WIDGETS + "select_option.html"
INPUT_OPTIONS = {WIDGETS + "checkbox_option.html", WIDGETS + "radio_option.html"}
# Django's widget templates that are nothing but `{% include "django/forms/widgets/input.html" %}`.
INPUTS = {
    WIDGETS + f"{name}.html"
    for name in [
        *("checkbox", "color", "date", "datetime", "email", "file", "hidden", "number"),
        *("password", "search", "tel", "text", "time", "url"),
    ]
}
EMPTY_ERRORS = {FORMS + "errors/list/default.html", FORMS + "errors/list/ul.html"}


def _text(value: object) -> str:
    """conditional_escape(str(value)), without its lazy-text wrapper: this runs for every
    value, label and attribute of every option (a 200-option select calls it 600 times)."""
    text = str(value)
    return text if hasattr(text, "__html__") else html.escape(text)


def _attrs(attrs: Mapping[str, Any]) -> str:
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"')
    return "".join(parts)


def _input(widget: Mapping[str, Any]) -> str:
    """django/forms/widgets/input.html (with its final newline)."""
    value = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}'
        f"{_attrs(widget['attrs'])}>\n"
    )


def _input_option(option: Mapping[str, Any]) -> str:
    """django/forms/widgets/checkbox_option.html and radio_option.html (input_option.html)."""
    if not option["wrap_label"]:
        return _input(option) + "\n\n"
    label_id = option["attrs"].get("id")
    label_for = f' for="{_text(label_id)}"' if label_id else ""
    return f"<label{label_for}>{_input(option)} {_text(option['label'])}</label>\n\n"


def _textarea(widget: Mapping[str, Any]) -> str:
    """django/forms/widgets/textarea.html."""
    value = _text(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _label(context: Mapping[str, Any]) -> str:
    """django/forms/label.html."""
    label = _text(context["label"])
    if not context["use_tag"]:
        return label
    tag = _text(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{label}</{tag}>"


def _field(field: BoundField) -> str:
    """django/forms/field.html: the label (or legend), help text, errors and widget."""
    parts = []
    if field.use_fieldset:
        describedby = field.aria_describedby
        described = f' aria-describedby="{_text(describedby)}"' if describedby else ""
        parts.append(f"<fieldset{described}>\n  ")
        if field.label:
            parts.append(str(field.legend_tag()))
    elif field.label:
        parts.append(str(field.label_tag()))
    parts.append("\n\n")
    if field.help_text:
        help_id = f' id="{_text(field.auto_id)}_helptext"' if field.auto_id else ""
        parts.append(f'<div class="helptext"{help_id}>{field.help_text}</div>')
    parts.append(f"\n{field.errors}\n{field}")
    if field.use_fieldset:
        parts.append("</fieldset>")
    return "".join(parts)


def _select_option(option: Mapping[str, Any]) -> str:
    """django/forms/widgets/select_option.html (with its final newline)."""
    return (
        f'<option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_text(option['label'])}</option>\n"
    )


class FastChoicesRenderer(DjangoTemplates):
    """Django's form renderer, but choice widgets are written in Python (same markup)."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        html = self._render_plain(template_name, context)
        if html is not None:
            return html.strip()
        fast = self._fast.get(template_name)
        widget = context.get("widget")
        if fast is None or widget is None:
            return super().render(template_name, context, request=request)
        html = fast(self, widget, context, request)
        return super().render(template_name, context, request) if html is None else html.strip()

    def _render_plain(self, template_name: str, context: Mapping[str, Any]) -> str | None:
        """The templates without options: None for any other (or an unexpected context)."""
        if template_name == FORMS + "field.html" and isinstance(context.get("field"), BoundField):
            return _field(context["field"])
        if template_name == FORMS + "label.html" and "use_tag" in context:
            return _label(context)
        if template_name in EMPTY_ERRORS and "errors" in context and not context["errors"]:
            return ""
        widget = context.get("widget")
        if widget is None:
            return None
        if template_name in INPUTS:
            return _input(widget)
        if template_name == WIDGETS + "textarea.html":
            return _textarea(widget)
        return None

    def _option(self, option: Mapping[str, Any], context: dict, request: Any) -> str | None:
        name = option["template_name"]
        if name == SELECT_OPTION:
            return _select_option(option)
        if name in INPUT_OPTIONS:
            return _input_option(option)
        return None  # a custom option template: let Django render the whole widget

    def _options(
        self, options: list, before: str, after: str, context: dict, request: Any
    ) -> str | None:
        """Each option's markup between `before` and `after`; None if one needs Django."""
        parts = []
        for option in options:
            html = self._option(option, context, request)
            if html is None:
                return None
            parts.append(before + html + after)
        return "".join(parts)

    def _select(self, widget: Mapping[str, Any], context: dict, request: Any) -> str | None:
        """django/forms/widgets/select.html."""
        parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_text(group_name)}">')
            options = self._options(group_choices, "\n  ", "", context, request)
            if options is None:
                return None
            parts.append(options)
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>\n")
        return "".join(parts)

    def _multiple_input(self, widget: Mapping[str, Any], context: dict, request: Any) -> str | None:
        """django/forms/widgets/checkbox_select.html and radio.html (multiple_input.html)."""
        attrs = widget["attrs"]
        div_id = f' id="{_text(attrs["id"])}"' if attrs.get("id") else ""
        div_class = f' class="{_text(attrs["class"])}"' if attrs.get("class") else ""
        parts = [f"<div{div_id}{div_class}>"]
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(f"\n  <div><label>{_text(group)}</label>")
            html = self._options(options, "<div>\n    ", "</div>", context, request)
            if html is None:
                return None
            parts.append(html)
            if group:
                parts.append("\n  </div>")
        parts.append("\n</div>\n")
        return "".join(parts)

    _fast: dict[str, Callable[..., str | None]] = {
        WIDGETS + "select.html": _select,
        WIDGETS + "checkbox_select.html": _multiple_input,
        WIDGETS + "radio.html": _multiple_input,
    }
