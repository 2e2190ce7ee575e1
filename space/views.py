"""The lead's pages of the shared space (internal users, under the visibility rule)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.visibility import AccountAccess
from core.params import parse_choice, parse_page
from customers.access import require
from customers.models import Customer
from space import guests, queries, services
from space.access import get_space_for_user, get_space_record_for_user
from space.forms import (
    IntroductionForm,
    InviteForm,
    MessageForm,
    MilestoneForm,
    ShareForm,
    ShareProposalForm,
    StepForm,
    StepStatusForm,
)
from space.models import Feedback, Guest, Milestone, PlanStep, SharedProposal, SharedSpace
from space.pdf import pdf_response

# The lead's forms whose choices list the account's records (goals, problems, proposals,
# colleagues, stakeholders): each is read when the lead opens it (`?form=`, fetched by htmx
# when its <details> opens), so the page's work does not grow with the account.
ON_DEMAND_FORMS = ("share", "step", "proposal", "invite")


def _page(
    request: HttpRequest,
    customer: Customer,
    access: AccountAccess,
    space: SharedSpace | None,
    *,
    status: int = 200,
    **bound: forms.Form,
) -> HttpResponse:
    context: dict = {"customer": customer, "access": access, "space": space}
    if space is not None:
        context.update(
            page=queries.lead_page(space, step_page=step_page(request)),
            intro_form=IntroductionForm(instance=space),
            milestone_form=MilestoneForm(prefix="milestone"),
            message_form=MessageForm(),
            # Each step's status menu lists these: read once, not once per step.
            step_statuses=PlanStep.Status.choices,
        )
        context.update(bound)
    return render(request, "space/space.html", context, status=status)


def _on_demand_form(name: str, customer: Customer, space: SharedSpace) -> forms.Form:
    """One of the lead's forms that list the account's records, unbound."""
    if name == "share":
        shared = queries.shared_record_ids(space)
        return ShareForm(customer=customer, initial=shared)
    if name == "step":
        return StepForm(space=space, prefix="step")
    if name == "proposal":
        return ShareProposalForm(customer=customer)
    return InviteForm(customer=customer)


def step_page(request: HttpRequest) -> int:
    """The page of the plan's steps asked for (`?steps=`), 1 when absent."""
    return parse_page(request.GET.get("steps"), name="steps")


def _space_url(customer_id: int, request: HttpRequest) -> str:
    """The lead's page, on the page of the plan the change was made from."""
    url = reverse("space:space", args=[customer_id])
    number = step_page(request)
    return f"{url}?steps={number}#plan" if number > 1 else url


def _curated(request: HttpRequest, pk: int) -> tuple[Customer, AccountAccess, SharedSpace]:
    """The account's space for a lead's change: 404 for outsiders, 403 for roles that only
    read, and the space opened if it was not yet."""
    customer, access, space = get_space_for_user(request.user, pk)
    require(access.can_share_with_customer)
    if space is None:
        space = services.open_space(customer, by=request.user)
    return customer, access, space


@login_required
@require_http_methods(["GET", "HEAD"])
def space_page(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access, space = get_space_for_user(request.user, pk)
    name = parse_choice(request.GET.get("form"), name="form", choices=ON_DEMAND_FORMS)
    if space is None or name is None:
        return _page(request, customer, access, space)
    require(access.can_share_with_customer)
    form = _on_demand_form(name, customer, space)
    if request.htmx:
        context = {"customer": customer, "access": access, f"{name}_form": form}
        return render(request, f"space/space.html#{name}-form", context)
    return _page(request, customer, access, space, **{f"{name}_form": form})


@login_required
@require_POST
def open_space(request: HttpRequest, pk: int) -> HttpResponse:
    _curated(request, pk)
    return redirect("space:space", pk)


@login_required
@require_POST
def share_records(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access, space = _curated(request, pk)
    form = ShareForm(request.POST, customer=customer)
    if not form.is_valid():
        return _page(request, customer, access, space, status=400, share_form=form)
    services.set_shared_records(
        space, goals=list(form.cleaned_data["goals"]), problems=list(form.cleaned_data["problems"])
    )
    messages.success(request, _("The shared goals and problems are saved."))
    return redirect("space:space", pk)


@login_required
@require_POST
def save_introduction(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access, space = _curated(request, pk)
    form = IntroductionForm(request.POST, instance=space)
    if not form.is_valid():
        return _page(request, customer, access, space, status=400, intro_form=form)
    services.update_introduction(space, introduction=form.cleaned_data["introduction"])
    return redirect("space:space", pk)


@login_required
@require_POST
def add_milestone(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access, space = _curated(request, pk)
    form = MilestoneForm(request.POST, prefix="milestone")
    if not form.is_valid():
        return _page(request, customer, access, space, status=400, milestone_form=form)
    services.add_milestone(space, **form.cleaned_data)
    return redirect("space:space", pk)


@login_required
@require_POST
def add_step(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access, space = _curated(request, pk)
    form = StepForm(request.POST, space=space, prefix="step")
    if not form.is_valid():
        return _page(request, customer, access, space, status=400, step_form=form)
    data = form.cleaned_data
    services.add_step(
        space,
        title=data["title"],
        due_on=data["due_on"],
        milestone=data["milestone"],
        goal=data["goal"],
        proposal=data["proposal"],
        **data["owner"],
    )
    return redirect("space:space", pk)


@login_required
@require_POST
def step_status(request: HttpRequest, pk: int) -> HttpResponse:
    step, access = get_space_record_for_user(request.user, PlanStep, pk)
    require(access.can_share_with_customer)
    form = StepStatusForm(request.POST)
    if form.is_valid():
        if request.POST.get("accept_date"):
            services.accept_proposed_date(step)
        else:
            services.set_step_status(step, status=form.cleaned_data["status"])
    else:
        messages.error(request, _("Choose a status."))
    return redirect(_space_url(step.space.customer_id, request))


@login_required
@require_POST
def delete_step(request: HttpRequest, pk: int) -> HttpResponse:
    step, access = get_space_record_for_user(request.user, PlanStep, pk)
    require(access.can_share_with_customer)
    services.delete_step(step, by=request.user)
    messages.success(
        request,
        _("The step “%(title)s” was deleted. It is in Recently deleted for 30 days.")
        % {"title": step.title},
    )
    return redirect(_space_url(step.space.customer_id, request))


@login_required
@require_POST
def delete_milestone(request: HttpRequest, pk: int) -> HttpResponse:
    milestone, access = get_space_record_for_user(request.user, Milestone, pk)
    require(access.can_share_with_customer)
    services.delete_milestone(milestone, by=request.user)
    messages.success(
        request,
        _("The milestone “%(title)s” was deleted. It is in Recently deleted for 30 days.")
        % {"title": milestone.title},
    )
    return redirect("space:space", milestone.space.customer_id)


@login_required
@require_POST
def share_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access, space = _curated(request, pk)
    form = ShareProposalForm(request.POST, request.FILES, customer=customer)
    if not form.is_valid():
        return _page(request, customer, access, space, status=400, proposal_form=form)
    data = form.cleaned_data
    services.share_proposal(
        space,
        proposal=data["proposal"],
        summary=data["summary"],
        attachment=data["attachment"],
        attachment_name=getattr(form, "attachment_name", ""),
    )
    return redirect("space:space", pk)


@login_required
@require_POST
def unshare_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    shared, access = get_space_record_for_user(request.user, SharedProposal, pk)
    require(access.can_share_with_customer)
    customer_id = shared.space.customer_id
    services.unshare_proposal(shared)
    return redirect("space:space", customer_id)


@login_required
@require_http_methods(["GET", "HEAD"])
def proposal_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    shared, _access = get_space_record_for_user(request.user, SharedProposal, pk)
    return attachment_response(shared)


def attachment_response(shared: SharedProposal) -> HttpResponse:
    """The shared PDF as a download (never rendered inline, never sniffed)."""
    if not shared.attachment:
        raise Http404
    response = HttpResponse(bytes(shared.attachment), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{shared.attachment_name}"'
    return response


@login_required
@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access, space = _curated(request, pk)
    form = InviteForm(request.POST, customer=customer)
    if not form.is_valid():
        return _page(request, customer, access, space, status=400, invite_form=form)
    guest = guests.invite_guest(
        space, stakeholder=form.cleaned_data["stakeholder"], by=request.user
    )
    messages.success(
        request, _("%(email)s is invited; the email is on its way.") % {"email": guest.email}
    )
    return redirect("space:space", pk)


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    guest, access = get_space_record_for_user(request.user, Guest, pk)
    require(access.can_share_with_customer)
    guests.revoke_guest(guest, by=request.user)
    messages.success(
        request, _("Access revoked: %(email)s is signed out.") % {"email": guest.email}
    )
    return redirect("space:space", guest.space.customer_id)


@login_required
@require_POST
def post_message(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access, space = get_space_for_user(request.user, pk)
    require(access.can_contribute and space is not None)
    form = MessageForm(request.POST)
    if not form.is_valid():
        return _page(request, customer, access, space, status=400, message_form=form)
    services.post_message(space, body=form.cleaned_data["body"], user=request.user)
    return redirect("space:space", pk)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    feedback, access = get_space_record_for_user(request.user, Feedback, pk)
    require(access.can_share_with_customer)
    try:
        services.decide_feedback(feedback, accept=decision == "accept", by=request.user)
    except services.NotAllowed:
        messages.error(request, _("This suggestion was already decided."))
    return redirect("space:space", feedback.space.customer_id)


@login_required
@require_http_methods(["GET", "HEAD"])
def plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    customer, _access, space = get_space_for_user(request.user, pk)
    if space is None:
        raise Http404
    return pdf_response(space, filename=f"mutual-action-plan-{customer.pk}.pdf")
