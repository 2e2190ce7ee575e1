"""The customer's processes and their ordered steps."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from accounts.visibility import AccountAccess
from customers import queries, services
from customers.access import get_customer_for_user, require
from customers.forms import StepForm
from customers.models import Customer, Process, ProcessStep


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
