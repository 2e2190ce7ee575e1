"""The only way views load a proposal, contribution or comment: with the user's access to its
account, or a 404 for anyone who may not see it (customers/access.py does the same for
customer records)."""

from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.visibility import AccountAccess, access_from_annotations, annotate_access
from customers.access import get_access
from solutions import queries
from solutions.models import Comment, Contribution, Proposal


def get_proposal_for_user(user: User, pk: object) -> tuple[Proposal, AccountAccess]:
    """The proposal with what its page shows, and the user's access to its account."""
    # The customer and the user's access to it come with the proposal (one query, not two).
    proposals = annotate_access(
        queries.proposal_page(user).select_related("customer__lead"), user, "customer"
    )
    proposal = get_object_or_404(proposals, pk=pk)
    return proposal, access_from_annotations(proposal, user)


def get_contribution_for_user(user: User, pk: object) -> tuple[Contribution, AccountAccess]:
    """A contribution to a live proposal, and the user's access to its account."""
    contribution = get_object_or_404(
        queries.contribution_page(user).filter(proposal__deleted_at__isnull=True), pk=pk
    )
    return contribution, get_access(user, contribution.proposal.customer_id)


def get_comment_for_user(user: User, pk: object) -> tuple[Comment, AccountAccess]:
    """The comment and the user's access to its account (only its author changes it)."""
    comment = get_object_or_404(
        Comment.objects.visible_to(user)
        .filter(proposal__deleted_at__isnull=True)
        .select_related("proposal", "contribution__proposal__customer"),
        pk=pk,
    )
    return comment, get_access(user, comment.customer_id)
