"""SWOT and PESTLE: items written by the team, suggestions from the model, staleness."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.visibility import AccountAccess
from core.params import BadParameter, parse_id
from customers import services as records
from customers.access import get_customer_for_user, require
from customers.models import Customer
from strategy import analysis, services
from strategy.forms import AnalysisItemForm
from strategy.models import AnalysisItem


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
