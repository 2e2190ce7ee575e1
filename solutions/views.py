from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from accounts.models import User
from accounts.visibility import (
    AccountAccess,
    access_from_annotations,
    annotate_access,
    can_manage_partners,
)
from core.versioning import StaleVersion, save_versioned
from customers.access import get_access, get_customer_for_user, require
from solutions import queries, services
from solutions.forms import (
    CommentEditForm,
    CommentForm,
    ContributionRequestForm,
    ContributionWriteForm,
    DeclineForm,
    PartnerForm,
    ProposalForm,
    TransitionForm,
)
from solutions.models import Comment, Contribution, Partner, Proposal

# Loading


def _load_proposal(user: User, pk: int) -> tuple[Proposal, AccountAccess]:
    """The proposal with what its page shows, and the user's access to its account."""
    # The customer and the user's access to it come with the proposal (one query, not two).
    proposals = annotate_access(
        queries.proposal_page(user).select_related("customer__lead"), user, "customer"
    )
    proposal = get_object_or_404(proposals, pk=pk)
    return proposal, access_from_annotations(proposal, user)


def _load_contribution(user: User, pk: int) -> tuple[Contribution, AccountAccess]:
    contribution = get_object_or_404(
        queries.contribution_page(user).filter(proposal__deleted_at__isnull=True), pk=pk
    )
    return contribution, get_access(user, contribution.proposal.customer_id)


# Board and proposal page


@login_required
@require_safe
def board(request: HttpRequest, pk: int) -> HttpResponse:
    """The customer's proposals in a column per status."""
    customer, access = get_customer_for_user(request.user, pk)
    proposals = list(queries.board_proposals(customer))
    columns = [
        (value, label, [p for p in proposals if p.status == value])
        for value, label in Proposal.Status.choices
    ]
    return render(
        request,
        "solutions/board.html",
        {
            "customer": customer,
            "access": access,
            "columns": columns,
            "has_proposals": bool(proposals),
            "severe_problems": queries.severe_problem_coverage(customer),
            "can_create": access.can_contribute,
            "active_tab": "proposals",
        },
    )


def _contribution_grid(contributions: list[Contribution]) -> list[dict[str, Any]]:
    """Contributions grouped by internal area, then by partner, with effort and cost totals."""
    groups: dict[tuple[int, str], list[Contribution]] = {}
    for contribution in contributions:
        if contribution.partner_id:
            key = (1, contribution.partner.name)
        else:
            key = (0, contribution.area.name if contribution.area else "No area")
        groups.setdefault(key, []).append(contribution)
    rows = []
    for (kind, name), members in sorted(groups.items()):
        counted = [c for c in members if c.status != Contribution.Status.DECLINED]
        efforts = [c.effort_days for c in counted if c.effort_days is not None]
        costs = [c.cost_estimate for c in counted if c.cost_estimate is not None]
        rows.append(
            {
                "kind": "Partner" if kind else "Area",
                "name": name,
                "contributions": members,
                "effort": sum(efforts, Decimal(0)) if efforts else None,
                "cost": sum(costs, Decimal(0)) if costs else None,
            }
        )
    return rows


EDIT_FIELDS = {
    "title": "title",
    "summary": "summary",
    "owner_id": "owner",
    "value": "value",
    "currency": "currency",
}
CHANGE_LOG_LENGTH = 20


def _change_log(proposal: Proposal) -> list[dict[str, Any]]:
    """Who changed which of the proposal's fields when, newest first (status moves are in
    the transitions)."""
    records = list(
        proposal.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : CHANGE_LOG_LENGTH + 1
        ]
    )
    entries = []
    # Each record beside the one before it; the oldest has none (a proposal may have no history
    # at all when it was loaded in bulk).
    for newer, older in zip(records, [*records[1:], None][: len(records)], strict=True):
        if older is None:
            if newer.history_type == "+":
                entries.append({"by": newer.history_user, "at": newer.history_date, "fields": []})
            continue
        fields = [
            label
            for name, label in EDIT_FIELDS.items()
            if getattr(newer, name) != getattr(older, name)
        ]
        if fields:
            entries.append({"by": newer.history_user, "at": newer.history_date, "fields": fields})
    return entries


def _thread_context(
    request: HttpRequest,
    *,
    proposal: Proposal,
    access: AccountAccess,
    contribution: Contribution | None = None,
    form: CommentForm | None = None,
    thread_error: str = "",
    edit_errors: dict[int, tuple[str, str]] | None = None,
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
    }


def _proposal_context(
    request: HttpRequest, proposal: Proposal, access: AccountAccess, **thread: Any
) -> dict[str, Any]:
    may_manage = access.can_manage_proposal(proposal.owner_id)
    contributions = list(proposal.contributions.all())
    for contribution in contributions:
        contribution.proposal = proposal
        contribution.can_answer = access.can_answer_contribution(
            contribution.specialist_id, proposal.owner_id
        )
    labels = dict(Proposal.Status.choices)
    return {
        "customer": proposal.customer,
        "access": access,
        "proposal": proposal,
        "may_manage": may_manage,
        "next_statuses": [
            (value, labels[value]) for value in services.allowed_transitions(proposal.status)
        ],
        "problems": proposal.problems.all(),
        "grid": _contribution_grid(contributions),
        "transitions": proposal.transitions.all(),
        "change_log": _change_log(proposal),
        "active_tab": "proposals",
        **_thread_context(request, proposal=proposal, access=access, **thread),
    }


@login_required
@require_safe
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A proposal: problems it solves, goals they block, contributions and the discussion."""
    proposal, access = _load_proposal(request.user, pk)
    return render(
        request, "solutions/proposal_detail.html", _proposal_context(request, proposal, access)
    )


# Proposal create, edit and move


@login_required
def add_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_contribute)
    form = ProposalForm(request.POST or None, customer=customer, initial={"owner": request.user.pk})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        proposal = services.create_proposal(customer, by=request.user, **data)
        messages.success(request, "Proposal created as a draft.")
        return redirect("solutions:proposal", proposal.pk)
    return render(
        request,
        "solutions/proposal_form.html",
        {"customer": customer, "access": access, "form": form, "active_tab": "proposals"},
    )


@login_required
def edit_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    proposal, access = _load_proposal(request.user, pk)
    customer = proposal.customer
    require(access.can_manage_proposal(proposal.owner_id))
    current = None
    if request.method == "POST":
        form = ProposalForm(request.POST, instance=proposal, customer=customer)
        if form.is_valid() and form.cleaned_data.get("version") is None:
            form.add_error(None, "The form is missing the version it was based on; reload it.")
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            problems, options = data.pop("problems"), data.pop("options")
            try:
                services.update_proposal(
                    proposal,
                    by=request.user,
                    expected_version=version,
                    changes=data,
                    problems=problems,
                    options=options,
                )
            except StaleVersion:
                current = queries.proposal_page(request.user).get(pk=proposal.pk)
            else:
                messages.success(request, "Proposal saved.")
                return redirect("solutions:proposal", proposal.pk)
    else:
        form = ProposalForm(
            instance=proposal, customer=customer, initial={"version": proposal.version}
        )
    return render(
        request,
        "solutions/proposal_form.html",
        {
            "customer": customer,
            "access": access,
            "proposal": proposal,
            "form": form,
            "current": current,
            "active_tab": "proposals",
        },
        status=409 if current else 200,
    )


@login_required
@require_POST
def transition_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    proposal, access = _load_proposal(request.user, pk)
    require(access.can_manage_proposal(proposal.owner_id))
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a valid status.")
        return redirect("solutions:proposal", proposal.pk)
    try:
        services.transition_proposal(
            proposal,
            to_status=form.cleaned_data["to"],
            by=request.user,
            note=form.cleaned_data["note"],
        )
    except (services.IllegalTransition, services.ConcurrentChange) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Proposal is now {proposal.get_status_display().lower()}.")
    return redirect("solutions:proposal", proposal.pk)


# Contributions


@login_required
def request_contribution(request: HttpRequest, pk: int) -> HttpResponse:
    proposal, access = _load_proposal(request.user, pk)
    customer = proposal.customer
    require(access.can_manage_proposal(proposal.owner_id))
    form = ContributionRequestForm(request.POST or None, customer=customer)
    if request.method == "POST" and form.is_valid():
        services.request_contribution(proposal, by=request.user, **form.cleaned_data)
        messages.success(request, "Contribution requested.")
        return redirect("solutions:proposal", proposal.pk)
    return render(
        request,
        "solutions/contribution_request.html",
        {
            "customer": customer,
            "access": access,
            "proposal": proposal,
            "form": form,
            "active_tab": "proposals",
        },
    )


def _contribution_context(
    request: HttpRequest,
    contribution: Contribution,
    access: AccountAccess,
    *,
    write_form: ContributionWriteForm | None = None,
    current: Contribution | None = None,
    **thread: Any,
) -> dict[str, Any]:
    can_answer = access.can_answer_contribution(
        contribution.specialist_id, contribution.proposal.owner_id
    )
    status = contribution.status
    return {
        "customer": contribution.proposal.customer,
        "access": access,
        "proposal": contribution.proposal,
        "contribution": contribution,
        "can_answer": can_answer,
        "can_write": can_answer
        and status in (Contribution.Status.IN_PROGRESS, Contribution.Status.DONE),
        "next_statuses": services.CONTRIBUTION_TRANSITIONS[status],
        "write_form": write_form
        or ContributionWriteForm(instance=contribution, initial={"version": contribution.version}),
        "decline_form": DeclineForm(),
        "current": current,
        "active_tab": "proposals",
        **_thread_context(
            request,
            proposal=contribution.proposal,
            access=access,
            contribution=contribution,
            **thread,
        ),
    }


@login_required
@require_safe
def contribution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contribution, access = _load_contribution(request.user, pk)
    return render(
        request,
        "solutions/contribution_detail.html",
        _contribution_context(request, contribution, access),
    )


@login_required
@require_POST
def write_contribution(request: HttpRequest, pk: int) -> HttpResponse:
    contribution, access = _load_contribution(request.user, pk)
    require(
        access.can_answer_contribution(contribution.specialist_id, contribution.proposal.owner_id)
    )
    form = ContributionWriteForm(request.POST, instance=contribution)
    current = None
    if form.is_valid():
        try:
            services.write_contribution(
                contribution,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                description=form.cleaned_data["description"],
                effort_days=form.cleaned_data["effort_days"],
                cost_estimate=form.cleaned_data["cost_estimate"],
            )
        except StaleVersion:
            current = Contribution.objects.get(pk=contribution.pk)
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Contribution saved.")
            return redirect("solutions:contribution", contribution.pk)
    return render(
        request,
        "solutions/contribution_detail.html",
        _contribution_context(request, contribution, access, write_form=form, current=current),
        status=409 if current else 200,
    )


ANSWERS = {
    "accept": lambda c, user, data: services.accept_contribution(c, by=user),
    "decline": lambda c, user, data: services.decline_contribution(
        c, by=user, reason=data.get("reason", "")
    ),
    "done": lambda c, user, data: services.complete_contribution(c, by=user),
    "reopen": lambda c, user, data: services.reopen_contribution(c, by=user),
}


@login_required
@require_POST
def answer_contribution(request: HttpRequest, pk: int, answer: str) -> HttpResponse:
    """Accept, decline (with a reason), mark done or reopen a contribution."""
    contribution, access = _load_contribution(request.user, pk)
    require(
        access.can_answer_contribution(contribution.specialist_id, contribution.proposal.owner_id)
    )
    error = ""
    if answer == "decline":
        form = DeclineForm(request.POST)
        if not form.is_valid():
            error = "Say why you decline."
    if not error:
        try:
            contribution = ANSWERS[answer](contribution, request.user, request.POST)
        except (services.IllegalTransition, services.ConcurrentChange, ValueError) as exc:
            error = str(exc)
    if request.htmx:
        contribution.error = error
        return render(
            request,
            "solutions/requests_for_me.html#request-row",
            {"item": contribution, "decline_form": DeclineForm()},
        )
    if error:
        messages.error(request, error)
    return redirect("solutions:contribution", contribution.pk)


@login_required
@require_safe
def requests_for_me(request: HttpRequest) -> HttpResponse:
    """Contributions asked of the signed-in specialist, oldest first."""
    page = Paginator(queries.requests_for(request.user), 50).get_page(request.GET.get("page"))
    return render(
        request, "solutions/requests_for_me.html", {"page": page, "decline_form": DeclineForm()}
    )


# Comments


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
        context = _thread_context(
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
            _contribution_context(request, contribution, access, **thread),
        )
    full, access = _load_proposal(request.user, proposal.pk)
    return render(
        request,
        "solutions/proposal_detail.html",
        _proposal_context(request, full, access, **thread),
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
    return _thread_response(
        request, proposal=proposal, access=access, contribution=contribution, anchor=comment.pk
    )


@login_required
@require_POST
def add_comment(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(queries.live_proposals().visible_to(request.user), pk=pk)
    access = get_access(request.user, proposal.customer_id)
    return _post_comment(request, proposal=proposal, access=access, contribution=None)


@login_required
@require_POST
def add_contribution_comment(request: HttpRequest, pk: int) -> HttpResponse:
    contribution, access = _load_contribution(request.user, pk)
    return _post_comment(
        request, proposal=contribution.proposal, access=access, contribution=contribution
    )


def _load_comment(user: User, pk: int) -> tuple[Comment, AccountAccess]:
    """The comment and the user's access to its account (only its author changes it)."""
    comment = get_object_or_404(
        Comment.objects.visible_to(user)
        .filter(proposal__deleted_at__isnull=True)
        .select_related("proposal", "contribution__proposal__customer"),
        pk=pk,
    )
    return comment, get_access(user, comment.customer_id)


@login_required
@require_POST
def edit_comment(request: HttpRequest, pk: int) -> HttpResponse:
    comment, access = _load_comment(request.user, pk)
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
    comment, access = _load_comment(request.user, pk)
    require(access.can_edit_own(comment.author_id))
    services.delete_comment(comment, by=request.user)
    return _thread_response(
        request,
        proposal=comment.proposal,
        access=access,
        contribution=comment.contribution,
        anchor=comment.pk,
    )


# Partners (no account data: every signed-in user may read them)


@login_required
@require_safe
def partner_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(Partner.objects.order_by("name"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "solutions/partner_list.html",
        {"page": page, "can_edit": can_manage_partners(request.user)},
    )


@login_required
def partner_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(can_manage_partners(request.user))
    partner = get_object_or_404(Partner, pk=pk) if pk else None
    current = None
    initial = {"version": partner.version} if partner else {}
    form = PartnerForm(request.POST or None, instance=partner, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        if partner is None:
            form.save()
            messages.success(request, "Partner added.")
            return redirect("solutions:partners")
        if version is None:
            form.add_error(None, "The form is missing the version it was based on; reload it.")
        else:
            try:
                save_versioned(partner, expected_version=version, changes=data)
            except StaleVersion:
                current = Partner.objects.get(pk=partner.pk)
            else:
                messages.success(request, "Partner saved.")
                return redirect("solutions:partners")
    return render(
        request,
        "solutions/partner_form.html",
        {"form": form, "partner": partner, "current": current},
        status=409 if current else 200,
    )
