"""The lead's writes to the shared space: curation, the plan, messages, decisions on what
guests suggested. Guests' sign-in is in space.guests, their answers in space.answers.

Every write records the account change (the summary and health follow)."""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from core.validators import single_line
from core.versioning import save_versioned
from customers.changes import record_account_change
from customers.models import Customer, Goal, Problem, Stakeholder
from solutions.models import Proposal
from space.events import COMMENTED, POSTED, record_guest_event
from space.models import (
    Feedback,
    Guest,
    Message,
    Milestone,
    PlanStep,
    SharedItem,
    SharedProposal,
    SharedSpace,
)


class NotAllowed(Exception):
    """A guest action the space's state does not allow (a closed step, a decided feedback)."""


# --- The lead's curation -------------------------------------------------------------------


@transaction.atomic
def open_space(customer: Customer, *, by: User) -> SharedSpace:
    """The account's shared space, created on first use."""
    space, created = SharedSpace.objects.get_or_create(
        customer=customer, defaults={"created_by": by}
    )
    if created:
        record_account_change(customer.pk)
    return space


@transaction.atomic
def update_introduction(space: SharedSpace, *, introduction: str) -> SharedSpace:
    space.introduction = introduction
    space.version = F("version") + 1
    space.save(update_fields=["introduction", "version"])
    space.refresh_from_db(fields=["version"])
    record_account_change(space.customer_id)
    return space


@transaction.atomic
def set_shared_records(space: SharedSpace, *, goals: list[Goal], problems: list[Problem]) -> None:
    """Share exactly these goals and problems of the account (what guests said stays with the
    ones still shared)."""
    for records, field in ((goals, "goal"), (problems, "problem")):
        ids = {record.pk for record in records if record.customer_id == space.customer_id}
        shared = set(
            SharedItem.objects.filter(space=space, **{f"{field}__isnull": False}).values_list(
                f"{field}_id", flat=True
            )
        )
        SharedItem.objects.filter(space=space, **{f"{field}_id__in": shared - ids}).delete()
        SharedItem.objects.bulk_create(
            [SharedItem(space=space, **{f"{field}_id": pk}) for pk in sorted(ids - shared)]
        )
    record_account_change(space.customer_id)


@transaction.atomic
def add_milestone(space: SharedSpace, *, title: str, due_on: dt.date | None) -> Milestone:
    milestone = Milestone.objects.create(space=space, title=title, due_on=due_on)
    record_account_change(space.customer_id)
    return milestone


@transaction.atomic
def delete_milestone(milestone: Milestone, *, by: User) -> None:
    """Move a milestone to the account's trash; its steps stay, shown without it."""
    if milestone.soft_delete(by=by):
        record_account_change(milestone.space.customer_id)


@transaction.atomic
def delete_step(step: PlanStep, *, by: User) -> None:
    """Move a step of the mutual action plan to the account's trash (with its comments);
    guests no longer see it, and the lead or a manager can restore it for 30 days."""
    if step.soft_delete(by=by):
        record_account_change(step.space.customer_id)


@transaction.atomic
def add_step(
    space: SharedSpace,
    *,
    title: str,
    owner_user: User | None = None,
    owner_stakeholder: Stakeholder | None = None,
    due_on: dt.date | None = None,
    milestone: Milestone | None = None,
    goal: Goal | None = None,
    proposal: Proposal | None = None,
) -> PlanStep:
    """A step of the mutual action plan, owned by one person on either side."""
    step = PlanStep.objects.create(
        space=space,
        title=title,
        owner_user=owner_user,
        owner_stakeholder=owner_stakeholder,
        due_on=due_on,
        milestone=milestone,
        goal=goal,
        proposal=proposal,
    )
    record_account_change(space.customer_id)
    return step


@transaction.atomic
def set_step_status(step: PlanStep, *, status: str) -> PlanStep:
    """Mark a step open, done or cancelled (by the lead)."""
    step.status = status
    step.completed_at = timezone.now() if status == PlanStep.Status.DONE else None
    step.version = F("version") + 1
    step.save(update_fields=["status", "completed_at", "version"])
    step.refresh_from_db(fields=["version"])
    record_account_change(step.space.customer_id)
    return step


@transaction.atomic
def update_step(step: PlanStep, *, expected_version: int, changes: dict) -> PlanStep:
    """Edit a step (StaleVersion if it changed meanwhile); done sets when, reopening clears it."""
    changes = dict(changes)
    if "status" in changes and changes["status"] != step.status:
        done = changes["status"] == PlanStep.Status.DONE
        changes["completed_at"] = timezone.now() if done else None
    save_versioned(step, expected_version=expected_version, changes=changes)
    record_account_change(step.space.customer_id)
    return step


@transaction.atomic
def accept_proposed_date(step: PlanStep) -> PlanStep:
    """Take the date a guest proposed for the step."""
    if step.proposed_due_on is None:
        raise NotAllowed("No date was proposed.")
    PlanStep.objects.filter(pk=step.pk).update(
        due_on=step.proposed_due_on, proposed_due_on=None, version=F("version") + 1
    )
    step.refresh_from_db()
    record_account_change(step.space.customer_id)
    return step


@transaction.atomic
def share_proposal(
    space: SharedSpace,
    *,
    proposal: Proposal,
    summary: str,
    attachment: bytes | None = None,
    attachment_name: str = "",
) -> SharedProposal:
    """Share one proposal with a summary written for the customer (and a PDF, if given)."""
    shared, _ = SharedProposal.objects.update_or_create(
        space=space, proposal=proposal, defaults={"summary": summary}
    )
    if attachment is not None:
        shared.attachment = attachment
        shared.attachment_name = attachment_name
        shared.save(update_fields=["attachment", "attachment_name"])
    record_account_change(space.customer_id)
    return shared


@transaction.atomic
def unshare_proposal(shared: SharedProposal) -> None:
    customer_id = shared.space.customer_id
    shared.delete()
    record_account_change(customer_id)


@transaction.atomic
def post_message(
    space: SharedSpace,
    *,
    body: str,
    user: User | None = None,
    guest: Guest | None = None,
    step: PlanStep | None = None,
    ip_address: str | None = None,
) -> Message:
    """A post in the space's discussion (or on one step), by a user or a guest."""
    message = Message.objects.create(
        space=space, body=body, author_user=user, author_guest=guest, step=step
    )
    if guest is not None:
        if step is not None:
            record_guest_event(guest, COMMENTED, step.title, ip_address, on=step)
        else:
            record_guest_event(
                guest, POSTED, single_line(body, max_length=120), ip_address, on=message
            )
    record_account_change(space.customer_id)
    return message


@transaction.atomic
def decide_feedback(feedback: Feedback, *, accept: bool, by: User) -> Feedback:
    """The lead accepts (the record changes, saying who suggested it) or declines."""
    won = Feedback.objects.filter(pk=feedback.pk, status=Feedback.Status.PENDING).update(
        status=Feedback.Status.ACCEPTED if accept else Feedback.Status.DECLINED,
        decided_by=by,
        decided_at=timezone.now(),
    )
    if not won:
        raise NotAllowed("This suggestion was already decided.")
    if accept:
        _apply(feedback, by=by)
    feedback.refresh_from_db()
    record_account_change(feedback.space.customer_id)
    return feedback


def _apply(feedback: Feedback, *, by: User) -> None:
    source = gettext("Suggested by %(who)s in the shared space") % {"who": feedback.said_by}
    kind = feedback.kind
    if kind in (Feedback.Kind.NEW_GOAL, Feedback.Kind.NEW_PROBLEM):
        model = Goal if kind == Feedback.Kind.NEW_GOAL else Problem
        record = model(
            customer_id=feedback.space.customer_id,
            title=feedback.title,
            description=feedback.text,
            confirmed=True,
            source=source[:300],
        )
        record._history_user = by  # type: ignore[attr-defined]
        record.save()
        field = "goal" if model is Goal else "problem"
        item = SharedItem.objects.create(space=feedback.space, **{field: record})
        Feedback.objects.filter(pk=feedback.pk).update(item=item)
        return
    item = feedback.item
    if item is None:
        return
    record = item.record
    record.refresh_from_db()
    if kind == Feedback.Kind.CORRECT:
        if feedback.title:
            record.title = feedback.title
        record.confirmed = True
        record.source = source[:300]
    elif kind == Feedback.Kind.RANK:
        if isinstance(record, Goal) and feedback.value in {"1", "2", "3"}:
            record.priority = int(feedback.value)
        elif isinstance(record, Problem) and feedback.value in Problem.Severity.values:
            record.severity = feedback.value
    elif kind == Feedback.Kind.IRRELEVANT:
        if isinstance(record, Goal):
            record.status = Goal.Status.DROPPED
        else:
            record.status = Problem.Status.PARKED
        SharedItem.objects.filter(pk=item.pk).update(no_longer_relevant_at=timezone.now())
    record.version = record.version + 1
    record._history_user = by  # type: ignore[union-attr]
    record._change_reason = source  # type: ignore[union-attr]
    record.save()
