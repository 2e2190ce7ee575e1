"""Calendar feeds: the user's feed URLs (create, revoke) and the token-opened feed itself."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from customers.access import get_customer_for_user, require
from dialogue import calendar
from dialogue.models import CalendarFeed

NEW_FEED_URL_KEY = "dialogue_new_feed_url"


@login_required
@require_safe
def calendar_feeds(request: HttpRequest) -> HttpResponse:
    """The signed-in user's live feeds, and the URL of one just created (shown once)."""
    # Feeds of accounts the user no longer sees stay listed, so they can still be revoked.
    feeds = CalendarFeed.objects.filter(user=request.user, revoked_at__isnull=True)
    context = {
        "feeds": list(feeds.select_related("customer").order_by("-created_at", "-id")),
        "new_url": request.session.pop(NEW_FEED_URL_KEY, ""),
    }
    return render(request, "dialogue/calendar_feeds.html", context)


def _created(request: HttpRequest, token: str) -> HttpResponse:
    request.session[NEW_FEED_URL_KEY] = request.build_absolute_uri(
        reverse("dialogue:calendar-feed", args=[token])
    )
    messages.success(request, _("Feed created. Copy its address now: it is shown only once."))
    return redirect("dialogue:calendar-feeds")


@login_required
@require_POST
def create_my_feed(request: HttpRequest) -> HttpResponse:
    _feed, token = calendar.create_feed(request.user)
    return _created(request, token)


@login_required
@require_POST
def create_account_feed(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_follow_account_calendar)
    _feed, token = calendar.create_feed(request.user, customer=customer)
    return _created(request, token)


@login_required
@require_POST
def revoke_feed(request: HttpRequest, pk: int) -> HttpResponse:
    feed = get_object_or_404(CalendarFeed, pk=pk, user=request.user)
    calendar.revoke_feed(feed)
    messages.success(request, _("Feed revoked: calendars subscribed to it get nothing more."))
    return redirect("dialogue:calendar-feeds")


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed, for calendar apps: no session, the token is the credential (404 otherwise)."""
    feed = calendar.feed_for_token(token)
    if feed is None:
        raise Http404
    if feed.customer_id is not None:
        # An account feed is read as its user, with their access now.
        _customer, access = get_customer_for_user(feed.user, feed.customer_id)
        if not access.can_follow_account_calendar:
            raise Http404
    response = HttpResponse(
        calendar.feed_calendar(feed), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="accord.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
