"""The webhook events: what happened on an account since the webhooks last looked.

Each event is versioned JSON: `type`, `version` (PAYLOAD_VERSION, changed whenever a payload
changes shape), `timestamp` and `data` with the `account` and the record the event is about.
integrations/webhook_schema.py documents every payload in the OpenAPI schema.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.history import history_model
from customers.models import Customer, Problem
from dialogue.models import ActionItem, Meeting
from insights.models import PlanReviewEvent
from integrations.models import WebhookCursor
from solutions.models import Contribution, Proposal

PAYLOAD_VERSION = "2026-12-05"
EVENTS = {
    "account.health_band_changed": gettext_lazy("Account health band changed"),
    "meeting.logged": gettext_lazy("Meeting logged"),
    "problem.created": gettext_lazy("Problem created"),
    "problem.confirmed": gettext_lazy("Problem confirmed by the customer"),
    "proposal.status_changed": gettext_lazy("Proposal status changed"),
    "contribution.requested": gettext_lazy("Contribution requested"),
    "contribution.done": gettext_lazy("Contribution done"),
    "action_item.overdue": gettext_lazy("Action item overdue"),
    "plan.approved": gettext_lazy("Account plan approved"),
    "test": gettext_lazy("Test event"),
}
FIRST_LOOK = dt.timedelta(minutes=5)


def event(kind: str, customer: Customer | None, data: dict[str, Any]) -> dict[str, Any]:
    """One event's payload (the test event has no account)."""
    if customer is not None:
        data = {
            "account": {
                "id": customer.pk,
                "name": customer.name,
                "url": f"{settings.SITE_URL}/customers/{customer.pk}/",
            },
            **data,
        }
    return {
        "type": kind,
        "version": PAYLOAD_VERSION,
        "timestamp": timezone.now().isoformat(),
        "data": data,
    }


def _cursor(customer: Customer, now: dt.datetime) -> WebhookCursor:
    cursor = WebhookCursor.objects.select_for_update().filter(customer=customer).first()
    if cursor is None:
        # The account's first change the webhooks see: what its commit just wrote counts.
        cursor = WebhookCursor(
            customer=customer, seen_until=now - FIRST_LOOK, health_band=customer.health_band
        )
    return cursor


def collect_events(customer_id: int) -> list[dict[str, Any]]:
    """What happened on the account since the webhooks last looked (and move the cursor)."""
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        return []
    now = timezone.now()
    cursor = _cursor(customer, now)
    window = (cursor.seen_until, now)
    events = []
    if cursor.pk and customer.health_band and customer.health_band != cursor.health_band:
        events.append(
            event(
                "account.health_band_changed",
                customer,
                {
                    "from": cursor.health_band or None,
                    "to": customer.health_band,
                    "score": customer.health_score,
                },
            )
        )
    for collect in (_meetings, _problems, _confirmed, _proposals, _contributions, _plans):
        events += [event(kind, customer, data) for kind, data in collect(customer, window)]
    cursor.seen_until = now
    cursor.health_band = customer.health_band
    cursor.save()
    return events


Window = tuple[dt.datetime, dt.datetime]
Found = list[tuple[str, dict[str, Any]]]


def _meetings(customer: Customer, window: Window) -> Found:
    meetings = Meeting.objects.filter(
        customer=customer,
        created_at__gt=window[0],
        created_at__lte=window[1],
        deleted_at__isnull=True,
    ).order_by("created_at", "id")
    return [
        (
            "meeting.logged",
            {
                "meeting": {
                    "id": m.pk,
                    "title": m.title,
                    "kind": m.kind,
                    "occurred_at": m.occurred_at.isoformat(),
                }
            },
        )
        for m in meetings
    ]


def _problem(problem: Problem) -> dict[str, Any]:
    return {
        "id": problem.pk,
        "title": problem.title,
        "severity": problem.severity,
        "status": problem.status,
        "confirmed": problem.confirmed,
    }


def _problems(customer: Customer, window: Window) -> Found:
    problems = Problem.objects.filter(
        customer=customer, created_at__gt=window[0], created_at__lte=window[1]
    ).order_by("created_at", "id")
    return [("problem.created", {"problem": _problem(p)}) for p in problems]


def _entered(model: type[Model], window: Window, scope: dict, state: dict) -> list[int]:
    """Ids of the records that entered `state` in the window (and were not in it before),
    read from their history as django-simple-history keeps it."""
    history = history_model(model).objects.filter(**scope)
    now_in = history.filter(history_date__gt=window[0], history_date__lte=window[1], **state)
    ids = set(now_in.values_list("id", flat=True))
    # One query per record that changed in the window: a handful per change of the account.
    was_in = {i for i in ids if _last_in(history.filter(id=i, history_date__lte=window[0]), state)}
    return sorted(ids - was_in)


def _last_in(rows: QuerySet, state: dict) -> bool:
    last = rows.order_by("-history_date", "-history_id").first()
    return last is not None and _matches(last, state)


def _matches(row: Model, state: dict) -> bool:
    return all(getattr(row, field) == value for field, value in state.items())


def _confirmed(customer: Customer, window: Window) -> Found:
    """Problems the customer confirmed in the window (and had not confirmed before it)."""
    ids = _entered(Problem, window, {"customer_id": customer.pk}, {"confirmed": True})
    problems = Problem.objects.filter(pk__in=ids, confirmed=True).order_by("id")
    return [("problem.confirmed", {"problem": _problem(p)}) for p in problems]


def _proposals(customer: Customer, window: Window) -> Found:
    proposals = Proposal.objects.filter(
        customer=customer, status_changed_at__gt=window[0], status_changed_at__lte=window[1]
    ).order_by("status_changed_at", "id")
    return [
        (
            "proposal.status_changed",
            {"proposal": {"id": p.pk, "title": p.title, "status": p.status}},
        )
        for p in proposals
    ]


def _contribution(contribution: Contribution) -> dict[str, Any]:
    return {
        "contribution": {
            "id": contribution.pk,
            "status": contribution.status,
            "area": contribution.area.name if contribution.area else None,
            "specialist": contribution.specialist.display_name if contribution.specialist else None,
            "partner": contribution.partner.name if contribution.partner else None,
        },
        "proposal": {"id": contribution.proposal_id, "title": contribution.proposal.title},
    }


def _contributions(customer: Customer, window: Window) -> Found:
    mine = Contribution.objects.filter(proposal__customer=customer).select_related(
        "proposal", "area", "specialist", "partner"
    )
    requested = mine.filter(requested_at__gt=window[0], requested_at__lte=window[1])
    done_ids = _entered(
        Contribution,
        window,
        {"proposal__customer_id": customer.pk},
        {"status": Contribution.Status.DONE},
    )
    done = mine.filter(pk__in=done_ids, status=Contribution.Status.DONE)
    return [("contribution.requested", _contribution(c)) for c in requested.order_by("id")] + [
        ("contribution.done", _contribution(c)) for c in done.order_by("id")
    ]


def _plans(customer: Customer, window: Window) -> Found:
    approvals = PlanReviewEvent.objects.filter(
        plan__customer=customer,
        action=PlanReviewEvent.Action.APPROVED,
        at__gt=window[0],
        at__lte=window[1],
    ).select_related("by")
    return [
        (
            "plan.approved",
            {
                "plan": {
                    "approved_at": e.at.isoformat(),
                    "approved_by": e.by.display_name if e.by else None,
                    "comment": e.comment,
                }
            },
        )
        for e in approvals.order_by("at", "id")
    ]


def overdue_events(customer_id: int, today: dt.date) -> list[dict[str, Any]]:
    """Open action items that fell overdue since the last daily look, once per item and due
    date (the first look announces only those due yesterday, not the account's backlog)."""
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        return []
    cursor = _cursor(customer, timezone.now())
    yesterday = today - dt.timedelta(days=1)
    since = cursor.overdue_seen_on or yesterday - dt.timedelta(days=1)
    items = (
        ActionItem.objects.filter(
            customer=customer,
            status=ActionItem.Status.OPEN,
            due_on__gt=since,
            due_on__lte=yesterday,
        )
        .select_related("owner")
        .order_by("due_on", "id")
    )
    events = [
        event(
            "action_item.overdue",
            customer,
            {
                "action_item": {
                    "id": item.pk,
                    "description": item.description,
                    "due_on": item.due_on.isoformat(),
                    "owner": item.owner.display_name,
                    "meeting_id": item.meeting_id,
                }
            },
        )
        for item in items
    ]
    cursor.overdue_seen_on = max(yesterday, since)
    cursor.save()
    return events


def accounts_with_overdue_items(today: dt.date) -> list[int]:
    """Accounts with an open action item due yesterday or earlier that the daily look may
    not have announced yet (the look itself decides, per account)."""
    return list(
        ActionItem.objects.filter(
            status=ActionItem.Status.OPEN, due_on__lt=today, due_on__gte=today - dt.timedelta(7)
        )
        .values_list("customer_id", flat=True)
        .distinct()
        .order_by("customer_id")
    )
