"""Notifications about comments, mentions and contributions are worded for each recipient, in
their own language, whoever triggered them and in whatever language the request ran."""

import pytest
from django.utils import translation

from accounts.models import Notification, User
from dialogue.services import notify_mentions_in_notes
from solutions import services
from tests import factories


def _told(user: User, kind: str) -> list[str]:
    return list(Notification.objects.filter(user=user, kind=kind).values_list("message", flat=True))


@pytest.fixture
def german_lead(actors):
    actors.sales_a.language = "de"
    actors.sales_a.save(update_fields=["language"])
    return actors.sales_a


def test_a_mention_reads_in_each_recipients_language(actors, proposal_a, german_lead):
    actors.spec_a.language = "en"
    actors.spec_a.save(update_fields=["language"])
    author = actors.mgr_a
    # The author's request runs in German; the English reader still reads English.
    with translation.override("de"):
        services.post_comment(proposal_a, author=author, body="@sales_a and @spec_a, look")
    name = author.display_name
    assert _told(german_lead, Notification.Kind.MENTION) == [
        f"{name} hat Sie bei „Faster deliveries“ erwähnt."
    ]
    assert _told(actors.spec_a, Notification.Kind.MENTION) == [
        f"{name} mentioned you on “Faster deliveries”."
    ]


def test_a_mention_in_meeting_notes_reads_in_german(actors, german_lead):
    meeting = factories.MeetingFactory(
        customer=actors.customer_a, title="Kick-off", notes="Ask @sales_a"
    )
    notify_mentions_in_notes(meeting, author=actors.spec_a)
    assert _told(german_lead, Notification.Kind.MENTION) == [
        f"{actors.spec_a.display_name} hat Sie in den Notizen zu „Kick-off“ erwähnt."
    ]


def test_comment_and_contribution_notifications_read_in_german(
    actors, proposal_a, contribution_a, german_lead
):
    services.post_comment(proposal_a, author=actors.spec_a, body="How many sites?")
    assert _told(german_lead, Notification.Kind.COMMENT) == [
        f"{actors.spec_a.display_name} hat „Faster deliveries“ kommentiert."
    ]
    services.accept_contribution(contribution_a, by=actors.spec_a)
    assert _told(german_lead, Notification.Kind.CONTRIBUTION_ANSWER) == [
        f"{actors.spec_a.display_name} hat den angefragten Beitrag zu „Faster deliveries“ "
        "angenommen."
    ]


def test_a_contribution_request_reads_in_the_specialists_language(actors, proposal_a, engineering):
    actors.spec_a.area = engineering
    actors.spec_a.language = "de"
    actors.spec_a.save(update_fields=["area", "language"])
    services.request_contribution(proposal_a, by=actors.sales_a, specialist=actors.spec_a)
    assert _told(actors.spec_a, Notification.Kind.CONTRIBUTION_REQUEST) == [
        f"{actors.sales_a.display_name} bittet Sie um Ihren Beitrag zu „Faster deliveries“ "
        f"({actors.customer_a.name})."
    ]
