"""The sender's email inbox, one email's page, its attachments, and the forwarding addresses."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.params import parse_id
from customers.access import get_customer_for_user, require
from customers.models import Customer
from mailin import services
from mailin.access import get_attachment_for_user, get_email_for_user, get_inbox_email_for_user
from mailin.models import InboundEmail


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The user's emails that matched no account: assign each to one, or discard it."""
    emails = (
        InboundEmail.objects.filter(sender=request.user, status=InboundEmail.Status.UNMATCHED)
        .prefetch_related("attachments")
        .order_by("-received_at", "-id")[:200]
    )
    customers = Customer.objects.visible_to(request.user).only("pk", "name").order_by("name")
    address = services.live_address(user=request.user)
    context = {"emails": emails, "customers": customers, "address": address}
    return render(request, "mailin/inbox.html", context)


@login_required
@require_GET
def email_detail(request: HttpRequest, pk: int) -> HttpResponse:
    email = get_email_for_user(request.user, pk)
    attachments = email.attachments.all()
    return render(request, "mailin/email.html", {"email": email, "attachments": attachments})


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Log an inbox email on an account the sender may write on."""
    email = get_inbox_email_for_user(request.user, pk)
    customer_id = parse_id(request.POST.get("customer"), name="customer")
    if customer_id is None:
        messages.error(request, _("Choose the account to log this email on."))
        return redirect("mailin:inbox")
    customer, access = get_customer_for_user(request.user, customer_id)
    require(access.can_contribute)
    meeting = services.assign_email(email, customer=customer)
    messages.success(request, _("The email is logged on %(account)s.") % {"account": customer})
    return redirect("dialogue:meeting", meeting.pk)


@login_required
@require_POST
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    email = get_inbox_email_for_user(request.user, pk)
    services.discard_email(email)
    messages.success(request, _("The email is discarded."))
    return redirect("mailin:inbox")


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_attachment_for_user(request.user, pk)
    try:
        with item.file.open("rb") as handle:
            content = handle.read()
    except (FileNotFoundError, ValueError) as missing:
        raise Http404 from missing
    # Always a download, never rendered: the file came from outside. Read whole (kept files
    # are at most MAILIN_MAX_ATTACHMENT_BYTES), so no file handle outlives the request.
    response = HttpResponse(content, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, item.filename)
    return response


@login_required
@require_GET
def my_address(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own forwarding address (a fragment of the Preferences page)."""
    address = services.live_address(user=request.user)
    renew_url = reverse("mailin:renew-my-address")
    context = {"address": address, "renew_url": renew_url, "can_renew": True}
    return render(request, "mailin/_address.html", context)


@login_required
@require_POST
def renew_my_address(request: HttpRequest) -> HttpResponse:
    services.renew_address(services.live_address(user=request.user), by=request.user)
    messages.success(request, _("Your forwarding address is new; the old one no longer works."))
    return redirect("preferences")


@login_required
@require_GET
def account_address(request: HttpRequest, pk: int) -> HttpResponse:
    """The account's forwarding address, for those who may log email on it (a fragment)."""
    customer, access = get_customer_for_user(request.user, pk)
    context = {"can_log": access.can_contribute, "can_renew": access.can_edit_core}
    if access.can_contribute:
        context["address"] = services.live_address(customer=customer)
        context["renew_url"] = reverse("mailin:renew-account-address", args=[customer.pk])
    return render(request, "mailin/_address.html", context)


@login_required
@require_POST
def renew_account_address(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_edit_core)
    services.renew_address(services.live_address(customer=customer), by=request.user)
    messages.success(
        request, _("The account's forwarding address is new; the old one no longer works.")
    )
    return redirect("customers:detail", customer.pk)
