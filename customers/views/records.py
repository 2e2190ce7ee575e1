"""Any account record (goal, problem, process, stakeholder, move, option): add, edit, delete."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.visibility import AccountAccess
from core.conflicts import form_status, rebase, stored_values
from core.versioning import StaleVersion
from customers import queries, services
from customers.access import get_customer_for_user, require
from customers.forms import (
    GoalForm,
    OptionForm,
    ProblemForm,
    ProcessForm,
    RecordForm,
    StakeholderForm,
    StrategicMoveForm,
)
from customers.models import (
    Customer,
    CustomerOwned,
    Goal,
    Option,
    Problem,
    Process,
    Stakeholder,
    StrategicMove,
)
from customers.views.goals import goals_context


@dataclass(frozen=True)
class Kind:
    """One kind of account record the generic record pages handle."""

    model: type[CustomerOwned]
    form: type[RecordForm]
    tab: str
    singular: str


KINDS = {
    "goals": Kind(Goal, GoalForm, "goals", gettext_lazy("goal")),
    "problems": Kind(Problem, ProblemForm, "goals", gettext_lazy("problem")),
    "processes": Kind(Process, ProcessForm, "processes", gettext_lazy("process")),
    "stakeholders": Kind(Stakeholder, StakeholderForm, "stakeholders", gettext_lazy("stakeholder")),
    "moves": Kind(StrategicMove, StrategicMoveForm, "strategy", gettext_lazy("strategic move")),
    "options": Kind(Option, OptionForm, "strategy", gettext_lazy("option")),
}


TAB_URLS = {
    "goals": "customers:goals",
    "processes": "customers:processes",
    "stakeholders": "customers:stakeholders",
    "strategy": "customers:strategy",
}


def kind_for(slug: str) -> Kind:
    if slug not in KINDS:
        raise Http404("No such kind of record.")
    return KINDS[slug]


def load_record(customer: Customer, kind: Kind, record_id: int) -> CustomerOwned:
    """One live record of the account (a deleted one is a 404 until it is restored)."""
    return get_object_or_404(kind.model.objects.filter(customer=customer), pk=record_id)


def tab_url(customer: Customer, kind: Kind) -> str:
    return reverse(TAB_URLS[kind.tab], args=[customer.pk])


def _quick_form(
    request: HttpRequest, customer: Customer, access: AccountAccess, kind: Kind, form: RecordForm
) -> HttpResponse:
    """The goal tree's inline add form again, with its errors (htmx swaps only 2xx answers)."""
    goal = Goal.objects.filter(customer=customer, pk=request.POST.get("blocks_goals") or 0)
    return render(
        request,
        f"customers/goals.html#{'quick_goal' if kind.model is Goal else 'quick_problem'}",
        {
            "customer": customer,
            "access": access,
            "goal": goal.first(),
            "quick_form": form,
            "severities": Problem.Severity.choices,
        },
    )


def _similar_problems(
    request: HttpRequest, kind: Kind, form: RecordForm, customer: Customer
) -> list[Problem]:
    """A new problem close to an open one is most likely that one: warn, unless the user said
    it is a different one."""
    if kind.model is not Problem or request.method != "POST" or request.POST.get("create_anyway"):
        return []
    if not form.is_valid():
        return []
    return queries.similar_open_problems(customer.pk, form.cleaned_data["title"])


@login_required
def add_record(request: HttpRequest, pk: int, kind_slug: str) -> HttpResponse:
    kind = kind_for(kind_slug)
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_contribute)
    quick = request.POST.get("quick", "")
    form = kind.form(request.POST or None, customer=customer, initial=request.GET.dict())
    similar = _similar_problems(request, kind, form, customer) if not quick else []
    if request.method == "POST" and form.is_valid() and not similar:
        fields, m2m = form.split()
        fields.pop("version", None)
        services.create_record(
            kind.model, customer=customer, by=request.user, fields=fields, m2m=m2m
        )
        if request.htmx and quick:
            response = render(request, "customers/goals.html#tree", goals_context(customer, access))
            response["HX-Retarget"] = "#goal-tree"
            response["HX-Reswap"] = "outerHTML"
            return response
        messages.success(request, _("The %(kind)s was added.") % {"kind": kind.singular})
        return redirect(tab_url(customer, kind))
    if request.htmx and quick:
        return _quick_form(request, customer, access, kind, form)
    return render(
        request,
        "customers/record_form.html",
        {
            "customer": customer,
            "access": access,
            "kind": kind,
            "kind_slug": kind_slug,
            "form": form,
            "back_url": tab_url(customer, kind),
            "similar": similar,
        },
        status=200 if similar else form_status(request),
    )


@login_required
def edit_record(request: HttpRequest, pk: int, kind_slug: str, record_id: int) -> HttpResponse:
    kind = kind_for(kind_slug)
    customer, access = get_customer_for_user(request.user, pk)
    record = load_record(customer, kind, record_id)
    require(access.can_contribute)
    conflict = None
    if request.method == "POST":
        form = kind.form(request.POST, instance=record, customer=customer)
        if form.is_valid():
            fields, m2m = form.split()
            expected = form.cleaned_data["version"]
            try:
                services.update_record(
                    record, by=request.user, expected_version=expected, changes=fields, m2m=m2m
                )
            except StaleVersion as exc:
                if exc.current is None:
                    raise Http404("The record was deleted meanwhile.") from exc
                conflict = stored_values(exc.current, kind.form.Meta.fields)
                rebase(form, exc.current.version)
            else:
                messages.success(request, _("The %(kind)s was saved.") % {"kind": kind.singular})
                return redirect("customers:record", customer.pk, kind_slug, record.pk)
    else:
        form = kind.form(instance=record, customer=customer, initial={"version": record.version})
    return render(
        request,
        "customers/record_form.html",
        {
            "customer": customer,
            "access": access,
            "kind": kind,
            "kind_slug": kind_slug,
            "form": form,
            "record": record,
            "conflict": conflict,
        },
        status=form_status(request, conflict=conflict),
    )


@login_required
@require_POST
def delete_record(request: HttpRequest, pk: int, kind_slug: str, record_id: int) -> HttpResponse:
    kind = kind_for(kind_slug)
    customer, access = get_customer_for_user(request.user, pk)
    record = load_record(customer, kind, record_id)
    require(access.can_edit_core)
    services.delete_record(record, by=request.user)
    messages.success(
        request,
        _("The %(kind)s “%(record)s” was deleted. It is in Recently deleted for 30 days.")
        % {"kind": kind.singular, "record": record},
    )
    return redirect(tab_url(customer, kind))
