"""Calendar feeds: parsed back with icalendar (zones, UIDs, a cancellation), revocation, access."""

import datetime as dt
import zoneinfo

import icalendar
import pytest
import time_machine
from django.urls import reverse

from dialogue import calendar, services
from dialogue.models import ActionItem, CalendarFeed
from tests import factories

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def feed_url(token: str) -> str:
    return reverse("dialogue:calendar-feed", args=[token])


def events(client, token: str) -> dict[str, icalendar.Event]:
    response = client.get(feed_url(token))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def test_a_users_feed_lists_their_meetings_and_due_dates_in_their_zone(client, actors, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    plan = factories.PlannedMeetingFactory(
        customer=actors.customer_a,
        title="Fleet review",
        starts_at=dt.datetime(2026, 12, 20, 9, 30, tzinfo=BERLIN),
        duration_minutes=90,
        location="Bremen",
    )
    plan.internal_attendees.add(actors.spec_a)
    due = dt.date(2026, 12, 22)
    item = factories.ActionItemFactory(customer=actors.customer_a, owner=actors.spec_a, due_on=due)
    factories.PlannedMeetingFactory(customer=actors.customer_b, title="Other team's")
    _feed, token = calendar.create_feed(actors.spec_a)
    found = events(client, token)  # no session: the token is the credential
    assert set(found) == {plan.uid, f"action-item-{item.pk}@accord"}
    meeting = found[plan.uid]
    start = meeting.decoded("dtstart")
    assert start == dt.datetime(2026, 12, 20, 9, 30, tzinfo=BERLIN)
    assert str(meeting["dtstart"].params["TZID"]) == "Europe/Berlin"
    assert meeting.decoded("dtend") - start == dt.timedelta(minutes=90)
    assert str(meeting["status"]) == "CONFIRMED"
    assert meeting["sequence"] == 0
    assert "Fleet review" in str(meeting["summary"])
    # A due date is a date: an all-day event on that very day.
    assert found[f"action-item-{item.pk}@accord"].decoded("dtstart") == due
    cal = icalendar.Calendar.from_ical(client.get(feed_url(token)).content)
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_a_change_raises_the_sequence_and_a_cancellation_stays_as_cancelled(client, actors):
    plan = factories.PlannedMeetingFactory(customer=actors.customer_a)
    _feed, token = calendar.create_feed(actors.sales_a)
    assert events(client, token)[plan.uid]["sequence"] == 0
    services.update_planned_meeting(
        plan, expected_version=plan.version, changes={"title": "Moved"}, m2m={}
    )
    changed = events(client, token)[plan.uid]
    assert (changed["sequence"], "Moved" in str(changed["summary"])) == (1, True)
    services.cancel_planned_meeting(plan)
    cancelled = events(client, token)[plan.uid]
    assert (str(cancelled["status"]), cancelled["sequence"]) == ("CANCELLED", 2)


def test_a_user_who_lost_the_account_stops_seeing_it_in_their_feed(client, actors):
    plan = factories.PlannedMeetingFactory(customer=actors.customer_a)
    plan.internal_attendees.add(actors.spec_a)
    factories.ActionItemFactory(customer=actors.customer_a, owner=actors.spec_a)
    _feed, token = calendar.create_feed(actors.spec_a)
    assert len(events(client, token)) == 2
    actors.customer_a.memberships.filter(user=actors.spec_a).delete()
    assert events(client, token) == {}


def test_revoked_unknown_and_deactivated_feeds_answer_404(client, actors):
    feed, token = calendar.create_feed(actors.sales_a)
    assert client.get(feed_url("not-a-token")).status_code == 404
    calendar.revoke_feed(feed)
    assert client.get(feed_url(token)).status_code == 404
    _feed, token2 = calendar.create_feed(actors.sales_a2)
    actors.sales_a2.is_active = False
    actors.sales_a2.save()
    assert client.get(feed_url(token2)).status_code == 404


def test_the_lead_subscribes_to_an_account_feed(client, actors):
    plan = factories.PlannedMeetingFactory(customer=actors.customer_a, owner=actors.spec_a)
    item = factories.ActionItemFactory(customer=actors.customer_a, owner=actors.spec_a)
    client.force_login(actors.sales_a)
    response = client.post(
        reverse("dialogue:create-account-calendar-feed", args=[actors.customer_a.pk])
    )
    assert response.status_code == 302
    page = client.get(reverse("dialogue:calendar-feeds")).content.decode()
    url = page.split('id="new-feed-url" type="text" readonly value="')[1].split('"')[0]
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    client.logout()
    assert set(events(client, token)) == {plan.uid, f"action-item-{item.pk}@accord"}
    # The address is shown once only.
    client.force_login(actors.sales_a)
    assert "new-feed-url" not in client.get(reverse("dialogue:calendar-feeds")).content.decode()
    # Once they lead the account no more, the feed answers 404.
    actors.customer_a.memberships.filter(user=actors.sales_a).update(role="viewer")
    client.logout()
    assert client.get(feed_url(token)).status_code == 404


def test_specialists_and_other_teams_may_not_follow_an_account(client, actors):
    url = reverse("dialogue:create-account-calendar-feed", args=[actors.customer_a.pk])
    client.force_login(actors.spec_a)
    assert client.post(url).status_code == 403
    client.force_login(actors.sales_b)
    assert client.post(url).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_only_the_owner_revokes_a_feed(client, actors):
    feed, _token = calendar.create_feed(actors.sales_a)
    client.force_login(actors.sales_b)
    revoke = reverse("dialogue:revoke-calendar-feed", args=[feed.pk])
    assert client.post(revoke).status_code == 404
    client.force_login(actors.sales_a)
    assert client.post(revoke).status_code == 302
    feed.refresh_from_db()
    assert feed.revoked_at is not None


@pytest.mark.parametrize("count", [1, 5])
def test_the_feed_runs_a_fixed_number_of_queries(client, actors, count, django_assert_num_queries):
    for _ in range(count):
        plan = factories.PlannedMeetingFactory(customer=actors.customer_a)
        plan.internal_attendees.add(actors.spec_a)
        factories.ActionItemFactory(customer=actors.customer_a, owner=actors.spec_a)
    _feed, token = calendar.create_feed(actors.spec_a)
    # The feed with its user; the plans with their customer; the items with customer and owner.
    with django_assert_num_queries(3):
        client.get(feed_url(token))
    assert ActionItem.objects.count() == count


@pytest.mark.parametrize(
    ("zone_name", "local_start"),
    [
        ("Europe/Berlin", dt.datetime(2026, 3, 30, 16, 0)),  # summer time began on the 29th
        ("America/New_York", dt.datetime(2026, 3, 30, 10, 0)),
    ],
)
def test_the_feed_carries_its_users_zone(client, actors, settings, zone_name, local_start):
    settings.TIME_ZONE = "Asia/Tokyo"  # the site's zone must not leak into the feed
    actors.spec_a.time_zone = zone_name
    actors.spec_a.save()
    plan = factories.PlannedMeetingFactory(
        customer=actors.customer_a, starts_at=dt.datetime(2026, 3, 30, 14, 0, tzinfo=dt.UTC)
    )
    plan.internal_attendees.add(actors.spec_a)
    # Due "today" for a New York user late in the evening is already tomorrow in Tokyo.
    item = factories.ActionItemFactory(
        customer=actors.customer_a, owner=actors.spec_a, due_on=dt.date(2026, 3, 30)
    )
    _feed, token = calendar.create_feed(actors.spec_a)
    with time_machine.travel(dt.datetime(2026, 3, 30, 3, 0, tzinfo=dt.UTC), tick=False):
        response = client.get(feed_url(token))
    cal = icalendar.Calendar.from_ical(response.content)
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == [zone_name]
    assert str(cal["x-wr-timezone"]) == zone_name
    found = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    start = found[plan.uid]["dtstart"]
    assert str(start.params["TZID"]) == zone_name
    assert start.dt.replace(tzinfo=None) == local_start
    assert start.dt == dt.datetime(2026, 3, 30, 14, 0, tzinfo=dt.UTC)  # the same moment
    assert found[f"action-item-{item.pk}@accord"].decoded("dtstart") == dt.date(2026, 3, 30)
