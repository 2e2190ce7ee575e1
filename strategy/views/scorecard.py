"""The account's plan scorecard against its playbook, and the lead's choice of playbook."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.params import parse_id
from customers.access import get_customer_for_user, require
from strategy import scorecards, services
from strategy.models import Playbook


@login_required
@require_safe
def scorecard(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    card = scorecards.build_scorecard(customer)
    playbooks = list(Playbook.objects.filter(is_active=True)) if access.can_edit_core else []
    return render(
        request,
        "strategy/scorecard.html",
        {"customer": customer, "access": access, "card": card, "playbooks": playbooks},
    )


@login_required
@require_POST
def choose_playbook(request: HttpRequest, pk: int) -> HttpResponse:
    """The lead picks the account's playbook; an empty choice goes back to the segment's."""
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_edit_core)
    playbook_id = parse_id(request.POST.get("playbook"), name="playbook")
    playbook = None
    if playbook_id is not None:
        playbook = get_object_or_404(Playbook.objects.filter(is_active=True), pk=playbook_id)
    services.choose_playbook(customer, playbook=playbook, by=request.user)
    messages.success(request, _("The account's playbook was changed."))
    return redirect("strategy:scorecard", customer.pk)
