"""Calendar feeds (RFC 5545, written with `icalendar`): planned meetings and due dates.

A feed is read by calendar apps with a random token in its URL (no session): the token names a
`CalendarFeed` of one user, either their own meetings and action items or, for an account's
lead, the account's. Every read goes through the visibility rule as that user, so a user who
lost an account stops seeing it in their feed, and a revoked or deactivated feed answers 404.
Events keep their UID; SEQUENCE rises when a plan changes, and a cancelled or deleted plan
stays in the feed as STATUS:CANCELLED so subscribed calendars remove it.
"""

import datetime as dt
import hashlib
import secrets

import icalendar
from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from customers.models import Customer
from dialogue.models import ActionItem, CalendarFeed, PlannedMeeting

# Past events stay in the feed this long (so a cancellation still reaches calendars).
KEEP_PAST = dt.timedelta(days=30)
FEED_LIMIT = 500


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_feed(user: User, *, customer: Customer | None = None) -> tuple[CalendarFeed, str]:
    """A new feed and its token (shown once; only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(
        user=user, customer=customer, token_hash=hash_token(token), prefix=token[:6]
    )
    return feed, token


def revoke_feed(feed: CalendarFeed) -> bool:
    """Stop the feed answering; False when it already was revoked."""
    return bool(
        CalendarFeed.objects.filter(pk=feed.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


def feed_for_token(token: str) -> CalendarFeed | None:
    """The live feed of an active user that `token` opens, or None."""
    if not token or len(token) > 100:
        return None
    return (
        CalendarFeed.objects.select_related("user", "customer")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def _plans(feed: CalendarFeed, since: dt.datetime) -> QuerySet[PlannedMeeting]:
    plans = (
        PlannedMeeting.objects.visible_to(feed.user)
        .filter(starts_at__gte=since)
        .select_related("customer")
        .order_by("starts_at", "pk")
    )
    if feed.customer_id:
        return plans.filter(customer_id=feed.customer_id)
    mine = Q(owner=feed.user) | Q(internal_attendees=feed.user)
    return plans.filter(mine).distinct()


def _items(feed: CalendarFeed, since: dt.date) -> QuerySet[ActionItem]:
    items = (
        ActionItem.objects.visible_to(feed.user)
        .filter(due_on__isnull=False, due_on__gte=since)
        .select_related("customer", "owner")
        .order_by("due_on", "pk")
    )
    if feed.customer_id:
        return items.filter(customer_id=feed.customer_id)
    return items.filter(owner=feed.user)


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _meeting_event(plan: PlannedMeeting, zone: dt.tzinfo) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", plan.uid)
    event.add("dtstamp", plan.updated_at)
    event.add("last-modified", plan.updated_at)
    event.add("dtstart", timezone.localtime(plan.starts_at, zone))
    event.add("dtend", timezone.localtime(plan.ends_at, zone))
    event.add("summary", f"{plan.title} · {plan.customer.name}")
    if plan.location:
        event.add("location", plan.location)
    url = _absolute(reverse("dialogue:planned-meeting", args=[plan.pk]))
    event.add("url", url)
    event.add("description", f"{plan.agenda}\n\n{url}".strip())
    event.add("sequence", plan.sequence)
    cancelled = plan.status == PlannedMeeting.Status.CANCELLED or plan.deleted_at is not None
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _item_event(item: ActionItem) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"action-item-{item.pk}@accord")
    event.add("dtstamp", item.updated_at)
    event.add("last-modified", item.updated_at)
    # A due date is a date, not a moment: an all-day event, never shifted by a zone.
    event.add("dtstart", item.due_on)
    event.add("dtend", item.due_on + dt.timedelta(days=1))
    done = "✓ " if item.status == ActionItem.Status.DONE else ""
    event.add("summary", f"{done}Due: {item.description} · {item.customer.name}")
    event.add("url", _absolute(reverse("dialogue:edit-action-item", args=[item.pk])))
    event.add("sequence", item.version)
    event.add("transp", "TRANSPARENT")
    cancelled = item.status == ActionItem.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def feed_calendar(feed: CalendarFeed, *, now: dt.datetime | None = None) -> bytes:
    """The feed's iCalendar document."""
    now = now or timezone.now()
    # The feed's user's zone (User.time_zone, else the site's): calendar apps convert from it,
    # and one that shows the event's own zone shows the one its reader chose in Accord.
    zone = feed.user.zone or timezone.get_default_timezone()
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Accord//Accord calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    name = f"Accord · {feed.customer.name}" if feed.customer_id else f"Accord · {feed.user}"
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", str(zone))
    for plan in _plans(feed, now - KEEP_PAST)[:FEED_LIMIT]:
        cal.add_component(_meeting_event(plan, zone))
    for item in _items(feed, timezone.localdate(now, zone) - KEEP_PAST)[:FEED_LIMIT]:
        cal.add_component(_item_event(item))
    cal.add_missing_timezones()
    return cal.to_ical()
