"""Field-by-field history of a record and of the customer."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from customers.access import get_customer_for_user
from customers.models import BusinessModel
from customers.views.records import kind_for, load_record, tab_url


@dataclass
class HistoryEntry:
    when: object
    who: str
    action: object  # a lazily translated word
    version: int | None
    changes: list[tuple[str, str, str]]


ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


def record_history_entries(record: models.Model, skip: set[str]) -> list[HistoryEntry]:
    """The record's history, newest first, each entry with its field-by-field changes."""
    rows = list(record.history.select_related("history_user").order_by("-history_id")[:101])  # type: ignore[attr-defined]
    entries = []
    for newer, older in zip(rows, [*rows[1:], None], strict=True):
        changes = []
        if older is not None:
            for change in newer.diff_against(older, excluded_fields=skip).changes:
                field = record._meta.get_field(change.field)
                changes.append(
                    (
                        str(field.verbose_name).capitalize(),
                        _history_value(field, change.old),
                        _history_value(field, change.new),
                    )
                )
        who = newer.history_user.display_name if newer.history_user else "the system"
        entries.append(
            HistoryEntry(
                newer.history_date,
                who,
                _action(newer),
                getattr(newer, "version", None),
                changes,
            )
        )
    return entries[:100]


def _action(row: models.Model) -> object:
    # A move to the trash and back is a save with a reason (core.softdelete), not a change.
    reason = row.history_change_reason or ""  # type: ignore[attr-defined]
    if reason == "Deleted":
        return _("deleted")
    if reason.startswith("Restored"):
        return _("restored")
    return ACTIONS.get(row.history_type, _("changed"))  # type: ignore[attr-defined]


def _history_value(field: models.Field, value: object) -> str:
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        return f"#{value}"
    return str(value)


HISTORY_SKIP = {"version", "updated_at", "created_at"}


@login_required
@require_safe
def record_history(request: HttpRequest, pk: int, kind_slug: str, record_id: int) -> HttpResponse:
    kind = kind_for(kind_slug)
    customer, access = get_customer_for_user(request.user, pk)
    record = load_record(customer, kind, record_id)
    return render(
        request,
        "customers/history.html",
        {
            "customer": customer,
            "access": access,
            "record": record,
            "kind": kind,
            "entries": record_history_entries(record, HISTORY_SKIP),
            "back_url": tab_url(customer, kind),
        },
    )


@login_required
@require_safe
def customer_history(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    canvas_row = BusinessModel.objects.filter(customer=customer).first()
    return render(
        request,
        "customers/history.html",
        {
            "customer": customer,
            "access": access,
            "record": customer,
            "entries": record_history_entries(customer, HISTORY_SKIP),
            "canvas_entries": record_history_entries(canvas_row, HISTORY_SKIP)
            if canvas_row
            else [],
            "back_url": reverse("customers:detail", args=[customer.pk]),
        },
    )
