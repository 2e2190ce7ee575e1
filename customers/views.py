"""The customer workspace: overview, canvas, goals & problems, processes, people, strategy."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from accounts.models import AccountMembership, User
from accounts.visibility import AccountAccess, can_create_customers
from core.versioning import StaleVersion
from customers import imports, queries, services
from customers.access import get_customer_for_user, require
from customers.forms import (
    CanvasBoxForm,
    CsvUploadForm,
    CustomerForm,
    GoalForm,
    LinkProblemForm,
    MemberForm,
    OptionForm,
    ProblemForm,
    ProcessForm,
    RecordForm,
    RoleForm,
    StakeholderForm,
    StepForm,
    StrategicMoveForm,
)
from customers.models import (
    BusinessModel,
    Customer,
    CustomerOwned,
    Goal,
    Option,
    Problem,
    Process,
    ProcessStep,
    Stakeholder,
    StrategicMove,
)


@dataclass(frozen=True)
class Kind:
    """One kind of account record the generic record pages handle."""

    model: type[CustomerOwned]
    form: type[RecordForm]
    tab: str
    singular: str


KINDS = {
    "goals": Kind(Goal, GoalForm, "goals", "goal"),
    "problems": Kind(Problem, ProblemForm, "goals", "problem"),
    "processes": Kind(Process, ProcessForm, "processes", "process"),
    "stakeholders": Kind(Stakeholder, StakeholderForm, "stakeholders", "stakeholder"),
    "moves": Kind(StrategicMove, StrategicMoveForm, "strategy", "strategic move"),
    "options": Kind(Option, OptionForm, "strategy", "option"),
}
TAB_URLS = {
    "goals": "customers:goals",
    "processes": "customers:processes",
    "stakeholders": "customers:stakeholders",
    "strategy": "customers:strategy",
}


def _kind(slug: str) -> Kind:
    if slug not in KINDS:
        raise Http404("No such kind of record.")
    return KINDS[slug]


def _load_record(customer: Customer, kind: Kind, record_id: int) -> CustomerOwned:
    queryset = kind.model.objects.filter(customer=customer)
    if kind.model is Stakeholder:
        queryset = queryset.filter(deleted_at__isnull=True)
    return get_object_or_404(queryset, pk=record_id)


def _display(instance: models.Model, names: list[str]) -> list[tuple[str, str]]:
    """Field labels and human-readable stored values, for showing the other side of a conflict."""
    rows = []
    for name in names:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            value = ", ".join(str(o) for o in getattr(instance, name).all()) or "—"
        elif field.choices:
            value = getattr(instance, f"get_{name}_display")()
        else:
            value = getattr(instance, name)
            value = "—" if value in (None, "") else str(value)
        rows.append((str(field.verbose_name).capitalize(), value))
    return rows


def _rebased(request: HttpRequest, version: int) -> dict:
    """The user's input, with the version moved to the stored one so they can save on purpose."""
    data = request.POST.copy()
    data["version"] = str(version)
    return data


# --- Overview and customer core record --------------------------------------------------------


@login_required
@require_safe
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    overview = queries.workspace_overview(customer)
    return render(
        request,
        "customers/customer_detail.html",
        {"customer": customer, "access": access, "overview": overview, "members": overview.members},
    )


@login_required
def create_customer(request: HttpRequest) -> HttpResponse:
    require(can_create_customers(request.user))
    form = CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        customer = services.create_customer(lead=request.user, **data)
        messages.success(request, f"{customer.name} created; you are its lead.")
        return redirect("customers:detail", customer.pk)
    return render(
        request,
        "customers/customer_form.html",
        {"form": form, "customer": None},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def edit_customer(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_edit_core)
    conflict = None
    if request.method == "POST":
        form = CustomerForm(request.POST, instance=Customer.objects.get(pk=customer.pk))
        if form.is_valid():
            changes = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                services.update_customer(
                    customer,
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                    changes=changes,
                )
            except StaleVersion as exc:
                current = exc.current
                conflict = _display(current, CustomerForm.Meta.fields)
                form = CustomerForm(_rebased(request, current.version), instance=current)
                form.is_valid()
            else:
                messages.success(request, "Customer saved.")
                return redirect("customers:detail", customer.pk)
    else:
        form = CustomerForm(instance=customer, initial={"version": customer.version})
    return render(
        request,
        "customers/customer_form.html",
        {"form": form, "customer": customer, "access": access, "conflict": conflict},
        status=409 if conflict else 400 if request.method == "POST" else 200,
    )


# --- Account team -----------------------------------------------------------------------------


def _team_context(
    customer: Customer, access: AccountAccess, add_form: MemberForm | None = None
) -> dict:
    members = list(customer.memberships.select_related("user").order_by("role", "user__username"))
    return {
        "customer": customer,
        "access": access,
        "members": members,
        "add_form": add_form or MemberForm(),
        "roles": AccountMembership.Role.choices,
    }


@login_required
@require_safe
def team(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    return render(request, "customers/team.html", _team_context(customer, access))


@login_required
@require_POST
def add_member(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_manage_members)
    form = MemberForm(request.POST)
    if form.is_valid():
        user = form.cleaned_data["username"]
        try:
            services.set_membership(customer, user=user, role=form.cleaned_data["role"])
        except ValueError as exc:
            form.add_error("role", str(exc))
        else:
            messages.success(request, f"{user.display_name} is on the account team.")
            return redirect("customers:team", customer.pk)
    return render(request, "customers/team.html", _team_context(customer, access, form), status=400)


@login_required
@require_POST
def change_member_role(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_manage_members)
    membership = get_object_or_404(customer.memberships.select_related("user"), user_id=user_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the listed roles.")
    else:
        try:
            services.set_membership(customer, user=membership.user, role=form.cleaned_data["role"])
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{membership.user.display_name}'s role changed.")
    return redirect("customers:team", customer.pk)


@login_required
@require_POST
def remove_member(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_manage_members)
    membership = get_object_or_404(customer.memberships.select_related("user"), user_id=user_id)
    try:
        services.remove_membership(customer, user=membership.user)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{membership.user.display_name} left the account team.")
    return redirect("customers:team", customer.pk)


# --- Business Model Canvas --------------------------------------------------------------------


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


@login_required
@require_POST
def save_canvas_box(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_contribute)
    form = CanvasBoxForm(request.POST)
    field = request.POST.get("field", "")
    if field not in BusinessModel.CANVAS_FIELDS:
        raise Http404("No such canvas box.")
    status = 200
    typed = request.POST.get("text", "")
    if not form.is_valid():
        errors = [e for errs in form.errors.values() for e in errs]
        box = _canvas_box(_canvas_of(customer), field, text=typed, errors=errors)
        status = 400
    else:
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
            box = _canvas_box(
                current, field, text=typed, conflict_text=getattr(current, field) or "—"
            )
            status = 409
        else:
            box = _canvas_box(saved, field, saved=True)
    if request.htmx:
        return render(
            request,
            "customers/canvas.html#box",
            {"customer": customer, "access": access, "box": box},
            # htmx swaps only 2xx answers; the fragment itself shows the error or conflict.
        )
    if status == 200:
        messages.success(request, f"{box.label} saved.")
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


# --- Goals and problems -----------------------------------------------------------------------


def _goals_context(customer: Customer, access: AccountAccess, **extra: object) -> dict:
    tree = queries.goals_tree(customer)
    return {
        "customer": customer,
        "access": access,
        "goals": tree.goals,
        "unlinked": tree.unlinked,
        "severe": tree.severe,
        "severities": Problem.Severity.choices,
        **extra,
    }


@login_required
@require_safe
def goals(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    return render(request, "customers/goals.html", _goals_context(customer, access))


@login_required
@require_POST
def link_problem(request: HttpRequest, pk: int, goal_id: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_contribute)
    goal = get_object_or_404(Goal.objects.filter(customer=customer), pk=goal_id)
    form = LinkProblemForm(request.POST, customer=customer, goal=goal)
    if form.is_valid():
        problem = form.cleaned_data["problem"]
        services.link_problem_to_goal(problem, goal=goal, by=request.user)
    else:
        messages.error(request, "Choose one of this customer's problems to link.")
    if request.htmx:
        return render(request, "customers/goals.html#tree", _goals_context(customer, access))
    return redirect("customers:goals", customer.pk)


@login_required
@require_POST
def unlink_problem(request: HttpRequest, pk: int, goal_id: int, problem_id: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_contribute)
    goal = get_object_or_404(Goal.objects.filter(customer=customer), pk=goal_id)
    problem = get_object_or_404(Problem.objects.filter(customer=customer), pk=problem_id)
    services.unlink_problem_from_goal(problem, goal=goal, by=request.user)
    if request.htmx:
        return render(request, "customers/goals.html#tree", _goals_context(customer, access))
    return redirect("customers:goals", customer.pk)


# --- Processes --------------------------------------------------------------------------------


@login_required
@require_safe
def processes(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    return render(
        request,
        "customers/processes.html",
        {
            "customer": customer,
            "access": access,
            "processes": queries.processes_with_steps(customer),
        },
    )


def _step_for(customer: Customer, step_id: int) -> ProcessStep:
    return get_object_or_404(
        ProcessStep.objects.filter(process__customer=customer).select_related("process"),
        pk=step_id,
    )


@login_required
@require_POST
def add_step(request: HttpRequest, pk: int, process_id: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_contribute)
    process = get_object_or_404(Process.objects.filter(customer=customer), pk=process_id)
    form = StepForm(request.POST, prefix=f"step-{process.pk}")
    if form.is_valid():
        services.add_process_step(process, by=request.user, **form.cleaned_data)
        return _processes_response(request, customer, access)
    process_list = queries.processes_with_steps(customer)
    for item in process_list:
        if item.pk == process.pk:
            item.step_form = form  # type: ignore[attr-defined]
    context = {"customer": customer, "access": access, "processes": process_list}
    if request.htmx:
        return render(request, "customers/processes.html#list", context)
    return render(request, "customers/processes.html", context, status=400)


def _processes_response(
    request: HttpRequest, customer: Customer, access: AccountAccess
) -> HttpResponse:
    if request.htmx:
        return render(
            request,
            "customers/processes.html#list",
            {
                "customer": customer,
                "access": access,
                "processes": queries.processes_with_steps(customer),
            },
        )
    return redirect("customers:processes", customer.pk)


@login_required
@require_POST
def move_step(request: HttpRequest, pk: int, step_id: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_contribute)
    step = _step_for(customer, step_id)
    direction = request.POST.get("direction")
    if direction not in {"up", "down"}:
        return HttpResponse("Direction must be up or down.", status=400)
    services.move_process_step(step, up=direction == "up", by=request.user)
    return _processes_response(request, customer, access)


@login_required
@require_POST
def delete_step(request: HttpRequest, pk: int, step_id: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_contribute)
    services.delete_process_step(_step_for(customer, step_id), by=request.user)
    return _processes_response(request, customer, access)


# --- Stakeholders and strategy ----------------------------------------------------------------


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
@require_safe
def strategy(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    moves, options = queries.strategy(customer)
    return render(
        request,
        "customers/strategy.html",
        {"customer": customer, "access": access, "moves": moves, "options": options},
    )


# --- Any record: create, edit, delete, history ------------------------------------------------


def _tab_url(customer: Customer, kind: Kind) -> str:
    return reverse(TAB_URLS[kind.tab], args=[customer.pk])


@login_required
def add_record(request: HttpRequest, pk: int, kind_slug: str) -> HttpResponse:
    kind = _kind(kind_slug)
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_contribute)
    quick = request.POST.get("quick", "")
    form = kind.form(request.POST or None, customer=customer, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        fields, m2m = form.split()
        fields.pop("version", None)
        services.create_record(
            kind.model, customer=customer, by=request.user, fields=fields, m2m=m2m
        )
        if request.htmx and quick:
            response = render(
                request, "customers/goals.html#tree", _goals_context(customer, access)
            )
            response["HX-Retarget"] = "#goal-tree"
            response["HX-Reswap"] = "outerHTML"
            return response
        messages.success(request, f"The {kind.singular} was added.")
        return redirect(_tab_url(customer, kind))
    if request.htmx and quick:
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
    return render(
        request,
        "customers/record_form.html",
        {
            "customer": customer,
            "access": access,
            "kind": kind,
            "kind_slug": kind_slug,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def edit_record(request: HttpRequest, pk: int, kind_slug: str, record_id: int) -> HttpResponse:
    kind = _kind(kind_slug)
    customer, access = get_customer_for_user(request.user, pk)
    record = _load_record(customer, kind, record_id)
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
                current = exc.current
                if current is None:
                    raise Http404("The record was deleted meanwhile.") from exc
                conflict = _display(current, kind.form.Meta.fields)
                form = kind.form(
                    _rebased(request, current.version), instance=current, customer=customer
                )
                form.is_valid()
            else:
                messages.success(request, f"The {kind.singular} was saved.")
                return redirect(_tab_url(customer, kind))
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
            "may_delete": access.can_edit_core,
        },
        status=409 if conflict else 400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def delete_record(request: HttpRequest, pk: int, kind_slug: str, record_id: int) -> HttpResponse:
    kind = _kind(kind_slug)
    customer, access = get_customer_for_user(request.user, pk)
    record = _load_record(customer, kind, record_id)
    require(access.can_edit_core)
    services.delete_record(record, by=request.user)
    messages.success(request, f"The {kind.singular} “{record}” was deleted.")
    return redirect(_tab_url(customer, kind))


@dataclass
class HistoryEntry:
    when: object
    who: str
    action: str
    version: int | None
    changes: list[tuple[str, str, str]]


ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


def _history(record: models.Model, skip: set[str]) -> list[HistoryEntry]:
    """The record's history, newest first, each entry with its field-by-field changes."""
    rows = list(record.history.select_related("history_user").order_by("-history_id")[:101])  # type: ignore[attr-defined]
    entries = []
    for newer, older in zip(rows, [*rows[1:], None], strict=True):
        changes = []
        if older is not None:
            for change in newer.diff_against(older, excluded_fields=skip).changes:
                field = record._meta.get_field(change.field)
                changes.append(
                    (
                        str(field.verbose_name).capitalize(),
                        _history_value(field, change.old),
                        _history_value(field, change.new),
                    )
                )
        who = newer.history_user.display_name if newer.history_user else "the system"
        entries.append(
            HistoryEntry(
                newer.history_date,
                who,
                ACTIONS.get(newer.history_type, "changed"),
                getattr(newer, "version", None),
                changes,
            )
        )
    return entries[:100]


def _history_value(field: models.Field, value: object) -> str:
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        return f"#{value}"
    return str(value)


HISTORY_SKIP = {"version", "updated_at", "created_at"}


@login_required
@require_safe
def record_history(request: HttpRequest, pk: int, kind_slug: str, record_id: int) -> HttpResponse:
    kind = _kind(kind_slug)
    customer, access = get_customer_for_user(request.user, pk)
    record = _load_record(customer, kind, record_id)
    return render(
        request,
        "customers/history.html",
        {
            "customer": customer,
            "access": access,
            "record": record,
            "kind": kind,
            "entries": _history(record, HISTORY_SKIP),
            "back_url": _tab_url(customer, kind),
        },
    )


@login_required
@require_safe
def customer_history(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    canvas_row = BusinessModel.objects.filter(customer=customer).first()
    return render(
        request,
        "customers/history.html",
        {
            "customer": customer,
            "access": access,
            "record": customer,
            "entries": _history(customer, HISTORY_SKIP),
            "canvas_entries": _history(canvas_row, HISTORY_SKIP) if canvas_row else [],
            "back_url": reverse("customers:detail", args=[customer.pk]),
        },
    )


# --- CSV import -------------------------------------------------------------------------------


@login_required
def import_customers(request: HttpRequest) -> HttpResponse:
    user: User = request.user
    require(can_create_customers(user))
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = imports.import_customers(form.cleaned_data["file"], by=user)
        if result.ok:
            messages.success(request, f"Imported {result.created} customers.")
            return redirect("home")
    return render(
        request,
        "customers/import.html",
        {"form": form, "result": result, "what": "customers", "columns": imports.CUSTOMER_COLUMNS},
        status=400 if result and not result.ok else 200,
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
            messages.success(request, f"Imported {result.created} stakeholders.")
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
