"""The comment thread under a proposal or a contribution, as the pages show it."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from accounts.visibility import AccountAccess
from solutions import queries, services
from solutions.forms import CommentForm
from solutions.models import Contribution, Proposal


def thread_context(
    request: HttpRequest,
    *,
    proposal: Proposal,
    access: AccountAccess,
    contribution: Contribution | None = None,
    form: CommentForm | None = None,
    thread_error: str = "",
    edit_errors: dict[int, tuple[str, str]] | None = None,
    unknown_mentions: list[str] | None = None,
) -> dict[str, Any]:
    thread = queries.comment_thread(
        proposal.pk, contribution_id=contribution.pk if contribution else None
    )
    for comment in thread:
        for item in (comment, *comment.thread_replies):
            item.is_mine = access.can_edit_own(item.author_id)
            item.edit_text = item.body
            if edit_errors and item.pk in edit_errors:
                item.edit_error, item.edit_text = edit_errors[item.pk]
    if contribution is not None:
        post_url = reverse("solutions:add-contribution-comment", args=[contribution.pk])
        thread_id = f"contribution-{contribution.pk}"
    else:
        post_url = reverse("solutions:add-comment", args=[proposal.pk])
        thread_id = f"proposal-{proposal.pk}"
    return {
        "thread": thread,
        "thread_id": thread_id,
        "post_url": post_url,
        "can_comment": access.can_contribute,
        "comment_form": form or CommentForm(),
        "thread_error": thread_error,
        "unknown_mentions": unknown_mentions or [],
        "mention_url": reverse("customers:mentionable", args=[proposal.customer_id]),
        "follow_url": reverse("solutions:follow-proposal", args=[proposal.pk]),
        "is_following": services.is_following(proposal, request.user),
    }
