from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.visibility import can_manage_webhooks
from customers.access import require
from integrations import webhooks
from integrations.access import (
    get_delivery_for_user,
    get_endpoint_for_user,
    get_endpoint_to_reenable,
)
from integrations.forms import WebhookEndpointForm
from integrations.models import WebhookEndpoint

SHOWN_DELIVERIES = 50


@login_required
def endpoints(request: HttpRequest) -> HttpResponse:
    """The user's webhook endpoints and a form to add one."""
    require(can_manage_webhooks(request.user))
    form = WebhookEndpointForm(request.POST or None, may_allow_private=request.user.is_admin)
    if request.method == "POST" and form.is_valid():
        endpoint = form.save(commit=False)
        endpoint.owner = request.user
        endpoint.secret = webhooks.new_secret()
        endpoint.save()
        return redirect("integrations:webhook", endpoint.pk)
    return render(
        request,
        "integrations/webhooks.html",
        {"form": form, "endpoints": list(WebhookEndpoint.objects.filter(owner=request.user))},
        status=400 if form.errors else 200,
    )


@login_required
@require_safe
def endpoint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An endpoint's secret, events and delivery log."""
    endpoint = get_endpoint_for_user(request.user, pk)
    deliveries = list(endpoint.deliveries.all()[:SHOWN_DELIVERIES])
    return render(
        request, "integrations/webhook.html", {"endpoint": endpoint, "deliveries": deliveries}
    )


@login_required
@require_POST
def send_test(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_endpoint_for_user(request.user, pk)
    webhooks.send_test_event(endpoint)
    messages.success(request, _("A test event is on its way."))
    return redirect("integrations:webhook", endpoint.pk)


@login_required
@require_POST
def delete_endpoint(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_endpoint_for_user(request.user, pk)
    endpoint.delete()
    messages.success(request, _("The webhook is deleted."))
    return redirect("integrations:webhooks")


@login_required
@require_POST
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_delivery_for_user(request.user, pk)
    webhooks.resend(delivery)
    messages.success(request, _("The event is sent again."))
    return redirect("integrations:webhook", delivery.endpoint_id)


@login_required
@require_POST
def reenable(request: HttpRequest, pk: int) -> HttpResponse:
    """Switch an endpoint that failed for a day back on (its owner, or an admin)."""
    endpoint = get_endpoint_to_reenable(request.user, pk)
    if webhooks.reenable_endpoint(endpoint):
        messages.success(request, _("The webhook is switched on again."))
    else:
        messages.info(request, _("The webhook was already on."))
    if endpoint.owner_id == request.user.pk:
        return redirect("integrations:webhook", endpoint.pk)
    # An admin's re-enable of someone else's endpoint (from the Django admin or the API).
    return redirect("admin:integrations_webhookendpoint_changelist")
