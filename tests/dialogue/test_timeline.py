"""The timeline reads like the dialogue: story entries, folded record changes, filters."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from customers import services as customer_services
from customers.models import Stakeholder
from dialogue import services
from dialogue.models import ActionItem
from integrity import trash
from tests import factories
from tests.dialogue.test_views import log_url, meeting_post

pytestmark = pytest.mark.django_db


def timeline(client, customer, **params):
    return client.get(reverse("dialogue:timeline", args=[customer.pk]), params)


def add_stakeholders(customer, by, n: int) -> None:
    for i in range(n):
        customer_services.create_record(
            Stakeholder, customer=customer, by=by, fields={"name": f"Person {i}"}
        )


def test_a_burst_of_record_changes_folds_into_one_line(client, actors):
    add_stakeholders(actors.customer_a, actors.sales_a, 12)
    client.force_login(actors.sales_a)
    response = timeline(client, actors.customer_a)
    changes = [e for e in response.context["entries"] if e.kind == "change"]
    assert len(changes) == 1
    assert changes[0].count == 12
    body = response.content.decode()
    assert "12 stakeholders added" in body
    assert actors.sales_a.display_name in body


def test_changes_by_different_people_do_not_fold_together(client, actors):
    add_stakeholders(actors.customer_a, actors.sales_a, 2)
    add_stakeholders(actors.customer_a, actors.spec_a, 2)
    client.force_login(actors.sales_a)
    entries = timeline(client, actors.customer_a).context["entries"]
    assert [e.count for e in entries if e.kind == "change"] == [2, 2]


def test_record_changes_can_be_hidden_and_kinds_filtered(client, actors):
    customer = actors.customer_a
    add_stakeholders(customer, actors.sales_a, 3)
    factories.MeetingFactory(customer=customer, title="Depot walk")
    factories.ActionItemFactory(customer=customer, description="Send the case study")
    client.force_login(actors.sales_a)
    hidden = timeline(client, customer, changes="hide").context["entries"]
    assert {e.kind for e in hidden} == {"meeting", "action_item"}
    meetings = timeline(client, customer, kind="meeting").context["entries"]
    assert [e.label for e in meetings] == ["Depot walk"]
    assert timeline(client, customer, kind="gossip").status_code == 400
    assert timeline(client, customer, person="x").status_code == 400


def test_the_person_filter_keeps_what_that_person_did(client, actors):
    customer = actors.customer_a
    factories.MeetingFactory(customer=customer, title="Mine", author=actors.sales_a)
    factories.MeetingFactory(customer=customer, title="Theirs", author=actors.spec_a)
    client.force_login(actors.sales_a)
    response = timeline(client, customer, person=actors.spec_a.pk, kind="meeting")
    assert [e.label for e in response.context["entries"]] == ["Theirs"]
    # The next-page link keeps the filter.
    assert response.context["filter_query"] == f"kind=meeting&person={actors.spec_a.pk}"


def test_a_meeting_shows_who_was_there_and_a_one_line_gist(client, actors):
    customer = actors.customer_a
    meeting = factories.MeetingFactory(
        customer=customer,
        title="Gate review",
        customer_said="Trucks wait two hours at the gate.\nSecond line stays out.",
    )
    meeting.stakeholders.add(factories.StakeholderFactory(customer=customer, name="Katrin Vogel"))
    meeting.internal_attendees.add(actors.spec_a)
    client.force_login(actors.sales_a)
    body = timeline(client, customer).content.decode()
    assert "Katrin Vogel" in body
    assert actors.spec_a.display_name in body
    assert "Trucks wait two hours at the gate." in body
    assert "Second line stays out." not in body


def test_the_timeline_says_deleted_and_restored_never_changed(client, actors):
    customer = actors.customer_a
    goal = factories.GoalFactory(customer=customer, title="Grow exports")
    customer_services.delete_record(goal, by=actors.sales_a)
    trash.restore_record(goal, by=actors.sales_a)
    client.force_login(actors.sales_a)
    descriptions = [
        e.description for e in timeline(client, customer).context["entries"] if e.kind == "change"
    ]
    assert descriptions[:2] == ["Goal restored", "Goal deleted"]


def test_contributions_and_comments_are_part_of_the_story(client, actors):
    proposal = factories.ProposalFactory(customer=actors.customer_a, title="Dock pilot")
    factories.CommentFactory(proposal=proposal, author=actors.spec_a, body="Sized the controls.")
    factories.ContributionFactory(
        proposal=proposal, specialist=actors.spec_a, answered_at=timezone.now(), status="done"
    )
    client.force_login(actors.sales_a)
    entries = timeline(client, actors.customer_a).context["entries"]
    kinds = {e.kind for e in entries}
    assert {"comment", "contribution", "proposal"} <= kinds
    assert any(e.gist == "Sized the controls." for e in entries)


@pytest.mark.parametrize("n", [2, 20])
def test_the_timeline_with_folding_runs_a_fixed_number_of_queries(
    client, actors, django_assert_max_num_queries, n
):
    customer = actors.customer_a
    add_stakeholders(customer, actors.sales_a, n)
    for _ in range(n):
        meeting = factories.MeetingFactory(customer=customer)
        meeting.stakeholders.add(factories.StakeholderFactory(customer=customer))
        meeting.internal_attendees.add(actors.spec_a)
        factories.ActionItemFactory(customer=customer, meeting=meeting)
    client.force_login(actors.sales_a)
    # session, user, MFA device, customer + access, the UNION ALL, the page's meeting
    # attendees (customer's, ours), the people to filter by, notifications, session save (3)
    with django_assert_max_num_queries(12):
        assert timeline(client, customer).status_code == 200


def test_done_action_items_stay_under_show_done_with_who_closed_them(client, actors):
    item = factories.ActionItemFactory(
        customer=actors.customer_a, owner=actors.sales_a, description="Send the deck"
    )
    services.set_action_item_status(item, status=ActionItem.Status.DONE, by=actors.spec_a)
    client.force_login(actors.sales_a)
    url = reverse("dialogue:my-action-items")
    assert "Send the deck" not in client.get(url).content.decode()
    body = client.get(url, {"done": "1"}).content.decode()
    assert "Send the deck" in body
    assert "is-done" in body
    assert f"done by {actors.spec_a.display_name}" in body
    item.refresh_from_db()
    assert item.completed_by == actors.spec_a
    # Reopening forgets who closed it.
    services.set_action_item_status(item, status=ActionItem.Status.OPEN, by=actors.sales_a)
    item.refresh_from_db()
    assert (item.completed_at, item.completed_by) == (None, None)
    assert dt.date.today()  # the page shows dates in the user's zone (template filters)


def test_cancel_item_is_not_called_like_a_forms_cancel(client, actors):
    item = factories.ActionItemFactory(customer=actors.customer_a, owner=actors.sales_a)
    client.force_login(actors.sales_a)
    row = client.get(reverse("dialogue:my-action-items")).content.decode()
    assert "Cancel item" in row
    form = client.get(reverse("dialogue:edit-action-item", args=[item.pk])).content.decode()
    assert ">Cancel<" not in form


def test_a_new_problem_like_an_open_one_offers_to_link_the_meeting_instead(client, actors):
    customer = actors.customer_a
    existing = factories.ProblemFactory(customer=customer, title="Spare parts arrive late")
    client.force_login(actors.sales_a)
    data = meeting_post(**{"new_problem-0-title": "Spare parts arriving late"})
    response = client.post(log_url(customer), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Link the meeting to “Spare parts arrive late” instead" in body
    assert 'value="Spare parts arriving late"' in body  # what was typed is kept
    # Linking: no new problem, the meeting is linked to the open one.
    linked = {**data, "new_problem-0-checked_similar": "1", "new_problem-0-same_as": existing.pk}
    assert client.post(log_url(customer), linked).status_code == 302
    meeting = customer.meetings.get()
    assert list(meeting.problems.all()) == [existing]
    assert customer.problems.count() == 1
    # Or creating it anyway, after the warning was shown.
    anyway = {**data, "new_problem-0-checked_similar": "1", "meeting-title": "Second"}
    assert client.post(log_url(customer), anyway).status_code == 302
    assert customer.problems.count() == 2


def test_record_change_lines_are_written_in_the_readers_language(client, actors):
    """Record kinds and what happened to them are words of the reader's language; a delete
    made through a page (its history reason carries the request) still reads "deleted"."""
    customer = actors.customer_a
    add_stakeholders(customer, actors.sales_a, 3)
    goal = factories.GoalFactory(customer=customer, title="Cut empty kilometres")
    client.force_login(actors.sales_a)
    delete = reverse("customers:delete-record", args=[customer.pk, "goals", goal.pk])
    assert client.post(delete).status_code == 302
    proposal = factories.ProposalFactory(customer=customer)
    factories.ContributionFactory(
        proposal=proposal,
        specialist=actors.spec_a,
        status="in_progress",
        answered_at=timezone.now(),
    )
    english = timeline(client, customer).content.decode()
    assert "3 stakeholders added" in english
    assert "Goal deleted" in english
    assert "Contribution accepted" in english
    actors.sales_a.language = "de"
    actors.sales_a.save(update_fields=["language"])
    german = timeline(client, customer).content.decode()
    assert "3 Ansprechpartner hinzugefügt" in german
    assert "Ziel gelöscht" in german
    assert "Beitrag angenommen" in german
    for english_word in ("stakeholders added", " added", "Goal deleted", "in progress"):
        assert english_word not in german
