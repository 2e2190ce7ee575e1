"""The team's action items: a manager's view of every open next step, by owner."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from dialogue import queries


@login_required
@require_safe
def team_action_items(request: HttpRequest) -> HttpResponse:
    """Open items on the accounts the user sees, grouped by owner, overdue first in each; a
    page at a time, each page starting after the last item of the one before."""
    cursor = queries.TeamCursor.parse(request.GET.get("after"))
    page = queries.team_open_action_items(request.user, cursor)
    timelines: dict[int, str] = {}
    for group in page.owners:
        for item in group.items:
            if item.customer_id not in timelines:
                timelines[item.customer_id] = reverse("dialogue:timeline", args=[item.customer_id])
            item.timeline_url = timelines[item.customer_id]
    return render(request, "dialogue/team_action_items.html", {"page": page})
