"""The "Recently deleted" pages: the lead or a manager restores what was deleted on the account;
whoever keeps the partner catalogue restores deleted partners."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.visibility import can_manage_partners
from customers.access import get_customer_for_user, require
from integrity import trash


@login_required
@require_safe
def deleted_records(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_manage_trash)
    return render(
        request,
        "integrity/trash.html",
        {
            "customer": customer,
            "access": access,
            "items": trash.deleted_records(customer),
            "retention_days": trash.RETENTION.days,
            "active_tab": "trash",
        },
    )


@login_required
@require_POST
def restore_record(request: HttpRequest, pk: int, kind: str, record_id: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_manage_trash)
    record = trash.deleted_record(customer, kind, record_id)
    if record is None:
        raise Http404("Nothing restorable here.")
    if trash.restore_record(record, by=request.user):
        messages.success(request, _("Restored: %(record)s.") % {"record": record})
    else:
        messages.error(request, trash.refusal_message(record))
    return redirect("integrity:trash", customer.pk)


@login_required
@require_safe
def deleted_partners(request: HttpRequest) -> HttpResponse:
    require(can_manage_partners(request.user))
    context = {"partners": trash.deleted_partners(), "retention_days": trash.RETENTION.days}
    return render(request, "integrity/partner_trash.html", context)


@login_required
@require_POST
def restore_partner(request: HttpRequest, pk: int) -> HttpResponse:
    require(can_manage_partners(request.user))
    partner = trash.deleted_partner(pk)
    if partner is None:
        raise Http404("Nothing restorable here.")
    trash.restore_partner(partner, by=request.user)
    messages.success(request, _("Restored: %(record)s.") % {"record": partner})
    return redirect("solutions:partners")
