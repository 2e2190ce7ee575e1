"""The proposal board of a customer and a proposal's page: create, edit, move."""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from accounts.visibility import AccountAccess
from core.conflicts import rebase
from core.versioning import StaleVersion
from customers.access import get_customer_for_user, require
from solutions import queries, services, workflow
from solutions.access import get_proposal_for_user
from solutions.forms import ProposalForm, TransitionForm
from solutions.models import Contribution, Proposal
from solutions.views.threads import thread_context


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


def proposal_context(
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
            (value, labels[value]) for value in workflow.allowed_transitions(proposal.status)
        ],
        "problems": proposal.problems.all(),
        "grid": _contribution_grid(contributions),
        "transitions": proposal.transitions.all(),
        "change_log": _change_log(proposal),
        "active_tab": "proposals",
        **thread_context(request, proposal=proposal, access=access, **thread),
    }


@login_required
@require_safe
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A proposal: problems it solves, goals they block, contributions and the discussion."""
    proposal, access = get_proposal_for_user(request.user, pk)
    return render(
        request, "solutions/proposal_detail.html", proposal_context(request, proposal, access)
    )


@login_required
def add_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_contribute)
    form = ProposalForm(request.POST or None, customer=customer, initial={"owner": request.user.pk})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        proposal = services.create_proposal(customer, by=request.user, **data)
        messages.success(request, _("Proposal created as a draft."))
        return redirect("solutions:proposal", proposal.pk)
    return render(
        request,
        "solutions/proposal_form.html",
        {"customer": customer, "access": access, "form": form, "active_tab": "proposals"},
    )


def _save_edit(request: HttpRequest, proposal: Proposal, form: ProposalForm) -> Proposal | None:
    """Save a valid edit; the stored proposal when another edit came first, else None."""
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
        rebase(form, current.version)
        return current
    return None


@login_required
def edit_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    proposal, access = get_proposal_for_user(request.user, pk)
    customer = proposal.customer
    require(access.can_manage_proposal(proposal.owner_id))
    form = ProposalForm(
        request.POST if request.method == "POST" else None,
        instance=proposal,
        customer=customer,
        initial={"version": proposal.version},
    )
    current = None
    if form.is_bound and form.is_valid() and form.cleaned_data.get("version") is None:
        form.add_error(None, "The form is missing the version it was based on; reload it.")
    if form.is_bound and form.is_valid():
        current = _save_edit(request, proposal, form)
        if current is None:
            messages.success(request, _("Proposal saved."))
            return redirect("solutions:proposal", proposal.pk)
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
    proposal, access = get_proposal_for_user(request.user, pk)
    require(access.can_manage_proposal(proposal.owner_id))
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid status."))
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
        messages.success(
            request,
            _("Proposal is now %(status)s.") % {"status": proposal.get_status_display().lower()},
        )
    return redirect("solutions:proposal", proposal.pk)


@login_required
@require_POST
def delete_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    proposal, access = get_proposal_for_user(request.user, pk)
    require(access.can_manage_proposal(proposal.owner_id))
    services.delete_proposal(proposal, by=request.user)
    messages.success(
        request,
        _("The proposal “%(title)s” was deleted. It is in Recently deleted for 30 days.")
        % {"title": proposal.title},
    )
    return redirect("solutions:board", proposal.customer_id)
