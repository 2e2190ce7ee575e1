"""The fast form renderer writes exactly the markup of Django's own widget templates."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from core.forms_renderer import FastChoicesRenderer

CHOICES = [
    ("1", "One & <b>bold</b>"),
    ("2", "Two"),
    ("Group <i>", [("3", "Three"), ("4", 'Fo"ur')]),
    ("", "---"),
]
WIDGETS = [
    forms.Select(choices=CHOICES),
    forms.SelectMultiple(choices=CHOICES, attrs={"size": 6, "class": "picker"}),
    forms.CheckboxSelectMultiple(choices=CHOICES),
    forms.RadioSelect(choices=CHOICES, attrs={"class": "radios", "required": True}),
    forms.CheckboxSelectMultiple(choices=[]),
    forms.NullBooleanSelect(),
]
ATTRS = [None, {"id": "id_f"}, {"id": "id_f", "disabled": True, "aria-describedby": "id_f_h"}]


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: type(w).__name__)
@pytest.mark.parametrize("attrs", ATTRS, ids=["no-attrs", "id", "more-attrs"])
def test_choice_widgets_render_as_django_templates_do(widget, attrs):
    values = [None, "2", ""] + ([] if isinstance(widget, forms.NullBooleanSelect) else [["1", "4"]])
    for value in values:
        expected = widget.render("f", value, attrs=attrs, renderer=DjangoTemplates())
        actual = widget.render("f", value, attrs=attrs, renderer=FastChoicesRenderer())
        assert actual == expected
        assert "<b>" not in actual  # labels are escaped


def test_a_custom_option_template_falls_back_to_django():
    class Custom(forms.RadioSelect):
        option_template_name = "django/forms/widgets/input.html"

    widget = Custom(choices=CHOICES)
    expected = widget.render("f", "2", renderer=DjangoTemplates())
    assert widget.render("f", "2", renderer=FastChoicesRenderer()) == expected


def test_the_project_renders_forms_with_it(settings):
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == "core.forms_renderer.FastChoicesRenderer"
    assert isinstance(get_default_renderer(), FastChoicesRenderer)
