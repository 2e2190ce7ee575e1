"""Goals and the problems that block them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from accounts.visibility import AccountAccess
from customers import queries, services
from customers.access import get_customer_for_user, require
from customers.forms import LinkProblemForm
from customers.models import Customer, Goal, Problem


def goals_context(customer: Customer, access: AccountAccess, **extra: object) -> dict:
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
    return render(request, "customers/goals.html", goals_context(customer, access))


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
        messages.error(request, _("Choose one of this customer's problems to link."))
    if request.htmx:
        return render(request, "customers/goals.html#tree", goals_context(customer, access))
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
        return render(request, "customers/goals.html#tree", goals_context(customer, access))
    return redirect("customers:goals", customer.pk)
