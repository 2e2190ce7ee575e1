"""@mentions in a meeting's notes reach people when the notes are edited, not only when the
meeting is logged: the newly mentioned are told once, those mentioned before are not told
again, and a name that matches nobody on the account is named to the editor."""

import pytest
from django.urls import reverse

from accounts.models import Notification
from tests import factories
from tests.conftest import api_as
from tests.dialogue.test_views import edit_data

pytestmark = pytest.mark.django_db


def told(user) -> list[str]:
    return list(
        Notification.objects.filter(user=user, kind=Notification.Kind.MENTION).values_list(
            "url", flat=True
        )
    )


def test_the_edit_page_offers_mentions_in_the_notes(client, actors):
    meeting = factories.MeetingFactory(customer=actors.customer_a)
    client.force_login(actors.sales_a)
    body = client.get(reverse("dialogue:edit-meeting", args=[meeting.pk])).content.decode()
    assert f'data-mentions="{reverse("customers:mentionable", args=[actors.customer_a.pk])}"' in (
        body
    )


def test_editing_the_notes_tells_the_newly_mentioned_only(client, actors):
    meeting = factories.MeetingFactory(
        customer=actors.customer_a, notes="@spec_a owns the sizing", author=actors.sales_a
    )
    url = reverse("dialogue:edit-meeting", args=[meeting.pk])
    client.force_login(actors.sales_a)
    notes = "@spec_a owns the sizing; @viewer_a checks the budget; @sales_a me"
    response = client.post(url, edit_data(meeting, **{"meeting-notes": notes}), follow=True)
    assert response.status_code == 200
    assert told(actors.viewer_a) == [reverse("dialogue:meeting", args=[meeting.pk])]
    assert told(actors.spec_a) == []  # mentioned before the edit
    assert told(actors.sales_a) == []  # the editor
    meeting.refresh_from_db()
    # Saving again with the same notes tells nobody twice.
    client.post(url, edit_data(meeting, **{"meeting-title": "Renamed"}))
    assert len(told(actors.viewer_a)) == 1


def test_an_unknown_or_outside_mention_is_named_after_saving(client, actors):
    meeting = factories.MeetingFactory(customer=actors.customer_a)
    client.force_login(actors.sales_a)
    notes = "ask @sales_b and @nobody_here"
    response = client.post(
        reverse("dialogue:edit-meeting", args=[meeting.pk]),
        edit_data(meeting, **{"meeting-notes": notes}),
        follow=True,
    )
    body = response.content.decode()
    assert "@sales_b, @nobody_here matched nobody on this account" in body
    assert told(actors.sales_b) == []


def test_the_api_edit_tells_the_newly_mentioned(actors):
    meeting = factories.MeetingFactory(customer=actors.customer_a, notes="")
    response = api_as(actors.sales_a).patch(
        f"/api/meetings/{meeting.pk}/",
        {"notes": "@spec_a please size it", "version": meeting.version},
        format="json",
    )
    assert response.status_code == 200
    assert len(told(actors.spec_a)) == 1
