"""Contributions asked of specialists and partners: request, write, answer."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from accounts.visibility import AccountAccess
from core.conflicts import rebase
from core.versioning import StaleVersion
from customers.access import require
from solutions import queries, services, workflow
from solutions.access import get_contribution_for_user, get_proposal_for_user
from solutions.forms import ContributionRequestForm, ContributionWriteForm, DeclineForm
from solutions.models import Contribution
from solutions.views.threads import thread_context


@login_required
def request_contribution(request: HttpRequest, pk: int) -> HttpResponse:
    proposal, access = get_proposal_for_user(request.user, pk)
    customer = proposal.customer
    require(access.can_manage_proposal(proposal.owner_id))
    form = ContributionRequestForm(request.POST or None, customer=customer)
    if request.method == "POST" and form.is_valid():
        services.request_contribution(proposal, by=request.user, **form.cleaned_data)
        messages.success(request, _("Contribution requested."))
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


def contribution_context(
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
        "next_statuses": workflow.CONTRIBUTION_TRANSITIONS[status],
        "can_delete": access.can_delete_contribution(
            contribution.requested_by_id, contribution.proposal.owner_id
        ),
        "write_form": write_form
        or ContributionWriteForm(instance=contribution, initial={"version": contribution.version}),
        "decline_form": DeclineForm(),
        "current": current,
        "active_tab": "proposals",
        **thread_context(
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
    contribution, access = get_contribution_for_user(request.user, pk)
    return render(
        request,
        "solutions/contribution_detail.html",
        contribution_context(request, contribution, access),
    )


@login_required
@require_POST
def write_contribution(request: HttpRequest, pk: int) -> HttpResponse:
    contribution, access = get_contribution_for_user(request.user, pk)
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
            rebase(form, current.version)
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Contribution saved."))
            return redirect("solutions:contribution", contribution.pk)
    return render(
        request,
        "solutions/contribution_detail.html",
        contribution_context(request, contribution, access, write_form=form, current=current),
        status=409 if current else 200,
    )


@login_required
@require_POST
def delete_contribution(request: HttpRequest, pk: int) -> HttpResponse:
    contribution, access = get_contribution_for_user(request.user, pk)
    proposal = contribution.proposal
    require(access.can_delete_contribution(contribution.requested_by_id, proposal.owner_id))
    services.delete_contribution(contribution, by=request.user)
    messages.success(
        request, _("The contribution was deleted. It is in Recently deleted for 30 days.")
    )
    return redirect("solutions:proposal", proposal.pk)


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
    contribution, access = get_contribution_for_user(request.user, pk)
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
