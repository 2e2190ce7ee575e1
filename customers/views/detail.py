"""The read view of an account record: what it is, its links, where it was heard, who
confirmed it and its history; editing is the secondary action, deleting the last one."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.conflicts import stored_values
from customers.access import get_customer_for_user
from customers.models import Goal, Option, Problem, Process, Stakeholder
from customers.views.history import HISTORY_SKIP, record_history_entries
from customers.views.records import kind_for, load_record, tab_url


@dataclass(frozen=True)
class Confirmation:
    who: str
    when: object


def _confirmed_by(record: models.Model) -> Confirmation | None:
    """Who marked the record as said by the customer, from its history (the save that turned
    `confirmed` on after it was last off)."""
    if not getattr(record, "confirmed", False):
        return None
    history = record.history  # type: ignore[attr-defined]
    last_off = history.filter(confirmed=False).order_by("-history_id").values("history_id")
    row = (
        history.filter(confirmed=True, history_id__gt=models.Subquery(last_off[:1]))
        if last_off.exists()
        else history.filter(confirmed=True)
    )
    row = row.select_related("history_user").order_by("history_id").first()
    if row is None:
        return None
    who = row.history_user.display_name if row.history_user else "the system"
    return Confirmation(who=who, when=row.history_date)


def _links(record: models.Model) -> dict:
    """The records this one is linked to, by kind (each a short list, read once)."""
    links: dict = {}
    if isinstance(record, Goal):
        links["problems"] = list(record.blocking_problems.order_by("title"))
        links["options"] = list(record.options.order_by("title"))
    if isinstance(record, Problem):
        links["goals"] = list(record.blocks_goals.order_by("priority", "title"))
        step = record.process_step
        if step is not None and not step.is_deleted:
            links["step"] = step
        if record.raised_by is not None and not record.raised_by.is_deleted:
            links["raised_by"] = record.raised_by
        # Proposals live in an upper app: read through the reverse relation.
        links["proposals"] = list(
            record.proposals.filter(deleted_at__isnull=True).order_by("title")  # type: ignore[attr-defined]
        )
    if isinstance(record, Option):
        links["goals"] = list(record.serves_goals.order_by("title"))
    if isinstance(record, Process):
        links["steps"] = list(record.steps.order_by("position"))
    if isinstance(record, Goal | Problem | Stakeholder):
        # Where it was heard (goals, problems) or who was there (stakeholders).
        links["meetings"] = list(
            record.meetings.filter(deleted_at__isnull=True)  # type: ignore[attr-defined]
            .order_by("-occurred_at")
            .only("pk", "title", "occurred_at")[:20]
        )
    return links


# Fields the page shows in their own place (links, confirmation) rather than in the list.
SHOWN_APART = {"version", "confirmed", "process_step", "raised_by"}


@login_required
@require_safe
def record_detail(request: HttpRequest, pk: int, kind_slug: str, record_id: int) -> HttpResponse:
    kind = kind_for(kind_slug)
    customer, access = get_customer_for_user(request.user, pk)
    record = load_record(customer, kind, record_id)
    fields = [
        name
        for name in kind.form.Meta.fields
        if name not in SHOWN_APART and not record._meta.get_field(name).many_to_many
    ]
    return render(
        request,
        "customers/record_detail.html",
        {
            "customer": customer,
            "access": access,
            "kind": kind,
            "kind_slug": kind_slug,
            "record": record,
            "fields": stored_values(record, fields),
            "links": _links(record),
            "confirmation": _confirmed_by(record),
            "entries": record_history_entries(record, HISTORY_SKIP)[:10],
            "back_url": tab_url(customer, kind),
            "may_delete": access.can_edit_core,
        },
    )
