"""The team's action items: a manager's view of every open next step, by owner."""

from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from dialogue import queries

TEAM_ITEMS_PER_PAGE = 100


@login_required
@require_safe
def team_action_items(request: HttpRequest) -> HttpResponse:
    """Open items on the accounts the user sees, grouped by owner, overdue first in each."""
    page = Paginator(queries.team_open_action_items(request.user), TEAM_ITEMS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    owners = []
    for owner, items in groupby(page, key=lambda item: item.owner):
        listed = list(items)
        owners.append((owner, listed, sum(1 for item in listed if item.is_overdue)))
    return render(request, "dialogue/team_action_items.html", {"page": page, "owners": owners})
