"""The prep brief of a planned meeting: the stored brief, printable, and "build now"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from customers.access import get_customer_for_user, require
from dialogue.queries import planned_meeting_detail
from insights.models import PrepBrief
from insights.prep import build_prep_brief, present_brief


@login_required
@require_safe
def prep_brief(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored brief (no building on a read); `?part=body` is the fragment the planned
    meeting's page loads."""
    planned = planned_meeting_detail(request.user, pk)
    customer, access = get_customer_for_user(request.user, planned.customer_id)
    brief = PrepBrief.objects.filter(planned_meeting=planned).first()
    context = {
        "planned": planned,
        "customer": customer,
        "access": access,
        "brief": brief,
        "content": present_brief(brief.content) if brief else None,
        "may_build": access.can_contribute and planned.is_open,
    }
    template = "insights/prep_brief.html"
    if request.GET.get("part") == "body":
        template += "#body"
    return render(request, template, context)


@login_required
@require_POST
def build_brief_now(request: HttpRequest, pk: int) -> HttpResponse:
    planned = planned_meeting_detail(request.user, pk)
    _customer, access = get_customer_for_user(request.user, planned.customer_id)
    require(access.can_contribute and planned.is_open)
    build_prep_brief(planned.pk)
    messages.success(request, _("The prep brief is up to date."))
    return redirect("insights:prep-brief", pk=planned.pk)
