"""Dialogue pages: log a meeting, meeting detail and edit, action items, timeline."""

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from accounts.models import User
from accounts.visibility import AccountAccess, users_who_can_see
from core.conflicts import form_status, rebase
from core.params import parse_id
from core.redirects import safe_next
from core.versioning import StaleVersion
from customers.access import get_customer_for_user, get_record_for_user, require
from customers.models import Customer
from dialogue import queries, services
from dialogue import timeline as account_timeline
from dialogue.forms import (
    ActionItemForm,
    ActionItemStatusForm,
    MeetingForm,
    NewProblemFormSet,
    NewStakeholderFormSet,
    NextStepFormSet,
    StakeholderQueryForm,
    linked_problems,
    new_problems,
    new_stakeholders,
    next_steps,
)
from dialogue.models import ActionItem, Meeting, PlannedMeeting

# Tells the saved meeting's page which browser draft to clear: a cookie for that page only,
# living a minute (not a session write on every logged meeting).
CLEAR_DRAFT_COOKIE = "accord_clear_draft"


def draft_key(user: User, customer: Customer) -> str:
    """Where the browser keeps the unsaved log-a-meeting form of this user and customer."""
    return f"accord:draft:meeting:{user.pk}:{customer.pk}"


def _from_plan(planned: PlannedMeeting) -> dict[str, Any]:
    """The log form's initial values from the plan: its attendees, topics and agenda."""
    return {
        "occurred_at": timezone.localtime(planned.starts_at),
        "title": planned.title,
        "kind": planned.kind,
        "stakeholders": [s.pk for s in planned.stakeholders.all()],
        "internal_attendees": [u.pk for u in planned.internal_attendees.all()],
        "goals": [g.pk for g in planned.goals.all()],
        "problems": [p.pk for p in planned.problems.all()],
        "notes": planned.agenda,
    }


@dataclass
class LogForms:
    """The log-a-meeting page's forms: the meeting, new problems, new people, next steps."""

    meeting: MeetingForm
    problems: Any
    people: Any
    steps: Any

    def is_valid(self) -> bool:
        # Every form validates (no short cut), so the page marks all errors at once.
        results = [f.is_valid() for f in (self.meeting, self.problems, self.people, self.steps)]
        return all(results)

    def context(self) -> dict[str, Any]:
        return {
            "form": self.meeting,
            "problem_formset": self.problems,
            "people_formset": self.people,
            "formset": self.steps,
        }


def quarter_hour_before(moment: dt.datetime) -> dt.datetime:
    """`moment` in the user's zone, rounded down to the last quarter hour."""
    local = timezone.localtime(moment)
    return local.replace(minute=local.minute - local.minute % 15, second=0, microsecond=0)


def _log_initial(request: HttpRequest, customer: Customer) -> dict[str, Any]:
    """Defaults for a new log: now (last quarter hour), and the kind and attendees of the
    last meeting with this customer, with the author among our attendees."""
    initial: dict[str, Any] = {"occurred_at": quarter_hour_before(timezone.now())}
    last = queries.last_meeting_of(customer.pk)
    ours = [request.user.pk]
    if last is not None:
        initial["kind"] = last.kind
        initial["stakeholders"] = last.stakeholder_ids
        ours += [pk for pk in last.internal_attendee_ids if pk != request.user.pk]
    initial["internal_attendees"] = ours
    return initial


def log_forms(
    request: HttpRequest,
    customer: Customer,
    data: Any = None,
    *,
    plan: PlannedMeeting | None = None,
) -> LogForms:
    initial: dict[str, Any] = {}
    if data is None:
        initial = _from_plan(plan) if plan is not None else _log_initial(request, customer)
    meeting = MeetingForm(data, customer=customer, initial=initial, prefix="meeting")
    # Every row (and the rows' template) lists the goals and colleagues the meeting form
    # lists: they share its querysets, so each list is read once for the whole page.
    return LogForms(
        meeting=meeting,
        problems=NewProblemFormSet(
            data,
            prefix="new_problem",
            form_kwargs={"customer": customer, "goals": meeting.fields["goals"].queryset},
        ),
        people=NewStakeholderFormSet(data, prefix="new_person"),
        steps=NextStepFormSet(
            data,
            prefix="steps",
            form_kwargs={
                "customer": customer,
                "default_owner": request.user,
                "users": meeting.fields["internal_attendees"].queryset,
            },
        ),
    )


def save_log(
    request: HttpRequest, customer: Customer, forms: LogForms, *, plan: PlannedMeeting | None
) -> Meeting:
    data = forms.meeting.meeting_data()
    # A new problem the user recognised as an open one links the meeting to that one instead.
    data = replace(data, problems=[*data.problems, *linked_problems(forms.problems)])
    return services.log_meeting(
        customer,
        author=request.user,
        data=data,
        new_problems=new_problems(forms.problems),
        new_stakeholders=new_stakeholders(forms.people),
        next_steps=next_steps(forms.steps),
        plan=plan,
    )


def log_page(
    request: HttpRequest,
    customer: Customer,
    access: AccountAccess,
    *,
    plan: PlannedMeeting | None,
    draft: str,
) -> HttpResponse:
    """The log-a-meeting page, new or the outcome of `plan`: the forms, or the saved meeting.
    `draft` names the browser's copy of the unsaved form, cleared once it is saved."""
    data = request.POST if request.method == "POST" else None
    forms = log_forms(request, customer, data, plan=plan)
    if data is not None and forms.is_valid():
        try:
            meeting = save_log(request, customer, forms, plan=plan)
        except services.PlanAlreadyLogged as exc:
            messages.error(request, _("Someone logged or cancelled this meeting meanwhile."))
            return redirect("dialogue:planned-meeting", pk=exc.args[0])
        messages.success(request, _("Meeting saved."))
        response = redirect("dialogue:meeting", pk=meeting.pk)
        response.set_cookie(
            CLEAR_DRAFT_COOKIE,
            draft,
            max_age=60,
            path=response.url,
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
        return response
    context = {
        "customer": customer,
        "access": access,
        **forms.context(),
        "draft_key": draft,
        "is_bound": data is not None,
        "plan": plan,
    }
    return render(request, "dialogue/log_meeting.html", context, status=400 if data else 200)


@login_required
def log_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_contribute)
    return log_page(request, customer, access, plan=None, draft=draft_key(request.user, customer))


@login_required
@require_GET
def stakeholder_options(request: HttpRequest, pk: int) -> HttpResponse:
    """Type-ahead for the attendee picker: this customer's stakeholders matching ?q=."""
    customer, access = get_customer_for_user(request.user, pk)
    form = StakeholderQueryForm(request.GET)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    stakeholders = queries.stakeholders_of(customer.pk)
    if q:
        stakeholders = stakeholders.filter(name__icontains=q) | stakeholders.filter(
            title__icontains=q
        )
    context = {"customer": customer, "access": access, "stakeholders": stakeholders[:10], "q": q}
    return render(request, "dialogue/log_meeting.html#stakeholder-options", context)


@login_required
@require_safe
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = queries.meeting_detail(request.user, pk)
    customer, access = get_customer_for_user(request.user, meeting.customer_id)
    context = {
        "meeting": meeting,
        "customer": customer,
        "access": access,
        "may_delete": access.can_change_authored(meeting.author_id),
        "clear_draft": request.COOKIES.get(CLEAR_DRAFT_COOKIE, ""),
        "status_choices": ActionItem.Status,
    }
    response = render(request, "dialogue/meeting_detail.html", context)
    if context["clear_draft"]:
        response.delete_cookie(CLEAR_DRAFT_COOKIE, path=request.path, samesite="Lax")
    return response


def warn_unknown_mentions(request: HttpRequest, names: list[str]) -> None:
    if names:
        mentions = ", ".join(f"@{name}" for name in names)
        messages.warning(
            request,
            _("Saved, but %(mentions)s matched nobody on this account: nobody was notified.")
            % {"mentions": mentions},
        )


@login_required
def edit_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = queries.meeting_detail(request.user, pk)
    customer, access = get_customer_for_user(request.user, meeting.customer_id)
    require(access.can_contribute)
    conflict = None
    if request.method == "POST":
        form = MeetingForm(request.POST, instance=meeting, customer=customer, prefix="meeting")
        if form.is_valid():
            changes, m2m = form.changes()
            version = form.cleaned_data.get("version") or 0
            try:
                unknown = services.update_meeting(
                    meeting, expected_version=version, changes=changes, m2m=m2m, by=request.user
                )
            except StaleVersion:
                conflict = queries.meeting_detail(request.user, pk)
                rebase(form, conflict.version)
            else:
                messages.success(request, _("Meeting updated."))
                warn_unknown_mentions(request, unknown)
                return redirect("dialogue:meeting", pk=meeting.pk)
    else:
        form = MeetingForm(
            instance=meeting,
            customer=customer,
            prefix="meeting",
            initial={"version": meeting.version},
        )
    context = {
        "meeting": meeting,
        "customer": customer,
        "access": access,
        "form": form,
        "conflict": conflict,
    }
    status = form_status(request, conflict=conflict)
    return render(request, "dialogue/edit_meeting.html", context, status=status)


@login_required
@require_POST
def delete_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = queries.meeting_detail(request.user, pk)
    customer, access = get_customer_for_user(request.user, meeting.customer_id)
    require(access.can_change_authored(meeting.author_id))
    services.delete_meeting(meeting, by=request.user)
    messages.success(request, _("Meeting deleted."))
    return redirect("dialogue:timeline", pk=customer.pk)


@login_required
def add_action_item(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_contribute)
    if request.method == "POST":
        form = ActionItemForm(request.POST, customer=customer)
        if form.is_valid():
            data = form.cleaned_data
            services.create_action_item(
                customer,
                created_by=request.user,
                description=data["description"],
                owner=data["owner"],
                due_on=data["due_on"],
                meeting=data["meeting"],
                status=data["status"],
            )
            messages.success(request, _("Action item added."))
            if data["meeting"]:
                return redirect("dialogue:meeting", pk=data["meeting"].pk)
            return redirect("dialogue:timeline", pk=customer.pk)
    else:
        initial: dict[str, Any] = {"owner": request.user.pk}
        if (meeting_id := parse_id(request.GET.get("meeting"), name="meeting")) is not None:
            initial["meeting"] = meeting_id
        form = ActionItemForm(customer=customer, initial=initial)
    context = {"customer": customer, "access": access, "form": form, "item": None}
    status = 400 if request.method == "POST" else 200
    return render(request, "dialogue/action_item_form.html", context, status=status)


@login_required
def edit_action_item(request: HttpRequest, pk: int) -> HttpResponse:
    item, access = get_record_for_user(request.user, ActionItem, pk)
    customer = item.customer
    require(access.can_contribute)
    conflict = None
    if request.method == "POST":
        form = ActionItemForm(request.POST, instance=item, customer=customer)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version", None) or 0
            try:
                services.update_action_item(
                    item, expected_version=version, changes=data, by=request.user
                )
            except StaleVersion as exc:
                conflict = exc.current
                rebase(form, getattr(conflict, "version", version))
            else:
                messages.success(request, _("Action item updated."))
                return redirect("dialogue:timeline", pk=customer.pk)
    else:
        form = ActionItemForm(instance=item, customer=customer, initial={"version": item.version})
    context = {
        "customer": customer,
        "access": access,
        "form": form,
        "item": item,
        "conflict": conflict,
        "may_delete": access.can_change_authored(item.created_by_id),
    }
    status = form_status(request, conflict=conflict)
    return render(request, "dialogue/action_item_form.html", context, status=status)


@login_required
@require_POST
def delete_action_item(request: HttpRequest, pk: int) -> HttpResponse:
    item, access = get_record_for_user(request.user, ActionItem, pk)
    require(access.can_change_authored(item.created_by_id))
    services.delete_action_item(item, by=request.user)
    messages.success(
        request,
        _("The action item “%(item)s” was deleted. It is in Recently deleted for 30 days.")
        % {"item": item.description},
    )
    return redirect("dialogue:timeline", pk=item.customer_id)


@login_required
@require_POST
def set_action_item_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The done/cancel/reopen toggle; htmx gets the updated row back."""
    item, access = get_record_for_user(request.user, ActionItem, pk)
    require(access.can_contribute)
    form = ActionItemStatusForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Choose open, done or cancelled.", status=400)
    services.set_action_item_status(item, status=form.cleaned_data["status"], by=request.user)
    if not request.htmx:
        messages.success(request, _("Action item updated."))
        return redirect(safe_next(request, reverse("dialogue:my-action-items")))
    item = queries.action_items_for_user(request.user).get(pk=item.pk)
    return render(request, "dialogue/_action_item.html", {"item": item, "can_edit": True})


@login_required
@require_safe
def my_action_items(request: HttpRequest) -> HttpResponse:
    """The signed-in user's open items across accounts: overdue first, then by due date; with
    ?done=1 the ones they closed too (struck through, who closed them and when)."""
    show_done = request.GET.get("done") == "1"
    items = (
        queries.my_action_items(request.user, with_done=True)
        if show_done
        else queries.my_open_action_items(request.user)
    )
    page = Paginator(items, 25).get_page(request.GET.get("page"))
    return render(request, "dialogue/my_action_items.html", {"page": page, "show_done": show_done})


@login_required
@require_GET
def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    cursor = account_timeline.TimelineCursor.decode(request.GET.get("before"))
    view = account_timeline.TimelineFilter.from_query(request.GET)
    entries, next_cursor = account_timeline.timeline_page(customer, cursor=cursor, view=view)
    context = {
        "customer": customer,
        "access": access,
        "entries": entries,
        "next_cursor": next_cursor.encode() if next_cursor else "",
        "view": view,
        "filter_query": view.as_query(),
        "kinds": account_timeline.TIMELINE_FILTERS.items(),
        "people": users_who_can_see(customer.pk).only("pk", "first_name", "last_name", "username"),
    }
    template = "dialogue/timeline.html"
    if request.htmx and cursor is not None:
        template += "#entries"
    return render(request, template, context)
