"""The start page: each role lands on what it works on next.

It composes the apps below it (customers, dialogue, solutions, health) and owns nothing, so
it sits above them all.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.visibility import access_from_annotations, annotate_access, can_create_customers
from customers.tallies import shares, visible_in_order
from dialogue.models import Meeting
from dialogue.queries import home_plans, my_open_action_items
from health import queries as health_queries
from solutions.queries import requests_for

HOME_LIST_LIMIT = 5


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's start page: their accounts plus what their role works on next
    (salespeople and admins: open action items, recent meetings; specialists: requests;
    managers: their teams' bands and red accounts), each block one sliced query."""
    user = request.user
    scope = health_queries.dashboard_scope(user) if user.is_manager else None
    if scope is not None:
        visible, total = sum(scope.band_counts.values()), scope.total
    else:
        visible, total = shares(user)
    # Read in the name index's order, counted by the tallies: the page reads about what it shows.
    customers = visible_in_order(user, visible=visible, total=total)
    paginator = Paginator(
        annotate_access(customers.select_related("lead"), user).order_by("name", "id"), 50
    )
    paginator.count = visible
    page = paginator.get_page(request.GET.get("page"))
    rows = [(customer, access_from_annotations(customer, user)) for customer in page]
    context: dict[str, object] = {"page": page, "rows": rows, "limit": HOME_LIST_LIMIT}
    if scope is not None:
        context["band_counts"] = scope.band_counts
        context["attention"] = health_queries.needs_attention(scope)
    elif user.is_specialist:
        context["requests"] = list(requests_for(user)[: HOME_LIST_LIMIT + 1])
    else:
        context["action_items"] = list(my_open_action_items(user)[: HOME_LIST_LIMIT + 1])
        context["recent_meetings"] = list(
            Meeting.objects.visible_to(user)
            .filter(deleted_at__isnull=True)
            .select_related("customer", "author")
            .order_by("-occurred_at", "-id")[:HOME_LIST_LIMIT]
        )
    # Attendees see their coming meetings; owners see plans that passed without an outcome.
    context["upcoming_plans"], context["unlogged_plans"] = home_plans(
        user, now=timezone.now(), limit=HOME_LIST_LIMIT
    )
    context["may_create_customers"] = can_create_customers(user)
    return render(request, "home/home.html", context)
