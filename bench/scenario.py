"""The records issue 24's newer pages need, made on first use for the typical and the hot
customer: a planned meeting with its prep brief, a shared space with shared goals and problems,
milestones, steps, messages and guests, and a few bursts of record changes for the timeline to
fold.

Made by the runner before it measures (like `ensure_admin`), so a dataset loaded before these
pages existed is measured without reloading it. Written with the ORM directly (no services):
nothing here marks a summary stale or queues a job. The hot customer gets five times the
typical one's records, as it has more of everything else.
"""

import datetime as dt
import itertools
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from customers.models import Customer, Goal, Problem, Stakeholder
from dialogue.models import PlannedMeeting
from insights.prep import build_prep_brief
from solutions.models import Proposal
from space.models import (
    Guest,
    Message,
    Milestone,
    PlanStep,
    SharedItem,
    SharedProposal,
    SharedSpace,
)

PLANNED_TITLE = "Bench: quarterly review"
# A brief is of a meeting still to come: the planned one is moved on when this close.
PLANNED_MIN_LEAD = dt.timedelta(days=1)
PLANNED_LEAD = dt.timedelta(days=3)


@dataclass
class Scenario:
    """What the probes of one customer ask for."""

    planned_meeting: int
    guest: int
    step: int


def ensure(customer_id: int, *, hot: bool) -> Scenario:
    """The customer's scenario records, made when missing; idempotent."""
    size = 5 if hot else 1
    customer = Customer.objects.select_related("lead").get(pk=customer_id)
    with transaction.atomic():
        planned = _planned_meeting(customer, size)
        space, guest = _space(customer, size)
        step = PlanStep.objects.filter(space=space).order_by("pk").first()
    assert step is not None
    return Scenario(planned_meeting=planned, guest=guest.pk, step=step.pk)


def _planned_meeting(customer: Customer, size: int) -> int:
    now = timezone.now()
    planned = PlannedMeeting.objects.filter(
        customer=customer, title=PLANNED_TITLE, status=PlannedMeeting.Status.PLANNED
    ).first()
    if planned is None:
        planned = PlannedMeeting.objects.create(
            customer=customer,
            owner=customer.lead,
            starts_at=now + PLANNED_LEAD,
            title=PLANNED_TITLE,
            location="Customer site",
            agenda="Review the open problems and agree the next steps.",
        )
        planned.stakeholders.add(*_first(Stakeholder, customer, 4 * size))
        planned.internal_attendees.add(customer.lead)
        planned.goals.add(*_first(Goal, customer, 2 * size))
        planned.problems.add(*_first(Problem, customer, 3 * size))
        _record_change_bursts(customer, size)
    elif planned.starts_at < now + PLANNED_MIN_LEAD:
        PlannedMeeting.objects.filter(pk=planned.pk).update(starts_at=now + PLANNED_LEAD)
    else:
        return planned.pk
    build_prep_brief(planned.pk, now=now)
    return planned.pk


def _space(customer: Customer, size: int) -> tuple[SharedSpace, Guest]:
    space, created = SharedSpace.objects.get_or_create(
        customer=customer,
        defaults={
            "created_by": customer.lead,
            "introduction": "Our shared plan for the next quarter.",
        },
    )
    if not created:
        guest = Guest.objects.filter(space=space, revoked_at__isnull=True).order_by("pk").first()
        if guest is not None:
            # A guest unseen for SPACE_GUEST_EXPIRY_DAYS has expired: seen again, now.
            Guest.objects.filter(pk=guest.pk).update(last_seen_at=timezone.now())
            return space, guest
    stakeholders = list(
        Stakeholder.objects.filter(customer=customer).exclude(email="").order_by("pk")[: 3 * size]
    )
    goals = list(_first(Goal, customer, 4 * size))
    problems = list(_first(Problem, customer, 4 * size))
    SharedItem.objects.bulk_create(
        [SharedItem(space=space, goal=goal) for goal in goals]
        + [SharedItem(space=space, problem=problem) for problem in problems]
    )
    SharedProposal.objects.bulk_create(
        SharedProposal(space=space, proposal=proposal, summary=f"What {proposal} changes for you.")
        for proposal in _first(Proposal, customer, size)
    )
    milestones = Milestone.objects.bulk_create(
        Milestone(space=space, title=f"Phase {i + 1}", due_on=timezone.localdate() + _weeks(4 * i))
        for i in range(3 * size)
    )
    owners = itertools.cycle([("user", customer.lead), *(("guest", s) for s in stakeholders)])
    steps = []
    for i in range(10 * size):
        side, owner = next(owners)
        steps.append(
            PlanStep(
                space=space,
                milestone=milestones[i % len(milestones)],
                title=f"Step {i + 1} of the plan",
                owner_user=owner if side == "user" else None,
                owner_stakeholder=owner if side == "guest" else None,
                due_on=timezone.localdate() + _weeks(i - 2),
                goal=goals[i % len(goals)] if goals else None,
            )
        )
    steps = PlanStep.objects.bulk_create(steps)
    guests = Guest.objects.bulk_create(
        Guest(space=space, stakeholder=s, email=s.email, invited_by=customer.lead, link_nonce="-")
        for s in stakeholders
    )
    Message.objects.bulk_create(
        Message(
            space=space,
            step=steps[i % len(steps)] if i % 2 else None,
            author_user=customer.lead if i % 3 else None,
            author_guest=None if i % 3 else guests[i % len(guests)],
            body=f"Message {i + 1} about the plan.",
        )
        for i in range(5 * size)
    )
    return space, guests[0]


def _record_change_bursts(customer: Customer, size: int) -> None:
    """Edits to stakeholders in bursts (several records by one person within minutes), as the
    history tables hold them: the timeline folds each burst into one line. The dataset's
    history tables are otherwise empty."""
    stakeholders = list(_first(Stakeholder, customer, 6 * size))
    lead = customer.lead
    # Newer than the dataset's own records, so the timeline's first page shows the bursts;
    # further apart than dialogue.timeline.BURST_GAP, so each folds on its own.
    start = timezone.now() - dt.timedelta(minutes=10)
    for burst, chunk in enumerate(itertools.batched(stakeholders, 3)):
        at = start - dt.timedelta(minutes=35 * burst)
        for stakeholder in chunk:
            Stakeholder.history.bulk_history_create(
                [stakeholder], update=True, default_user=lead, default_date=at
            )
            at += dt.timedelta(minutes=2)


def _first[M: Goal | Problem | Stakeholder | Proposal](
    model: type[M], customer: Customer, n: int
) -> QuerySet[M]:
    return model.objects.filter(customer=customer).order_by("pk")[:n]


def _weeks(n: int) -> dt.timedelta:
    return dt.timedelta(weeks=n)
