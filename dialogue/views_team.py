"""The team's action items: a manager's view of every open next step, by owner."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from dialogue import queries


@login_required
@require_safe
def team_action_items(request: HttpRequest) -> HttpResponse:
    """Open items on the accounts the user sees, grouped by owner, overdue first in each; a
    page at a time, each page starting after the last item of the one before."""
    cursor = queries.TeamCursor.parse(request.GET.get("after"))
    page = queries.team_open_action_items(request.user, cursor)
    return render(request, "dialogue/team_action_items.html", {"page": page})
