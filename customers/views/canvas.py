"""The Business Model Canvas: one box saved at a time, with version checks."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.versioning import StaleVersion
from customers import services
from customers.access import get_customer_for_user, require
from customers.forms import CanvasBoxForm
from customers.models import BusinessModel, Customer


@dataclass
class CanvasBox:
    field: str
    label: str
    text: str
    version: int
    errors: list[str] | None = None
    conflict_text: str | None = None
    saved: bool = False


def _canvas_box(canvas: BusinessModel, field: str, **extra: object) -> CanvasBox:
    label = str(BusinessModel._meta.get_field(field).verbose_name).capitalize()
    values = {"text": getattr(canvas, field), "version": canvas.version, **extra}
    return CanvasBox(field, label, **values)


def _canvas_of(customer: Customer) -> BusinessModel:
    # An account without a canvas yet shows an empty one at version 1; the first save stores it.
    return BusinessModel.objects.filter(customer=customer).first() or BusinessModel(
        customer=customer, version=1
    )


@login_required
@require_safe
def canvas(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    business_model = _canvas_of(customer)
    boxes = [_canvas_box(business_model, f) for f in BusinessModel.CANVAS_FIELDS]
    return render(
        request,
        "customers/canvas.html",
        {"customer": customer, "access": access, "boxes": boxes, "canvas": business_model},
    )


def _save_box(request: HttpRequest, customer: Customer, field: str) -> tuple[CanvasBox, int]:
    """Save one box; the box to show (saved, with errors, or beside the stored text) and the
    status to answer."""
    form = CanvasBoxForm(request.POST)
    typed = request.POST.get("text", "")
    if not form.is_valid():
        errors = [e for errs in form.errors.values() for e in errs]
        return _canvas_box(_canvas_of(customer), field, text=typed, errors=errors), 400
    try:
        saved = services.save_canvas_box(
            customer,
            field=field,
            value=form.cleaned_data["text"],
            expected_version=form.cleaned_data["version"],
            by=request.user,
        )
    except StaleVersion:
        current = _canvas_of(customer)
        conflict_text = getattr(current, field) or "—"
        return _canvas_box(current, field, text=typed, conflict_text=conflict_text), 409
    return _canvas_box(saved, field, saved=True), 200


@login_required
@require_POST
def save_canvas_box(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_contribute)
    field = request.POST.get("field", "")
    if field not in BusinessModel.CANVAS_FIELDS:
        raise Http404("No such canvas box.")
    box, status = _save_box(request, customer, field)
    if request.htmx:
        return render(
            request,
            "customers/canvas.html#box",
            {"customer": customer, "access": access, "box": box},
            # htmx swaps only 2xx answers; the fragment itself shows the error or conflict.
        )
    if status == 200:
        messages.success(request, _("%(box)s saved.") % {"box": box.label})
        return redirect("customers:canvas", customer.pk)
    business_model = _canvas_of(customer)
    boxes = [
        box if f == field else _canvas_box(business_model, f) for f in BusinessModel.CANVAS_FIELDS
    ]
    return render(
        request,
        "customers/canvas.html",
        {"customer": customer, "access": access, "boxes": boxes, "canvas": business_model},
        status=status,
    )
