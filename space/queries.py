"""Reads of the shared space: the lead's page, the guest's page and the timeline's entries.

The guest page reads only the fields listed here (titles, priority, severity, dates, the
summary written for the customer): internal descriptions, notes, comments, health and plans
are never loaded for a guest, so no template can show them by mistake.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Case, CharField, F, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from core.history import history_model
from customers.models import Customer
from solutions.models import Proposal
from space.models import (
    Feedback,
    Guest,
    Message,
    Milestone,
    PlanStep,
    SharedItem,
    SharedProposal,
    SharedSpace,
    SpaceEvent,
)

GUEST_GOAL_FIELDS = ("goal__title", "goal__priority", "goal__target_on", "goal__metric")
GUEST_PROBLEM_FIELDS = ("problem__title", "problem__severity")
# The plan's steps a page shows at once (the PDF holds them all): a page costs the same
# however long the plan grows.
STEPS_PER_PAGE = 20


def _comments() -> Prefetch:
    return Prefetch(
        "comments",
        queryset=Message.objects.filter(deleted_at__isnull=True).select_related(
            "author_user", "author_guest__stakeholder"
        ),
    )


def _steps(*, guest: bool) -> QuerySet[PlanStep]:
    steps = PlanStep.objects.select_related(
        "owner_user", "owner_stakeholder", "milestone"
    ).prefetch_related(_comments())
    if guest:
        return steps.only(
            *(f.name for f in PlanStep._meta.concrete_fields if f.name not in ("goal", "proposal")),
            "owner_user__first_name",
            "owner_user__last_name",
            "owner_user__username",
            "owner_stakeholder__name",
            "milestone__title",
            "milestone__due_on",
            "milestone__deleted_at",
        )
    return steps.select_related("goal", "proposal")


@dataclass
class SpacePage:
    space: SharedSpace
    goals: list[SharedItem]
    problems: list[SharedItem]
    milestones: list[Milestone]
    steps: list[PlanStep]
    proposals: list[SharedProposal]
    messages: list[Message]
    guests: list[Guest] = field(default_factory=list)
    pending: list[Feedback] = field(default_factory=list)
    events: list[SpaceEvent] = field(default_factory=list)
    mine: list[Feedback] = field(default_factory=list)
    # The page of the plan shown (None: every step), and whether later steps follow.
    step_page: int | None = None
    more_steps: bool = False

    @property
    def step_query(self) -> str:
        """What a step's form adds to its action to come back to this page of the plan."""
        return f"?steps={self.step_page}" if self.step_page and self.step_page > 1 else ""


def _items(space: SharedSpace, *, guest: bool) -> tuple[list[SharedItem], list[SharedItem]]:
    items = SharedItem.objects.filter(space=space).select_related(
        "goal", "problem", "confirmed_by__stakeholder"
    )
    if guest:
        items = items.only(
            "space_id",
            "goal_id",
            "problem_id",
            "confirmed_at",
            "no_longer_relevant_at",
            "confirmed_by__stakeholder__name",
            *GUEST_GOAL_FIELDS,
            *GUEST_PROBLEM_FIELDS,
        )
    rows = list(items)
    return [i for i in rows if i.goal_id], [i for i in rows if i.problem_id]


def _plan(steps: QuerySet[PlanStep], number: int | None) -> tuple[list[PlanStep], bool]:
    """Page `number` of the steps (every step for None), and whether more follow; one read
    (a row past the page tells whether there are more)."""
    if number is None:
        return list(steps), False
    start = (number - 1) * STEPS_PER_PAGE
    rows = list(steps[start : start + STEPS_PER_PAGE + 1])
    return rows[:STEPS_PER_PAGE], len(rows) > STEPS_PER_PAGE


def shared_record_ids(space: SharedSpace) -> dict[str, list[int]]:
    """The ids of the goals and problems the space shares (the sharing form's ticks)."""
    rows = SharedItem.objects.filter(space=space).values_list("goal_id", "problem_id")
    return {
        "goals": [goal for goal, _problem in rows if goal],
        "problems": [problem for _goal, problem in rows if problem],
    }


def _proposals(space: SharedSpace) -> list[SharedProposal]:
    return list(
        SharedProposal.objects.filter(space=space)
        .select_related("proposal")
        .only("space_id", "summary", "attachment_name", "shared_at", "proposal__title")
    )


def _messages(space: SharedSpace) -> list[Message]:
    return list(
        Message.objects.filter(space=space, step__isnull=True, deleted_at__isnull=True)
        .select_related("author_user", "author_guest__stakeholder")
        .order_by("created_at", "pk")
    )


def lead_page(space: SharedSpace, *, step_page: int = 1) -> SpacePage:
    """Everything the lead's page shows, with one page of the plan, in a fixed number of
    queries."""
    goals, problems = _items(space, guest=False)
    steps, more_steps = _plan(_steps(guest=False).filter(space=space), step_page)
    page = SpacePage(
        space=space,
        goals=goals,
        problems=problems,
        milestones=list(Milestone.objects.filter(space=space)),
        steps=steps,
        step_page=step_page,
        more_steps=more_steps,
        proposals=_proposals(space),
        messages=_messages(space),
        guests=list(Guest.objects.filter(space=space).select_related("stakeholder", "invited_by")),
        pending=list(
            Feedback.objects.filter(space=space, status=Feedback.Status.PENDING).select_related(
                "item__goal", "item__problem"
            )
        ),
        events=list(SpaceEvent.objects.filter(space=space)[:20]),
    )
    return _annotated(page)


def guest_page(
    space: SharedSpace, guest: Guest | None, *, step_page: int | None = None
) -> SpacePage:
    """What a guest sees, in a fixed number of queries (tests/space pins it): one page of the
    plan, or every step for None (the PDF)."""
    goals, problems = _items(space, guest=True)
    steps, more_steps = _plan(_steps(guest=True).filter(space=space), step_page)
    page = SpacePage(
        space=space,
        goals=goals,
        problems=problems,
        milestones=list(Milestone.objects.filter(space=space)),
        steps=steps,
        step_page=step_page,
        more_steps=more_steps,
        proposals=_proposals(space),
        messages=_messages(space),
        mine=[]
        if guest is None
        else list(
            Feedback.objects.filter(space=space, guest=guest)
            .exclude(kind=Feedback.Kind.CONFIRM)
            .only("kind", "title", "text", "value", "status", "created_at", "item_id")
        ),
    )
    return _annotated(page)


def _annotated(page: SpacePage) -> SpacePage:
    """Facts the templates show without computing: overdue steps, the problems a shared
    proposal solves (only those shared too)."""
    today = timezone.localdate()
    for step in page.steps:
        step.overdue = step.is_overdue_on(today)  # type: ignore[attr-defined]
        if step.milestone_id and step.milestone.is_deleted:  # type: ignore[union-attr]
            # Its milestone is in the trash: the step reads as one without a milestone.
            step.milestone = None
    titles = proposal_problem_titles(page.space)
    for shared in page.proposals:
        shared.solves = titles.get(shared.proposal_id, [])  # type: ignore[attr-defined]
    return page


def proposal_problem_titles(space: SharedSpace) -> dict[int, list[str]]:
    """For each shared proposal, the titles of the problems it solves that are shared too."""
    through = Proposal.problems.through
    shared_problems = SharedItem.objects.filter(space=space, problem__isnull=False).values(
        "problem_id"
    )
    rows = (
        through.objects.filter(
            proposal_id__in=SharedProposal.objects.filter(space=space).values("proposal_id"),
            problem_id__in=shared_problems,
        )
        .order_by("problem__title")
        .values_list("proposal_id", "problem__title")
    )
    titles: dict[int, list[str]] = {}
    for proposal_id, title in rows:
        titles.setdefault(proposal_id, []).append(title)
    return titles


# A soft delete or restore is a history save with a reason (core.softdelete).
TRASH_CHANGES = Q(history_change_reason__startswith="Deleted") | Q(
    history_change_reason__startswith="Restored"
)


def change_source(customer: Customer, row: Callable[..., QuerySet]) -> list[QuerySet]:
    """The deletes and restores of the mutual action plan's steps and milestones, as record
    changes for dialogue's timeline ("Sara deleted a shared plan step")."""
    action = Case(
        When(history_change_reason__startswith="Deleted", then=Value("deleted")),
        default=Value("restored"),
        output_field=CharField(),
    )
    return [
        row(
            history_model(model).objects.filter(TRASH_CHANGES, space__customer_id=customer.pk),
            kind="change",
            at="history_date",
            label=F("title"),
            detail=action,
            extra=model._meta.label,
            actor="history_user",
        )
        for model in (PlanStep, Milestone)
    ]


def timeline_source(customer: Customer, row: Callable[..., QuerySet]) -> QuerySet:
    """The customer's own actions in the shared space, for dialogue's timeline."""
    return row(
        SpaceEvent.objects.filter(customer=customer).exclude(
            action__in=("signed in to the shared space", "signed out of the shared space")
        ),
        kind="customer",
        at="at",
        label=F("subject"),
        detail=F("action"),
        extra=F("actor"),
        actor=None,
    )
