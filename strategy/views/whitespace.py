"""The whitespace grid (edited in place), its CSV export, and the customer's divisions."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import reswap, retarget

from accounts.visibility import AccountAccess
from core.conflicts import form_status, rebase, stored_values
from core.csv import csv_response
from core.params import parse_id
from core.versioning import StaleVersion
from customers import services as records
from customers.access import get_customer_for_user, require
from customers.models import Customer
from strategy import queries, services
from strategy.forms import CellForm, DivisionForm
from strategy.models import Division, Offering, WhitespaceCell

# --- The whitespace grid ----------------------------------------------------------------------


def _area_filter(request: HttpRequest) -> int | None:
    source = request.POST if request.method == "POST" else request.GET
    return parse_id(source.get("area"), name="area")


def _grid_context(
    customer: Customer, access: AccountAccess, area_id: int | None, **extra: object
) -> dict:
    return {
        "customer": customer,
        "access": access,
        "grid": queries.whitespace_grid(customer, area_id=area_id),
        "areas": list(queries.offering_areas()),
        "area_id": area_id,
        "statuses": WhitespaceCell.Status.choices,
        "currency": settings.ORGANISATION_CURRENCY,
        **extra,
    }


@login_required
@require_safe
def whitespace(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    context = _grid_context(customer, access, _area_filter(request))
    return render(request, "strategy/whitespace.html", context)


def _load_pair(customer: Customer, division_id: int, offering_id: int) -> tuple:
    division = get_object_or_404(queries.live_divisions(customer), pk=division_id)
    offering = get_object_or_404(Offering.objects.select_related("area"), pk=offering_id)
    cell = WhitespaceCell.objects.filter(division=division, offering=offering).first()
    return division, offering, cell


def _save_cell(request: HttpRequest, customer: Customer, form: CellForm, pair: tuple) -> str | None:
    """Save the form's cell; the conflict text when someone else saved it first (the form
    then holds the user's input at the stored version), else None."""
    division, offering, _cell = pair
    fields, m2m = form.split()
    try:
        services.save_whitespace_cell(
            customer,
            division=division,
            offering=offering,
            expected_version=form.cleaned_data["version"],
            fields=fields,
            m2m=m2m,
            by=request.user,
        )
    except StaleVersion as exc:
        current = exc.current
        rebase(form, current.version if current else 0)
        return current.get_status_display() if current else _("Not assessed")
    return None


def _cell_saved(
    request: HttpRequest, customer: Customer, access: AccountAccess, pair: tuple
) -> HttpResponse:
    division, offering, _cell = pair
    area_id = _area_filter(request)
    if request.htmx:
        context = _grid_context(customer, access, area_id, saved=f"{division}, {offering}")
        return render(request, "strategy/whitespace.html#grid", context)
    messages.success(request, _("The cell was saved."))
    url = reverse("strategy:whitespace", args=[customer.pk])
    return redirect(f"{url}?area={area_id}" if area_id else url)


@login_required
def edit_cell(request: HttpRequest, pk: int, division_id: int, offering_id: int) -> HttpResponse:
    """The form of one cell (GET) and its save (POST); with htmx, the grid updates in place."""
    customer, access = get_customer_for_user(request.user, pk)
    pair = _load_pair(customer, division_id, offering_id)
    require(access.can_contribute)
    division, offering, cell = pair
    instance = cell or WhitespaceCell(customer=customer, division=division, offering=offering)
    version = {"version": cell.version if cell else 0}
    form = CellForm(request.POST or None, instance=instance, customer=customer, initial=version)
    conflict = None
    if request.method == "POST" and form.is_valid():
        conflict = _save_cell(request, customer, form, pair)
        if conflict is None:
            return _cell_saved(request, customer, access, pair)
    context = {
        "customer": customer,
        "access": access,
        "form": form,
        "division": division,
        "offering": offering,
        "area_id": _area_filter(request),
        "conflict": conflict,
    }
    if not request.htmx:
        status = form_status(request, conflict=conflict)
        return render(request, "strategy/cell_form.html", context, status=status)
    # htmx swaps only 2xx answers: the form itself shows the errors or the conflict.
    response = render(request, "strategy/cell_form.html#editor", context)
    if request.method == "POST":
        response = reswap(retarget(response, "#cell-editor"), "innerHTML")
    return response


CSV_HEADER = [
    _lazy("Division"),
    _lazy("Area"),
    _lazy("Offering"),
    _lazy("Status"),
    _lazy("Installed since"),
    _lazy("Value per year"),
    _lazy("Proposal"),
    _lazy("Competitor"),
    _lazy("Why"),
    _lazy("Goals"),
    _lazy("Problems"),
]


def _csv_row(cell: WhitespaceCell) -> list:
    return [
        cell.division.name,
        cell.offering.area.name,
        cell.offering.name,
        cell.get_status_display(),
        cell.installed_since,
        cell.annual_value,
        cell.proposal.title if cell.proposal else None,
        cell.competitor,
        cell.reason,
        "; ".join(g.title for g in cell.goals.all()),
        "; ".join(p.title for p in cell.problems.all()),
    ]


@login_required
@require_safe
def whitespace_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Every assessed cell, one line each, through the formula-safe writer."""
    customer, _access = get_customer_for_user(request.user, pk)
    stamp = timezone.localdate().isoformat()
    response, writer = csv_response(f"whitespace-{customer.pk}-{stamp}.csv")
    writer.writerow(str(title) for title in CSV_HEADER)
    for cell in queries.assessed_cells(customer):
        writer.writerow(_csv_row(cell))
    return response


# --- Divisions --------------------------------------------------------------------------------


def _division_page(
    request: HttpRequest,
    customer: Customer,
    access: AccountAccess,
    form: DivisionForm,
    division: Division | None,
    *,
    status: int = 200,
    conflict: list | None = None,
) -> HttpResponse:
    return render(
        request,
        "strategy/division_form.html",
        {
            "customer": customer,
            "access": access,
            "form": form,
            "division": division,
            "conflict": conflict,
            "may_delete": access.can_edit_core,
        },
        status=status,
    )


@login_required
def add_division(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_contribute)
    form = DivisionForm(request.POST or None, customer=customer)
    if request.method == "POST":
        if form.is_valid():
            fields, m2m = form.split()
            division = records.create_record(
                Division, customer=customer, by=request.user, fields=fields, m2m=m2m
            )
            messages.success(request, _("Division “%(name)s” added.") % {"name": division})
            return redirect("strategy:whitespace", customer.pk)
        return _division_page(request, customer, access, form, None, status=400)
    return _division_page(request, customer, access, form, None)


@login_required
def edit_division(request: HttpRequest, pk: int, division_id: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    division = get_object_or_404(queries.live_divisions(customer), pk=division_id)
    require(access.can_contribute)
    initial = {"version": division.version}
    form = DivisionForm(request.POST or None, instance=division, customer=customer, initial=initial)
    if request.method != "POST" or not form.is_valid():
        status = form_status(request)
        return _division_page(request, customer, access, form, division, status=status)
    fields, m2m = form.split()
    try:
        records.update_record(
            division,
            by=request.user,
            expected_version=form.cleaned_data["version"],
            changes=fields,
            m2m=m2m,
        )
    except StaleVersion as exc:
        if exc.current is None:
            raise Http404("The division was deleted meanwhile.") from exc
        conflict = stored_values(exc.current, DivisionForm.Meta.fields)
        rebase(form, exc.current.version)
        return _division_page(
            request, customer, access, form, division, status=409, conflict=conflict
        )
    messages.success(request, _("Division “%(name)s” saved.") % {"name": division})
    return redirect("strategy:whitespace", customer.pk)


@login_required
@require_POST
def delete_division(request: HttpRequest, pk: int, division_id: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    division = get_object_or_404(queries.live_divisions(customer), pk=division_id)
    require(access.can_edit_core)
    records.delete_record(division, by=request.user)
    messages.success(request, _("Division “%(name)s” moved to the trash.") % {"name": division})
    return redirect("strategy:whitespace", customer.pk)
