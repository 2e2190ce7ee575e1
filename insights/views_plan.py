"""The account plan's structured items and each section's own review, edited in place (htmx
swaps the section's card; without JavaScript each form posts and the plan page comes back)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Area
from accounts.visibility import AccountAccess
from core.conflicts import form_status, rebase, stored_values
from core.errors import IllegalTransition
from core.versioning import StaleVersion
from customers.access import get_customer_for_user, require
from customers.models import Customer
from insights import plans, queries
from insights.forms import (
    PlanCommentForm,
    PlanItemForm,
    ReviewPlanForm,
    SectionReviewForm,
    SubmitPlanForm,
)
from insights.models import PlanItem, PlanSection, section_anchor


def add_forms(slot: queries.PlanSlot, customer: Customer) -> dict[str, PlanItemForm]:
    """An empty add form for each kind of item the user may add to the slot's section."""
    if not slot.can_edit:
        return {}
    kinds = PlanItem.AREA_KINDS if slot.area else PlanItem.STRATEGY_KINDS
    return {
        kind: PlanItemForm(kind=kind, customer=customer, prefix=f"{slot.anchor}-{kind}")
        for kind in kinds
    }


def plan_context(customer: Customer, access: AccountAccess, **extra: object) -> dict:
    """Everything the plan page (and its PDF) shows."""
    plan = queries.plan_with_events(customer)
    status = plan.status if plan else "draft"
    slots = queries.plan_slots(customer, access)
    reviewing = access.can_review_plan or any(slot.can_review for slot in slots)
    changes = queries.changes_since_approval(customer) if reviewing else []
    by_title = {str(diff.title): diff for diff in changes}
    for slot in slots:
        slot.add_forms = add_forms(slot, customer)
        slot.changes = by_title.get(str(slot.title))
    return {
        "customer": customer,
        "access": access,
        "plan": plan,
        "slots": slots,
        "comments": queries.plan_comments(customer),
        "can_submit": access.can_submit_plan and status != "submitted",
        "can_review": access.can_review_plan and status == "submitted",
        "since_approval": changes if access.can_review_plan and status == "submitted" else [],
        "can_comment": access.can_contribute,
        "submit_form": SubmitPlanForm(),
        "review_form": ReviewPlanForm(),
        "comment_form": PlanCommentForm(),
        "section_review_form": SectionReviewForm(),
        **extra,
    }


def _area(area_id: int | None) -> Area | None:
    return get_object_or_404(Area, pk=area_id) if area_id is not None else None


def _section_response(
    request: HttpRequest,
    customer: Customer,
    access: AccountAccess,
    area: Area | None,
    *,
    status: int = 200,
    bound_forms: dict[str, PlanItemForm] | None = None,
    review_form: SectionReviewForm | None = None,
) -> HttpResponse:
    """The section's card for htmx (errors included, so htmx swaps it); otherwise back to the
    plan at that section, or the whole page with the errors when nothing was saved."""
    anchor = section_anchor(area.pk if area else None)
    if not request.htmx and status == 200:
        return redirect(reverse("insights:plan", args=[customer.pk]) + f"#{anchor}")
    context = plan_context(customer, access)
    (slot,) = [s for s in context["slots"] if s.area_id == (area.pk if area else None)]
    slot.add_forms.update(bound_forms or {})
    slot.review_form = review_form
    if request.htmx:
        response = render(request, "insights/plan.html#section", {**context, "slot": slot})
        # Whichever form asked (an item's inline edit, an add form), the whole card is new.
        response["HX-Retarget"] = f"#{anchor}"
        response["HX-Reswap"] = "outerHTML"
        return response
    return render(request, "insights/plan.html", context, status=status)


@login_required
@require_POST
def add_item(request: HttpRequest, pk: int, kind: str, area_id: int | None = None) -> HttpResponse:
    """Add an objective, risk or action to the strategy, or an offer or question to an area."""
    customer, access = get_customer_for_user(request.user, pk)
    area = _area(area_id)
    require(access.can_write_plan_section(area.pk if area else None))
    if kind not in (PlanItem.AREA_KINDS if area else PlanItem.STRATEGY_KINDS):
        raise Http404("No such kind of item here.")
    anchor = section_anchor(area.pk if area else None)
    form = PlanItemForm(request.POST, kind=kind, customer=customer, prefix=f"{anchor}-{kind}")
    if not form.is_valid():
        forms = {kind: form}
        return _section_response(request, customer, access, area, status=400, bound_forms=forms)
    values = {k: v for k, v in form.cleaned_data.items() if k not in {"goals", "version"}}
    plans.add_plan_item(
        customer,
        area=area,
        kind=kind,
        values=values,
        goals=form.cleaned_data.get("goals") or (),
        by=request.user,
    )
    return _section_response(request, customer, access, area)


def _item_for(request: HttpRequest, pk: int, item_id: int) -> tuple[PlanItem, AccountAccess]:
    customer, access = get_customer_for_user(request.user, pk)
    item = get_object_or_404(
        PlanItem.objects.filter(customer=customer, section__deleted_at=None).select_related(
            "section__area", "customer"
        ),
        pk=item_id,
    )
    require(access.can_write_plan_section(item.section.area_id))
    return item, access


@login_required
def edit_item(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    """Change one item: in place on the plan page with htmx, on a page of its own without."""
    item, access = _item_for(request, pk, item_id)
    customer, area = item.customer, item.section.area
    data = request.POST if request.method == "POST" else None
    form = PlanItemForm(data, kind=item.kind, customer=customer, instance=item)
    conflict = None
    if form.is_bound and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k not in {"goals", "version"}}
        try:
            plans.update_plan_item(
                item,
                values=values,
                goals=form.cleaned_data.get("goals"),
                expected_version=form.cleaned_data["version"] or 0,
                by=request.user,
            )
        except StaleVersion as exc:
            current = exc.current
            conflict = stored_values(current, ["title"]) if current else [("", _("Deleted"))]
            rebase(form, getattr(current, "version", 0))
        else:
            return _section_response(request, customer, access, area)
    context = {
        "customer": customer,
        "access": access,
        "item": item,
        "form": form,
        "conflict": conflict,
    }
    template = "insights/plan_item_form.html" + ("#item-form" if request.htmx else "")
    status = form_status(request, conflict=conflict)
    return render(request, template, context, status=200 if request.htmx else status)


@login_required
@require_POST
def delete_item(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    """Move the item to the account's trash (Recently deleted restores it with its links)."""
    item, access = _item_for(request, pk, item_id)
    plans.delete_plan_item(item, by=request.user)
    if not request.htmx:
        messages.success(request, _("Moved to Recently deleted."))
    return _section_response(request, item.customer, access, item.section.area)


def _section_for(
    request: HttpRequest, pk: int, section_id: int
) -> tuple[PlanSection, AccountAccess]:
    customer, access = get_customer_for_user(request.user, pk)
    section = get_object_or_404(
        PlanSection.objects.filter(customer=customer).select_related("area", "customer"),
        pk=section_id,
    )
    return section, access


@login_required
@require_POST
def submit_section(request: HttpRequest, pk: int, section_id: int) -> HttpResponse:
    """The section's author asks for its review."""
    section, access = _section_for(request, pk, section_id)
    require(access.can_write_plan_section(section.area_id))
    try:
        plans.submit_plan_section(section, by=request.user)
    except IllegalTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Section submitted for review."))
    return _section_response(request, section.customer, access, section.area)


@login_required
@require_POST
def review_section(request: HttpRequest, pk: int, section_id: int) -> HttpResponse:
    """Approve the submitted section or request changes (with a comment)."""
    section, access = _section_for(request, pk, section_id)
    require(access.can_review_plan_section(section.area_id))
    form = SectionReviewForm(request.POST)
    if not form.is_valid():
        return _section_response(
            request, section.customer, access, section.area, status=400, review_form=form
        )
    approve = form.cleaned_data["decision"] == "approve"
    try:
        plans.review_plan_section(
            section, by=request.user, approve=approve, comment=form.cleaned_data["comment"]
        )
    except IllegalTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Section approved.") if approve else _("Changes requested."))
    return _section_response(request, section.customer, access, section.area)


@login_required
@require_POST
def delete_section(request: HttpRequest, pk: int, section_id: int) -> HttpResponse:
    """Move a whole section, items and notes, to the account's trash."""
    section, access = _section_for(request, pk, section_id)
    require(access.can_write_plan_section(section.area_id))
    plans.delete_plan_section(section, by=request.user)
    messages.success(request, _("Section moved to Recently deleted."))
    return redirect("insights:plan", pk=section.customer_id)
