"""Planned meetings: plan, edit, call off, log the outcome; the account's meetings and My week."""

import datetime as dt
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from accounts.models import User
from accounts.visibility import AccountAccess
from core.conflicts import form_status, typed_values, versioned_edit
from customers.access import get_customer_for_user, require
from customers.models import Customer
from dialogue import invitations, queries, services
from dialogue.forms import PlannedMeetingForm
from dialogue.forms_invitation import InvitationForm, new_invitees, new_invitees_formset
from dialogue.models import PlannedMeeting
from dialogue.views import log_page


@login_required
def plan_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_contribute)
    if request.method == "POST" and request.POST.get("action") == "import":
        return _read_invitation(request, customer, access)
    data = request.POST if request.method == "POST" else None
    initial = _plan_initial(request)
    form = PlannedMeetingForm(data, customer=customer, prefix="plan", initial=initial)
    invitees = new_invitees_formset(data)
    # Both validate (no short cut), so the page marks every error at once.
    valid = [form.is_valid(), not invitees.is_bound or invitees.is_valid()]
    if data is not None and all(valid):
        planned = services.plan_meeting(
            customer,
            owner=request.user,
            data=form.plan_data(),
            new_stakeholders=new_invitees(invitees),
        )
        messages.success(request, _("Meeting planned."))
        return redirect("dialogue:planned-meeting", pk=planned.pk)
    # The pasted invitation stays in its box; a chosen file cannot be kept by the browser.
    pasted = request.POST.get(f"{INVITATION_PREFIX}-text", "")
    invitation = InvitationForm(prefix=INVITATION_PREFIX, initial={"text": pasted})
    context = {"form": form, "invitation": invitation, "invitees": invitees}
    return _plan_page(request, customer, access, context, status=400 if data else 200)


INVITATION_PREFIX = "ics"


def _read_invitation(
    request: HttpRequest, customer: Customer, access: AccountAccess
) -> HttpResponse:
    """ "Read the invitation": the plan form again, as typed, with what the .ics says filled in;
    its unknown addresses offered as new stakeholders. A bad file: an error, the form as typed."""
    typed = PlannedMeetingForm(request.POST, customer=customer, prefix="plan")
    values = typed_values(typed)
    invitation = InvitationForm(request.POST, request.FILES, prefix=INVITATION_PREFIX)
    matches, unknown = None, []
    if invitation.is_valid() and invitation.invitation is not None:
        matches = invitations.match_invitees(customer, invitation.invitation.invitees)
        values = invitations.prefill(values, invitation.invitation, matches)
        unknown = [{"name": p.name, "email": p.email} for p in matches.unknown]
    context = {
        "form": PlannedMeetingForm(customer=customer, prefix="plan", initial=values),
        "invitation": invitation,
        "invitees": new_invitees_formset(initial=unknown),
        "matches": matches,
    }
    return _plan_page(request, customer, access, context, status=200 if matches else 400)


def _plan_page(
    request: HttpRequest,
    customer: Customer,
    access: AccountAccess,
    context: dict[str, Any],
    status: int,
) -> HttpResponse:
    context = {"customer": customer, "access": access, "planned": None, **context}
    return render(request, "dialogue/plan_form.html", context, status=status)


def _plan_initial(request: HttpRequest) -> dict[str, Any]:
    # Tomorrow at ten in the user's zone: a usual slot for a customer meeting.
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    starts = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(10, 0)))
    return {"starts_at": starts, "internal_attendees": [request.user.pk], "duration_minutes": 60}


@login_required
@require_safe
def planned_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    planned = queries.planned_meeting_detail(request.user, pk)
    customer, access = get_customer_for_user(request.user, planned.customer_id)
    context = {
        "planned": planned,
        "customer": customer,
        "access": access,
        "may_change": access.can_change_authored(planned.owner_id),
        "has_passed": planned.starts_at <= timezone.now(),
    }
    return render(request, "dialogue/planned_meeting.html", context)


@login_required
def edit_planned_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    planned = queries.planned_meeting_detail(request.user, pk)
    customer, access = get_customer_for_user(request.user, planned.customer_id)
    require(access.can_change_authored(planned.owner_id))

    def save(form: PlannedMeetingForm, expected: int) -> None:
        changes, m2m = form.changes()
        services.update_planned_meeting(
            planned, expected_version=expected, changes=changes, m2m=m2m
        )

    make_form = partial(PlannedMeetingForm, instance=planned, customer=customer, prefix="plan")
    edit = versioned_edit(request, make_form, version=planned.version, save=save)
    if edit.saved:
        messages.success(request, _("Planned meeting updated."))
        return redirect("dialogue:planned-meeting", pk=planned.pk)
    context = {
        "planned": planned,
        "customer": customer,
        "access": access,
        "form": edit.form,
        "conflict": edit.conflict,
    }
    status = form_status(request, conflict=edit.conflict)
    return render(request, "dialogue/plan_form.html", context, status=status)


@login_required
@require_POST
def cancel_planned_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    planned = queries.planned_meeting_detail(request.user, pk)
    _customer, access = get_customer_for_user(request.user, planned.customer_id)
    require(access.can_change_authored(planned.owner_id))
    if services.cancel_planned_meeting(planned):
        messages.success(request, _("Meeting cancelled. Subscribed calendars show it cancelled."))
    else:
        messages.info(request, _("This meeting was no longer planned; nothing changed."))
    return redirect("dialogue:planned-meeting", pk=planned.pk)


@login_required
def log_planned_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Log the outcome": the log form prefilled from the plan, which becomes the meeting."""
    planned = queries.planned_meeting_detail(request.user, pk)
    customer, access = get_customer_for_user(request.user, planned.customer_id)
    require(access.can_contribute)
    if not planned.is_open:
        if planned.meeting_id:
            return redirect("dialogue:meeting", pk=planned.meeting_id)
        messages.info(request, _("This meeting was cancelled; there is no outcome to log."))
        return redirect("dialogue:planned-meeting", pk=planned.pk)
    draft = _plan_draft_key(request.user, planned)
    return log_page(request, customer, access, plan=planned, draft=draft)


def _plan_draft_key(user: User, planned: PlannedMeeting) -> str:
    return f"accord:draft:plan:{user.pk}:{planned.pk}"


@login_required
@require_safe
def account_meetings(request: HttpRequest, pk: int) -> HttpResponse:
    """The account's meetings: open plans (to come, passed without outcome), recent ones."""
    customer, access = get_customer_for_user(request.user, pk)
    now = timezone.now()
    plans = list(queries.planned_meetings_of(customer.pk))
    context = {
        "customer": customer,
        "access": access,
        "upcoming": [p for p in plans if p.starts_at > now],
        "unlogged": [p for p in plans if p.starts_at <= now],
        "recent": queries.meetings_for_user(request.user)
        .filter(customer=customer)
        .prefetch_related(None)[:ACCOUNT_RECENT_MEETINGS],
    }
    return render(request, "dialogue/account_meetings.html", context)


ACCOUNT_RECENT_MEETINGS = 10
WEEK_DAYS = 7


@login_required
@require_safe
def my_week(request: HttpRequest) -> HttpResponse:
    """The next seven days in the user's zone: meetings they attend and what falls due."""
    today = timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    end = start + dt.timedelta(days=WEEK_DAYS)
    plans = list(queries.plans_between(request.user, start, end))
    days = []
    for offset in range(WEEK_DAYS):
        day = today + dt.timedelta(days=offset)
        days.append((day, [p for p in plans if timezone.localtime(p.starts_at).date() == day]))
    last_day = today + dt.timedelta(days=WEEK_DAYS - 1)
    context = {
        "days": days,
        "unlogged": list(queries.unlogged_plans(request.user, now=timezone.now())),
        "due": list(queries.due_by(request.user, last_day)[:50]),
    }
    return render(request, "dialogue/my_week.html", context)
