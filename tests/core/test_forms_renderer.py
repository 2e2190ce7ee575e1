"""The fast form renderer writes exactly the markup of Django's own widget templates."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from core.forms_renderer import FastChoicesRenderer

CHOICES = [
    ("1", "One & <b>bold</b>"),
    ("2", "Two"),
    ("Group <i>", [("3", "Three"), ("4", 'Fo"ur')]),
    ("", "---"),
    # Lazy and already safe labels are escaped (or not) as Django's templates do.
    ("5", gettext_lazy("Five & <b>more</b>")),
    ("6", mark_safe("<em>Six</em>")),
    (7, 'O\'Brien & "Sons"'),
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
        lists_six = any(str(choice) == "6" for choice, _label in widget.choices)
        assert ("<em>Six</em>" in actual) == lists_six  # unless they are safe


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


class EveryField(forms.Form):
    required_css_class = "required"

    text = forms.CharField(help_text="Plain <b>help</b>", max_length=5)
    optional = forms.CharField(required=False, label="Done?")
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    count = forms.IntegerField(required=False, label="")
    flag = forms.BooleanField(required=False)
    kind = forms.ChoiceField(choices=CHOICES[:2], widget=forms.RadioSelect, help_text="Pick")
    many = forms.MultipleChoiceField(
        choices=CHOICES[:2], widget=forms.CheckboxSelectMultiple, required=False
    )


BOUND = [
    None,
    {"text": "far too long", "notes": "a <b>note</b>\nline", "count": "x", "kind": "9"},
    {"text": "ok", "kind": "1", "many": ["2"], "flag": "on", "when": "2026-01-02"},
]


@pytest.mark.parametrize("data", BOUND, ids=["unbound", "errors", "valid"])
@pytest.mark.parametrize("auto_id", ["id_%s", False])
def test_field_groups_render_as_django_templates_do(data, auto_id):
    fast = EveryField(data, auto_id=auto_id, renderer=FastChoicesRenderer())
    slow = EveryField(data, auto_id=auto_id, renderer=DjangoTemplates())
    if data:
        assert fast.is_valid() == slow.is_valid() == (data is BOUND[2])
    for name in EveryField.base_fields:
        assert fast[name].as_field_group() == slow[name].as_field_group()
        assert str(fast[name]) == str(slow[name])
    assert str(fast) == str(slow)
    assert ('class="errorlist"' in str(fast)) == (data is BOUND[1])
    assert str(fast.non_field_errors()) == str(slow.non_field_errors()) == ""
