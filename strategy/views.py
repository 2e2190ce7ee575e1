"""Strategy pages of the customer workspace: divisions and the whitespace grid."""

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import reswap, retarget

from accounts.visibility import AccountAccess
from core.conflicts import rebased, stored_values
from core.csv import safe_row
from core.params import BadParameter, parse_id
from core.versioning import StaleVersion
from customers import services as records
from customers.access import get_customer_for_user, require
from customers.models import Customer
from strategy import analysis, queries, services
from strategy.forms import AnalysisItemForm, CellForm, DivisionForm
from strategy.models import AnalysisItem, Division, Offering, WhitespaceCell

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


@login_required
def edit_cell(request: HttpRequest, pk: int, division_id: int, offering_id: int) -> HttpResponse:
    """The form of one cell (GET) and its save (POST); with htmx, the grid updates in place."""
    customer, access = get_customer_for_user(request.user, pk)
    division, offering, cell = _load_pair(customer, division_id, offering_id)
    require(access.can_contribute)
    area_id = _area_filter(request)
    instance = cell or WhitespaceCell(customer=customer, division=division, offering=offering)
    conflict = None
    status = 200
    if request.method == "POST":
        form = CellForm(request.POST, instance=instance, customer=customer)
        if form.is_valid():
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
                conflict = current.get_status_display() if current else _("Not assessed")
                data = rebased(request.POST, current.version if current else 0)
                form = CellForm(data, instance=current or instance, customer=customer)
                form.is_valid()
                status = 409
            else:
                if request.htmx:
                    context = _grid_context(
                        customer, access, area_id, saved=f"{division}, {offering}"
                    )
                    return render(request, "strategy/whitespace.html#grid", context)
                messages.success(request, _("The cell was saved."))
                url = reverse("strategy:whitespace", args=[customer.pk])
                return redirect(f"{url}?area={area_id}" if area_id else url)
        else:
            status = 400
    else:
        form = CellForm(instance=instance, customer=customer, initial={"version": instance.version})
        if cell is None:
            form.initial["version"] = 0
    context = {
        "customer": customer,
        "access": access,
        "form": form,
        "division": division,
        "offering": offering,
        "cell": cell,
        "area_id": area_id,
        "conflict": conflict,
    }
    if request.htmx:
        # htmx swaps only 2xx answers: the form itself shows the errors or the conflict.
        response = render(request, "strategy/cell_form.html#editor", context)
        if request.method == "POST":
            response = reswap(retarget(response, "#cell-editor"), "innerHTML")
        return response
    return render(request, "strategy/cell_form.html", context, status=status)


@login_required
@require_safe
def whitespace_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Every assessed cell, one line each, through the formula-safe writer."""
    customer, _access = get_customer_for_user(request.user, pk)
    cells = (
        WhitespaceCell.objects.filter(customer=customer, division__deleted_at__isnull=True)
        .exclude(status="")
        .select_related("division", "offering__area", "proposal")
        .prefetch_related("goals", "problems")
        .order_by("division__name", "offering__area__name", "offering__position", "offering__name")
    )
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="whitespace-{customer.pk}-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        safe_row(
            [
                _("Division"),
                _("Area"),
                _("Offering"),
                _("Status"),
                _("Installed since"),
                _("Value per year"),
                _("Proposal"),
                _("Competitor"),
                _("Why"),
                _("Goals"),
                _("Problems"),
            ]
        )
    )
    for cell in cells:
        writer.writerow(
            safe_row(
                [
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
            )
        )
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
    if request.method != "POST":
        form = DivisionForm(
            instance=division, customer=customer, initial={"version": division.version}
        )
        return _division_page(request, customer, access, form, division)
    form = DivisionForm(request.POST, instance=division, customer=customer)
    if not form.is_valid():
        return _division_page(request, customer, access, form, division, status=400)
    fields, m2m = form.split()
    expected = form.cleaned_data["version"]
    try:
        records.update_record(
            division, by=request.user, expected_version=expected, changes=fields, m2m=m2m
        )
    except StaleVersion as exc:
        current = exc.current
        if current is None:
            raise Http404("The division was deleted meanwhile.") from exc
        form = DivisionForm(
            rebased(request.POST, current.version), instance=current, customer=customer
        )
        form.is_valid()
        conflict = stored_values(current, DivisionForm.Meta.fields)
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


# --- SWOT and PESTLE --------------------------------------------------------------------------


def _analysis_context(
    customer: Customer, access: AccountAccess, form: AnalysisItemForm | None = None
) -> dict:
    items = analysis.item_views(customer)
    Category = AnalysisItem.Category
    return {
        "customer": customer,
        "access": access,
        "swot": [(Category(c), items[c]) for c in AnalysisItem.SWOT_CATEGORIES],
        "pestle": [(Category(c), items[c]) for c in AnalysisItem.PESTLE_CATEGORIES],
        "suggestions": analysis.suggestions(customer) if access.can_contribute else [],
        "form": form or AnalysisItemForm(customer=customer),
    }


@login_required
@require_safe
def swot(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    return render(request, "strategy/swot.html", _analysis_context(customer, access))


@login_required
@require_POST
def add_analysis_item(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_contribute)
    form = AnalysisItemForm(request.POST, customer=customer)
    if not form.is_valid():
        context = _analysis_context(customer, access, form)
        return render(request, "strategy/swot.html", context, status=400)
    services.add_analysis_item(
        customer,
        category=form.cleaned_data["category"],
        text=form.cleaned_data["text"],
        source=form.cleaned_data["link"],
        by=request.user,
    )
    messages.success(request, _("The item was added."))
    return redirect("strategy:swot", customer.pk)


def _suggested_source(request: HttpRequest, customer: Customer) -> object:
    kind = request.POST.get("kind", "")
    source_id = parse_id(request.POST.get("source"), name="source")
    if source_id is None or kind not in analysis.SOURCES:
        raise BadParameter("source", "Name one of the account's records (kind and source).")
    source = analysis.find_source(customer, kind, source_id)
    if source is None:
        raise Http404("No such record on this account.")
    return source


@login_required
@require_POST
def answer_suggestion(request: HttpRequest, pk: int, answer: str) -> HttpResponse:
    """Accept a suggestion into a category, or ignore it."""
    if answer not in ("accept", "ignore"):
        raise Http404("No such answer.")
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_contribute)
    source = _suggested_source(request, customer)
    if answer == "ignore":
        services.ignore_suggestion(customer, source=source, by=request.user)
        messages.success(request, _("Suggestion ignored: “%(s)s”.") % {"s": source})
        return redirect("strategy:swot", customer.pk)
    category = request.POST.get("category", "")
    if category not in AnalysisItem.Category.values:
        return render(
            request,
            "strategy/swot.html",
            _analysis_context(customer, access),
            status=400,
        )
    services.accept_suggestion(customer, source=source, category=category, by=request.user)
    messages.success(request, _("Added to the analysis: “%(s)s”.") % {"s": source})
    return redirect("strategy:swot", customer.pk)


def _load_item(customer: Customer, item_id: int) -> AnalysisItem:
    return get_object_or_404(analysis.live_items(customer), pk=item_id)


@login_required
@require_POST
def review_analysis_item(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    item = _load_item(customer, item_id)
    require(access.can_contribute)
    services.mark_item_reviewed(item, by=request.user)
    return redirect("strategy:swot", customer.pk)


@login_required
@require_POST
def delete_analysis_item(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    item = _load_item(customer, item_id)
    require(access.can_change_authored(item.created_by_id))
    records.delete_record(item, by=request.user)
    messages.success(request, _("The item was deleted."))
    return redirect("strategy:swot", customer.pk)
