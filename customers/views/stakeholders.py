"""The stakeholder map, its CSV import, and the strategy page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from customers import imports, queries
from customers.access import get_customer_for_user, require
from customers.forms import CsvUploadForm


@login_required
@require_safe
def stakeholders(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    return render(
        request,
        "customers/stakeholders.html",
        {"customer": customer, "access": access, "map": queries.stakeholder_map(customer)},
    )


@login_required
def import_stakeholders(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_edit_core)
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = imports.import_stakeholders(
            form.cleaned_data["file"], customer=customer, by=request.user
        )
        if result.ok:
            messages.success(
                request,
                ngettext(
                    "Imported %(count)d stakeholder.",
                    "Imported %(count)d stakeholders.",
                    result.created,
                )
                % {"count": result.created},
            )
            return redirect("customers:stakeholders", customer.pk)
    return render(
        request,
        "customers/import.html",
        {
            "form": form,
            "result": result,
            "customer": customer,
            "access": access,
            "what": "stakeholders",
            "columns": imports.STAKEHOLDER_COLUMNS,
        },
        status=400 if result and not result.ok else 200,
    )


@login_required
@require_safe
def strategy(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    moves, options = queries.strategy(customer)
    return render(
        request,
        "customers/strategy.html",
        {"customer": customer, "access": access, "moves": moves, "options": options},
    )
