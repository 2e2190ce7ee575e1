"""Posting, editing and deleting comments in a proposal's or contribution's thread."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.mentions import split_mentions
from accounts.visibility import AccountAccess
from core.versioning import StaleVersion
from customers.access import get_access, require
from solutions import queries, services
from solutions.access import get_comment_for_user, get_contribution_for_user, get_proposal_for_user
from solutions.forms import CommentEditForm, CommentForm
from solutions.models import Comment, Contribution, Proposal
from solutions.views.contributions import contribution_context
from solutions.views.proposals import proposal_context
from solutions.views.threads import thread_context


def _thread_response(
    request: HttpRequest,
    *,
    proposal: Proposal,
    access: AccountAccess,
    contribution: Contribution | None,
    anchor: int | None = None,
    **thread: Any,
) -> HttpResponse:
    if request.htmx:
        context = thread_context(
            request, proposal=proposal, access=access, contribution=contribution, **thread
        )
        return render(request, "solutions/_comments.html", context)
    if (
        thread.get("form") is None
        and not thread.get("thread_error")
        and not thread.get("edit_errors")
    ):
        target = (
            reverse("solutions:contribution", args=[contribution.pk])
            if contribution
            else reverse("solutions:proposal", args=[proposal.pk])
        )
        return redirect(f"{target}#comment-{anchor}" if anchor else target)
    if contribution is not None:
        return render(
            request,
            "solutions/contribution_detail.html",
            contribution_context(request, contribution, access, **thread),
        )
    full, access = get_proposal_for_user(request.user, proposal.pk)
    return render(
        request,
        "solutions/proposal_detail.html",
        proposal_context(request, full, access, **thread),
    )


def _post_comment(
    request: HttpRequest,
    *,
    proposal: Proposal,
    access: AccountAccess,
    contribution: Contribution | None,
) -> HttpResponse:
    require(access.can_contribute)
    form = CommentForm(request.POST)
    parent = None
    if form.is_valid() and form.cleaned_data["parent"]:
        parent = (
            Comment.objects.filter(
                pk=form.cleaned_data["parent"],
                proposal=proposal,
                contribution=contribution,
            )
            .select_related("parent")
            .first()
        )
        if parent is None:
            form.add_error("body", "The comment you reply to is not in this thread.")
    if not form.is_valid():
        return _thread_response(
            request, proposal=proposal, access=access, contribution=contribution, form=form
        )
    comment = services.post_comment(
        proposal,
        author=request.user,
        body=form.cleaned_data["body"],
        contribution=contribution,
        parent=parent,
    )
    thread = {"contribution": contribution, "anchor": comment.pk}
    thread |= _unknown_mentions(request, comment)
    return _thread_response(request, proposal=proposal, access=access, **thread)


def _unknown_mentions(request: HttpRequest, comment: Comment) -> dict[str, list[str]]:
    """Names the comment mentions that match nobody on the account: shown in the thread
    (htmx) or as a message on the page the post redirects to."""
    _found, unknown = split_mentions(comment.customer_id, comment.body)
    if not unknown or request.htmx:
        return {"unknown_mentions": unknown}
    names = ", ".join(f"@{name}" for name in unknown)
    messages.warning(
        request,
        _("Posted, but %(names)s matched nobody on this account: nobody was notified.")
        % {"names": names},
    )
    return {}


@login_required
@require_POST
def follow_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow or unfollow new comments on a proposal (any reader of the account may)."""
    proposal, access = get_proposal_for_user(request.user, pk)
    following = request.POST.get("following") == "1"
    services.follow_proposal(proposal, user=request.user, following=following)
    if not request.htmx:
        messages.success(
            request,
            _("You follow this discussion.")
            if following
            else _("You no longer hear about new comments here."),
        )
    return _thread_response(request, proposal=proposal, access=access, contribution=None)


@login_required
@require_POST
def add_comment(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(queries.live_proposals().visible_to(request.user), pk=pk)
    access = get_access(request.user, proposal.customer_id)
    return _post_comment(request, proposal=proposal, access=access, contribution=None)


@login_required
@require_POST
def add_contribution_comment(request: HttpRequest, pk: int) -> HttpResponse:
    contribution, access = get_contribution_for_user(request.user, pk)
    return _post_comment(
        request, proposal=contribution.proposal, access=access, contribution=contribution
    )


@login_required
@require_POST
def edit_comment(request: HttpRequest, pk: int) -> HttpResponse:
    comment, access = get_comment_for_user(request.user, pk)
    require(access.can_edit_own(comment.author_id))
    form = CommentEditForm(request.POST)
    edit_errors: dict[int, tuple[str, str]] = {}
    if not form.is_valid():
        message = "; ".join(error for errors in form.errors.values() for error in errors)
        edit_errors[comment.pk] = (message, request.POST.get("body", "")[:20000])
    else:
        try:
            services.edit_comment(
                comment,
                by=request.user,
                body=form.cleaned_data["body"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleVersion:
            edit_errors[comment.pk] = (
                "Someone changed this comment meanwhile; your text is kept below. "
                "The current version is shown above.",
                form.cleaned_data["body"],
            )
        except ValueError as exc:
            edit_errors[comment.pk] = (str(exc), form.cleaned_data["body"])
    return _thread_response(
        request,
        proposal=comment.proposal,
        access=access,
        contribution=comment.contribution,
        anchor=comment.pk,
        edit_errors=edit_errors or None,
    )


@login_required
@require_POST
def delete_comment(request: HttpRequest, pk: int) -> HttpResponse:
    comment, access = get_comment_for_user(request.user, pk)
    require(access.can_edit_own(comment.author_id))
    services.delete_comment(comment, by=request.user)
    return _thread_response(
        request,
        proposal=comment.proposal,
        access=access,
        contribution=comment.contribution,
        anchor=comment.pk,
    )
