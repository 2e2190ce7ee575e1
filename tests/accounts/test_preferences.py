import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.localization import as_user_sees_it
from core.csv import safe_cell
from dialogue.models import Meeting
from tests.conftest import api_as
from tests.dialogue.test_views import log_url, meeting_post

pytestmark = pytest.mark.django_db


def _berlin(user):
    user.time_zone = "Europe/Berlin"
    user.save()
    return user


def test_preferences_page_saves_zone_and_language(client, actors):
    client.force_login(actors.sales_a)
    url = reverse("preferences")
    assert client.get(url).status_code == 200
    response = client.post(url, {"time_zone": "Europe/Berlin", "language": "de"})
    assert response.status_code == 302
    actors.sales_a.refresh_from_db()
    assert (actors.sales_a.time_zone, actors.sales_a.language) == ("Europe/Berlin", "de")


def test_preferences_refuse_unknown_zone_and_keep_the_form(client, actors):
    client.force_login(actors.sales_a)
    response = client.post(reverse("preferences"), {"time_zone": "Mars/Olympus", "language": "de"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_time_zone_error"' in body or "Select a valid choice" in body
    actors.sales_a.refresh_from_db()
    assert actors.sales_a.time_zone == ""


def test_browser_zone_is_proposed_until_one_is_chosen(client, actors):
    client.force_login(actors.sales_a)
    assert 'id="propose-time-zone"' in client.get(reverse("home")).content.decode()
    url = reverse("accept-time-zone")
    response = client.post(url, {"time_zone": "Europe/Berlin", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert "evil" not in response["Location"]
    actors.sales_a.refresh_from_db()
    assert actors.sales_a.time_zone == "Europe/Berlin"
    # Once chosen, the proposal neither shows nor overrides the choice.
    assert 'id="propose-time-zone"' not in client.get(reverse("home")).content.decode()
    client.post(url, {"time_zone": "America/New_York"})
    actors.sales_a.refresh_from_db()
    assert actors.sales_a.time_zone == "Europe/Berlin"
    # A zone the browser made up goes to the page where one is chosen.
    actors.sales_a.time_zone = ""
    actors.sales_a.save()
    response = client.post(url, {"time_zone": "Nowhere/Land"})
    assert response["Location"] == reverse("preferences")


@time_machine.travel(dt.datetime(2026, 12, 5, 16, 0, tzinfo=dt.UTC), tick=False)
def test_a_berlin_user_enters_local_time_and_the_api_answers_utc(client, actors):
    _berlin(actors.sales_a)
    client.force_login(actors.sales_a)
    form = client.get(log_url(actors.customer_a)).content.decode()
    # The form's default is now, in Berlin (17:00), not in UTC (16:00).
    assert 'value="2026-12-05T17:00"' in form
    response = client.post(
        log_url(actors.customer_a),
        meeting_post(
            **{
                "meeting-occurred_at": "2026-12-05T15:23",
                "meeting-title": "Zone",
                "steps-0-owner": str(actors.sales_a.pk),
            }
        ),
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="Zone")
    assert meeting.occurred_at == dt.datetime(2026, 12, 5, 14, 23, tzinfo=dt.UTC)
    body = api_as(actors.sales_a).get(f"/api/meetings/{meeting.pk}/").json()
    assert body["occurred_at"] == "2026-12-05T14:23:00Z"
    page = client.get(reverse("dialogue:meeting", args=[meeting.pk])).content.decode()
    assert "15:23" in page
    assert "14:23" not in page


def test_users_without_a_zone_see_the_deployment_zone(client, actors, settings):
    meeting_at = dt.datetime(2026, 12, 5, 14, 23, tzinfo=dt.UTC)
    meeting = actors.customer_a.meetings.model.objects.create(
        customer=actors.customer_a, title="Plain", occurred_at=meeting_at, author=actors.sales_a
    )
    client.force_login(actors.sales_a)
    page = client.get(reverse("dialogue:meeting", args=[meeting.pk])).content.decode()
    assert "14:23" in page


def test_emails_and_csv_cells_use_the_recipients_zone(actors):
    _berlin(actors.sales_a)
    moment = dt.datetime(2026, 12, 5, 14, 23, tzinfo=dt.UTC)
    with as_user_sees_it(actors.sales_a):
        assert timezone.localtime(moment).hour == 15
        assert safe_cell(moment) == "2026-12-05T15:23:00+01:00"
        # Dates are dates: never shifted.
        assert safe_cell(dt.date(2026, 12, 5)) == "2026-12-05"
    assert safe_cell(moment) == "2026-12-05T14:23:00+00:00"


def test_language_follows_the_user_then_the_browser(client, actors):
    response = client.get(reverse("login"), headers={"accept-language": "de"})
    assert response["Content-Language"] == "de"
    assert '<html lang="de">' in response.content.decode()
    actors.sales_a.language = "en"
    actors.sales_a.save()
    client.force_login(actors.sales_a)
    response = client.get(reverse("home"), headers={"accept-language": "de"})
    assert response["Content-Language"] == "en"
    actors.sales_a.language = "de"
    actors.sales_a.save()
    assert client.get(reverse("home"))["Content-Language"] == "de"
