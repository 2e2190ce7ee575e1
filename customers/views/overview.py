"""The customer's overview page, its core record, and the customer CSV import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from accounts.models import User
from accounts.visibility import can_create_customers
from core.conflicts import form_status, rebase, stored_values
from core.versioning import StaleVersion
from customers import imports, queries, services
from customers.access import get_customer_for_user, require
from customers.forms import CsvUploadForm, CustomerForm
from customers.models import Customer


@login_required
@require_safe
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    overview = queries.workspace_overview(customer)
    return render(
        request,
        "customers/customer_detail.html",
        {"customer": customer, "access": access, "overview": overview, "members": overview.members},
    )


@login_required
def create_customer(request: HttpRequest) -> HttpResponse:
    require(can_create_customers(request.user))
    form = CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        customer = services.create_customer(lead=request.user, **data)
        messages.success(
            request, _("%(name)s created; you are its lead.") % {"name": customer.name}
        )
        return redirect("customers:detail", customer.pk)
    return render(
        request,
        "customers/customer_form.html",
        {"form": form, "customer": None},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def edit_customer(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_edit_core)
    conflict = None
    if request.method == "POST":
        form = CustomerForm(request.POST, instance=Customer.objects.get(pk=customer.pk))
        if form.is_valid():
            changes = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                services.update_customer(
                    customer,
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                    changes=changes,
                )
            except StaleVersion as exc:
                conflict = stored_values(exc.current, CustomerForm.Meta.fields)
                rebase(form, exc.current.version)
            else:
                messages.success(request, _("Customer saved."))
                return redirect("customers:detail", customer.pk)
    else:
        form = CustomerForm(instance=customer, initial={"version": customer.version})
    return render(
        request,
        "customers/customer_form.html",
        {"form": form, "customer": customer, "access": access, "conflict": conflict},
        status=form_status(request, conflict=conflict),
    )


@login_required
def import_customers(request: HttpRequest) -> HttpResponse:
    user: User = request.user
    require(can_create_customers(user))
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = imports.import_customers(form.cleaned_data["file"], by=user)
        if result.ok:
            messages.success(
                request,
                ngettext(
                    "Imported %(count)d customer.", "Imported %(count)d customers.", result.created
                )
                % {"count": result.created},
            )
            return redirect("home")
    return render(
        request,
        "customers/import.html",
        {"form": form, "result": result, "what": "customers", "columns": imports.CUSTOMER_COLUMNS},
        status=400 if result and not result.ok else 200,
    )
