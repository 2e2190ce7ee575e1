"""The value at stake: a proposal's estimate (with its history) and the account's totals."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.conflicts import form_status, rebase, stored_values
from core.versioning import StaleVersion
from customers.access import get_customer_for_user, require
from solutions.access import get_proposal_for_user
from strategy import queries, services
from strategy.forms import ProposalValueForm
from strategy.models import ProposalValue


@login_required
@require_safe
def account_value(request: HttpRequest, pk: int) -> HttpResponse:
    """The account's open, weighted and installed value, in the organisation's currency."""
    customer, access = get_customer_for_user(request.user, pk)
    context = {
        "customer": customer,
        "access": access,
        "value": queries.value_at_stake(customer),
        "currency": settings.ORGANISATION_CURRENCY,
    }
    if request.GET.get("part") == "totals":
        # The account overview's card loads the totals alone.
        return render(request, "strategy/value.html#totals", context)
    return render(request, "strategy/value.html", context)


@login_required
def edit_proposal_value(request: HttpRequest, pk: int) -> HttpResponse:
    """The proposal's value at stake; whoever manages the proposal sets it."""
    proposal, access = get_proposal_for_user(request.user, pk)
    require(access.can_manage_proposal(proposal.owner_id))
    estimate = ProposalValue.objects.filter(proposal=proposal).first()
    initial = {"version": estimate.version if estimate else 0}
    if estimate is None:
        initial["currency"] = settings.ORGANISATION_CURRENCY
    form = ProposalValueForm(request.POST or None, instance=estimate, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.save_proposal_value(
                proposal,
                expected_version=form.cleaned_data["version"],
                fields=form.split(),
                by=request.user,
            )
        except StaleVersion as exc:
            current = exc.current
            fields = ProposalValueForm.Meta.fields
            conflict = stored_values(current, fields) if current else [(_("Value"), "—")]
            rebase(form, current.version if current else 0)
        else:
            messages.success(request, _("The value at stake was saved."))
            return redirect("strategy:account-value", proposal.customer_id)
    history = estimate.history.select_related("history_user")[:10] if estimate else []
    context = {
        "customer": proposal.customer,
        "access": access,
        "proposal": proposal,
        "form": form,
        "conflict": conflict,
        "history": history,
    }
    status = form_status(request, conflict=conflict)
    return render(request, "strategy/proposal_value_form.html", context, status=status)
