"""Single-line fields refuse control characters at every door: forms, the API, CSV import.

A title typed or imported with a line break used to reach the email subject, where Python's
email package refused it. The class-wide tests walk every model and form, so a new single-line
field without the validator fails here.
"""

import importlib
import inspect
import io
import json

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.test import Client

from core.validators import single_line, validate_single_line
from customers import imports
from customers.models import Customer, Goal, Problem
from tests import factories
from tests.conftest import api_as

APPS = ("accounts", "core", "customers", "dialogue", "solutions", "insights", "health", "integrity")
# Text fields written by code, never typed: what they hold is escaped or flattened where used.
WRITTEN_BY_CODE = {
    "accounts.User.username": "Django's username validator allows letters, digits and @.+-_",
    "accounts.User.password": "a hash",
    "accounts.Notification.message": "built from titles; emails flatten it (single_line)",
    "accounts.Notification.url": "a path built by reverse()",
    "accounts.User.time_zone": "only set from a choice of zoneinfo names (accounts.preferences)",
    "accounts.ApiToken.key_hash": "a hash",
    "accounts.ApiToken.prefix": "hex digits",
    "accounts.ApiToken.stamp": "a hash",
    "core.AuditEvent.username": "escaped by core.audit.record",
    "customers.AccountTally.industry": "copied from Customer.industry (validated there)",
    "customers.AccountTally.band": "copied from Customer.health_band (a choice)",
    "core.AuditEvent.request_id": "hex digits",
    "core.AuditEvent.object_type": "escaped by core.audit.record",
    "core.AuditEvent.object_id": "escaped by core.audit.record",
    "core.AuditEvent.detail": "escaped by core.audit.record",
    "dialogue.CalendarFeed.token_hash": "a hash",
    "dialogue.CalendarFeed.prefix": "the first characters of a token_urlsafe token",
    "insights.AccountSummary.content_hash": "a hash",
    "integrity.IdempotencyKey.scope": "built by the middleware",
    "integrity.IdempotencyKey.fingerprint": "a hash",
    "integrity.IdempotencyKey.path": "the request path (NUL and surrogates refused earlier)",
    "integrity.IdempotencyKey.content_type": "a response header value",
    "integrity.IdempotencyKey.location": "a response header value",
}
CONTROL = ["a\nb", "a\rb", "a\tb", "a\x00b", "a\x1bb", "a\x85b", "a\u2028b", "a\u2029b"]


@pytest.mark.parametrize("value", CONTROL)
def test_the_validator_refuses_control_characters(value):
    with pytest.raises(ValidationError):
        validate_single_line(value)


@pytest.mark.parametrize("value", ["Plain", "Ünïcode, “quotes” 🙂", "", "a  b", "+49 30 1"])
def test_the_validator_accepts_ordinary_text(value):
    validate_single_line(value)


def test_single_line_flattens_and_shortens():
    assert single_line(" a\r\n\tb\u2028c  ") == "a b c"
    assert single_line("x" * 100, max_length=10) == "x" * 9 + "…"


def _single_line_model_fields():
    for model in apps.get_models():
        if model._meta.app_label not in APPS or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.concrete_fields:
            if (
                isinstance(field, models.CharField)
                and not isinstance(field, models.EmailField | models.URLField)
                and not field.choices
            ):
                yield f"{model._meta.label}.{field.name}", field


def test_every_single_line_model_field_refuses_control_characters():
    missing = [
        label
        for label, field in _single_line_model_fields()
        if label not in WRITTEN_BY_CODE and validate_single_line not in field.validators
    ]
    assert not missing, (
        "add validators=[validate_single_line] to these fields (or list them in "
        f"WRITTEN_BY_CODE with the reason): {missing}"
    )
    stale = set(WRITTEN_BY_CODE) - {label for label, _ in _single_line_model_fields()}
    assert not stale, stale


# Plain form fields (not from a model) that feed single-line records must carry it too.
FORM_MODULES = (
    "accounts.forms",
    "accounts.mfa",
    "customers.forms",
    "dialogue.forms",
    "solutions.forms",
    "insights.forms",
    "health.forms",
)
NOT_STORED = {
    "accounts.forms.LoginForm.username": "looked up, never stored",
    "accounts.mfa.TokenForm.token": "a one-time code",
    "accounts.mfa.DisableForm.code": "a one-time code",
    "customers.forms.MemberForm.username": "looked up, never stored",
    "search.forms.SearchForm.q": "a search",
    "dialogue.forms.StakeholderQueryForm.q": "a search",
}


def _one_line_form_fields():
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for form in vars(module).values():
            if not (
                inspect.isclass(form)
                and issubclass(form, forms.BaseForm)
                and form.__module__ == module_name
            ):
                continue
            model_fields = set(getattr(getattr(form, "_meta", None), "fields", None) or ())
            for name, field in form.base_fields.items():
                if (
                    type(field) is forms.CharField
                    and isinstance(field.widget, forms.TextInput)
                    and name not in model_fields  # checked through the model's own validators
                ):
                    yield f"{module_name}.{form.__name__}.{name}", field


def test_every_one_line_form_field_refuses_control_characters():
    missing = [
        label
        for label, field in _one_line_form_fields()
        if label not in NOT_STORED and validate_single_line not in field.validators
    ]
    assert not missing, missing


# Through the doors


def test_a_goal_title_with_a_line_break_is_a_400_in_the_api(actors):
    response = api_as(actors.sales_a).post(
        "/api/goals/",
        {"customer": actors.customer_a.pk, "title": "Grow\r\nBcc: x@example.com"},
        format="json",
    )
    assert response.status_code == 400
    assert "title" in response.json()
    assert not Goal.objects.filter(customer=actors.customer_a).exists()


def test_an_api_update_cannot_add_a_line_break_either(actors):
    response = api_as(actors.sales_a).patch(
        f"/api/customers/{actors.customer_a.pk}/",
        {"name": "Alpha\nIndustries", "version": actors.customer_a.version},
        format="json",
    )
    assert response.status_code == 400
    assert Customer.objects.get(pk=actors.customer_a.pk).name == "Alpha Industries"


def test_a_proposal_transition_note_with_a_line_break_is_a_400(actors):
    proposal = factories.ProposalFactory(customer=actors.customer_a, created_by=actors.sales_a)
    response = api_as(actors.sales_a).post(
        f"/api/proposals/{proposal.pk}/transition/",
        data=json.dumps({"to": "review", "note": "ok\nnot ok"}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "note" in response.json()


def test_the_goal_form_refuses_a_tab_in_the_title(actors):
    client = Client()
    client.force_login(actors.sales_a)
    response = client.post(
        f"/customers/{actors.customer_a.pk}/goals/new/",
        {"title": "Grow\tfast", "priority": 2, "status": "active"},
    )
    assert response.status_code in (200, 400)
    assert "without line breaks" in response.content.decode()
    assert not Goal.objects.filter(customer=actors.customer_a).exists()


def test_the_new_problem_of_a_meeting_refuses_a_line_break(db):
    form_class = importlib.import_module("dialogue.forms").NewProblemForm
    customer = factories.CustomerFactory()
    form = form_class({"title": "Queue\nat the gate", "severity": "medium"}, customer=customer)
    assert not form.is_valid()
    assert "title" in form.errors
    assert not Problem.objects.exists()


def test_a_csv_import_with_a_line_break_in_a_quoted_name_is_refused(actors):
    text = 'name,industry\nGood,Energy\n"Two\nlines",Energy\n'
    result = imports.import_customers(io.BytesIO(text.encode()), by=actors.sales_a)
    assert not result.ok
    assert result.errors[0][0] == 4  # the record ends on line 4
    assert "name" in result.errors[0][1]
    assert not Customer.objects.filter(name="Good").exists()


def test_a_stakeholder_import_with_a_line_break_in_a_title_is_refused(actors):
    text = 'name,title\nAnna,"CFO\nand CEO"\n'
    result = imports.import_stakeholders(
        io.BytesIO(text.encode()), customer=actors.customer_a, by=actors.sales_a
    )
    assert not result.ok
    assert "title" in result.errors[0][1]
