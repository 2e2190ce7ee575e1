"""Reads of proposals, contributions and comments used by pages and the API."""

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from accounts.models import User
from accounts.visibility import visible_customers_q
from customers.models import Customer, Goal, Problem
from solutions.models import Comment, Contribution, Proposal, ProposalTransition


def _count(queryset: QuerySet) -> Coalesce:
    counted = queryset.order_by().values("proposal").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def live_proposals() -> QuerySet[Proposal]:
    return Proposal.objects.filter(deleted_at__isnull=True)


def board_proposals(customer: Customer) -> QuerySet[Proposal]:
    """The customer's proposals with their owner and the counts the board shows."""
    return (
        live_proposals()
        .filter(customer=customer)
        .select_related("owner")
        .annotate(
            problem_count=Count(
                "problems", filter=Q(problems__deleted_at__isnull=True), distinct=True
            ),
            contribution_count=_count(Contribution.objects.filter(proposal=OuterRef("pk"))),
            open_request_count=_count(
                Contribution.objects.filter(
                    proposal=OuterRef("pk"),
                    status__in=[Contribution.Status.REQUESTED, Contribution.Status.IN_PROGRESS],
                )
            ),
            comment_count=_count(
                Comment.objects.filter(proposal=OuterRef("pk"), deleted_at__isnull=True)
            ),
        )
        .order_by("-status_changed_at", "-pk")
    )


def severe_problem_coverage(customer: Customer) -> QuerySet[Problem]:
    """The customer's severe open problems, each with the live proposals that address it
    (`active_proposals`; empty when none does)."""
    active = (
        live_proposals()
        .exclude(status__in=[Proposal.Status.REJECTED, Proposal.Status.WITHDRAWN])
        .order_by("title")
    )
    return (
        Problem.objects.filter(
            customer=customer,
            severity__in=Problem.SEVERE,
            status__in=Problem.OPEN_STATUSES,
        )
        .prefetch_related(Prefetch("proposals", queryset=active, to_attr="active_proposals"))
        .order_by("severity", "title")  # "critical" sorts before "high"
    )


def proposal_page(user: User) -> QuerySet[Proposal]:
    """Proposals `user` may see, with everything the proposal page shows prefetched."""
    return (
        live_proposals()
        .visible_to(user)
        .select_related("owner", "created_by")
        .prefetch_related(
            Prefetch(
                "problems",
                queryset=Problem.objects.prefetch_related(
                    Prefetch("blocks_goals", queryset=Goal.objects.order_by("priority", "title"))
                ).order_by("title"),
            ),
            "options",
            Prefetch(
                "contributions",
                queryset=Contribution.objects.select_related(
                    "specialist", "partner", "area", "requested_by"
                ).order_by("requested_at", "pk"),
            ),
            Prefetch(
                "transitions",
                queryset=ProposalTransition.objects.select_related("by").order_by("-at", "-pk"),
            ),
        )
    )


def contribution_page(user: User) -> QuerySet[Contribution]:
    """Contributions `user` may see, with their proposal, customer and people."""
    return Contribution.objects.visible_to(user).select_related(
        "proposal__customer", "proposal__owner", "specialist", "partner", "area", "requested_by"
    )


def comment_thread(proposal_id: int, *, contribution_id: int | None = None) -> list[Comment]:
    """Top-level comments, oldest first, each with its `thread_replies` (one query).

    Replies are one level deep (services.add_comment), so the whole thread is one ordered read.
    """
    comments = list(
        Comment.objects.filter(proposal_id=proposal_id, contribution_id=contribution_id)
        .select_related("author")
        .order_by("created_at", "pk")
    )
    top = [comment for comment in comments if comment.parent_id is None]
    replies: dict[int, list[Comment]] = {comment.pk: [] for comment in top}
    for comment in comments:
        if comment.parent_id in replies:
            replies[comment.parent_id].append(comment)
    for comment in top:
        comment.thread_replies = replies[comment.pk]  # type: ignore[attr-defined]
    return top


def requests_for(user: User) -> QuerySet[Contribution]:
    """Open requests to `user` on the accounts they can still see, oldest first."""
    return (
        Contribution.objects.visible_to(user)
        .filter(
            specialist=user,
            status__in=[Contribution.Status.REQUESTED, Contribution.Status.IN_PROGRESS],
            proposal__deleted_at__isnull=True,
        )
        .select_related("proposal__customer", "requested_by", "area")
        .order_by("requested_at", "pk")
    )


def can_see(user: User, customer_id: int) -> bool:
    condition = visible_customers_q(user)
    queryset = Customer.objects.filter(pk=customer_id)
    return (queryset if condition is None else queryset.filter(condition)).exists()
