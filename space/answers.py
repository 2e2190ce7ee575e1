"""What guests say and do: confirmations, suggestions, and their steps."""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext

from customers.changes import record_account_change
from space.events import (
    CONFIRMED,
    CORRECTED,
    IRRELEVANT,
    PROPOSED_DATE,
    RANKED,
    REOPENED,
    SUGGESTED,
    TICKED,
    record_guest_event,
    said_by,
)
from space.models import (
    Feedback,
    Guest,
    PlanStep,
    SharedItem,
)
from space.services import NotAllowed


def provenance(guest: Guest, on: dt.date) -> str:
    """'Confirmed by Katrin Vogel, CEO, in the shared space on 12 Jan 2027'."""
    return gettext("Confirmed by %(who)s, in the shared space on %(date)s") % {
        "who": said_by(guest),
        "date": formats.date_format(on, "j M Y"),
    }


@transaction.atomic
def confirm_item(item: SharedItem, *, guest: Guest, ip_address: str | None = None) -> Feedback:
    """The customer confirms a shared goal or problem: the record is marked confirmed, with
    who, in what role and when, at once (it feeds the health score's understanding)."""
    record = item.record
    text = provenance(guest, timezone.localdate())
    record.refresh_from_db()
    record.confirmed = True
    record.source = text[:300]
    record.version += 1
    # The history row says who confirmed it (the record's trail and the timeline show it).
    record._change_reason = text  # type: ignore[union-attr]
    record.save()
    SharedItem.objects.filter(pk=item.pk).update(
        confirmed_at=timezone.now(), confirmed_by=guest, no_longer_relevant_at=None
    )
    feedback = Feedback.objects.create(
        space=item.space,
        item=item,
        guest=guest,
        said_by=said_by(guest),
        kind=Feedback.Kind.CONFIRM,
        status=Feedback.Status.RECORDED,
    )
    record_guest_event(guest, CONFIRMED, str(record), ip_address, on=record)
    record_account_change(item.space.customer_id)
    return feedback


@transaction.atomic
def suggest(
    item: SharedItem | None,
    *,
    guest: Guest,
    kind: str,
    title: str = "",
    text: str = "",
    value: str = "",
    ip_address: str | None = None,
) -> Feedback:
    """A correction, a new priority or severity, "no longer relevant", or a goal or problem of
    the customer's own: a suggestion the lead accepts or declines."""
    feedback = Feedback.objects.create(
        space=guest.space,
        item=item,
        guest=guest,
        said_by=said_by(guest),
        kind=kind,
        title=title,
        text=text,
        value=value,
        status=Feedback.Status.PENDING,
    )
    verb = {
        Feedback.Kind.CORRECT: CORRECTED,
        Feedback.Kind.RANK: RANKED,
        Feedback.Kind.IRRELEVANT: IRRELEVANT,
    }.get(kind, SUGGESTED)
    subject = str(item.record) if item is not None else title
    record_guest_event(
        guest, verb, subject, ip_address, on=item.record if item is not None else feedback
    )
    record_account_change(guest.space.customer_id)
    return feedback


@transaction.atomic
def tick_step(
    step: PlanStep, *, guest: Guest, done: bool, ip_address: str | None = None
) -> PlanStep:
    """A guest marks a step done (or open again)."""
    if step.status == PlanStep.Status.CANCELLED:
        raise NotAllowed("This step was cancelled.")
    status = PlanStep.Status.DONE if done else PlanStep.Status.OPEN
    PlanStep.objects.filter(pk=step.pk).update(
        status=status,
        completed_at=timezone.now() if done else None,
        version=F("version") + 1,
    )
    step.refresh_from_db()
    record_guest_event(guest, TICKED if done else REOPENED, step.title, ip_address, on=step)
    record_account_change(guest.space.customer_id)
    return step


@transaction.atomic
def propose_step_date(
    step: PlanStep, *, guest: Guest, due_on: dt.date, ip_address: str | None = None
) -> PlanStep:
    """A guest proposes a new due date; the lead takes it or not."""
    PlanStep.objects.filter(pk=step.pk).update(
        proposed_due_on=due_on, proposed_by=guest, version=F("version") + 1
    )
    step.refresh_from_db()
    record_guest_event(guest, PROPOSED_DATE, step.title, ip_address, on=step)
    record_account_change(guest.space.customer_id)
    return step
