"""Partners (no account data: every signed-in user may read them)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from accounts.visibility import can_manage_partners
from core.conflicts import rebase
from core.versioning import StaleVersion, save_versioned
from customers.access import require
from solutions.forms import PartnerForm
from solutions.models import Partner


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
            messages.success(request, _("Partner added."))
            return redirect("solutions:partners")
        if version is None:
            form.add_error(None, _("The form is missing the version it was based on; reload it."))
        else:
            try:
                save_versioned(partner, expected_version=version, changes=data)
            except StaleVersion:
                current = Partner.objects.get(pk=partner.pk)
                rebase(form, current.version)
            else:
                messages.success(request, _("Partner saved."))
                return redirect("solutions:partners")
    return render(
        request,
        "solutions/partner_form.html",
        {"form": form, "partner": partner, "current": current},
        status=409 if current else 200,
    )


@login_required
@require_POST
def delete_partner(request: HttpRequest, pk: int) -> HttpResponse:
    require(can_manage_partners(request.user))
    partner = get_object_or_404(Partner, pk=pk)
    partner.soft_delete(by=request.user)
    messages.success(
        request,
        _("The partner “%(name)s” was deleted. It is in Recently deleted partners.")
        % {"name": partner.name},
    )
    return redirect("solutions:partners")
