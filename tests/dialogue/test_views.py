import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer, Problem
from dialogue.models import ActionItem, Meeting
from tests import factories

pytestmark = pytest.mark.django_db

QUERY_CEILING = 9
TIMELINE_QUERY_CEILING = 12
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>[click](javascript:alert(2))'


def log_url(customer: Customer) -> str:
    return reverse("dialogue:log-meeting", args=[customer.pk])


def meeting_post(**overrides: object) -> dict:
    data = {
        "meeting-occurred_at": "2026-11-20T10:30",
        "meeting-kind": "meeting",
        "meeting-title": "Quarterly review",
        "meeting-sentiment": "positive",
        "meeting-notes": "We **agreed** on a pilot.",
        "meeting-customer_said": "We wait too long for parts.",
        "meeting-insights": "Spare parts are the pain.",
        "new_problem-TOTAL_FORMS": "1",
        "new_problem-INITIAL_FORMS": "0",
        "new_person-TOTAL_FORMS": "1",
        "new_person-INITIAL_FORMS": "0",
        "new_problem-0-title": "",
        "new_problem-0-severity": "medium",
        "new_problem-0-description": "",
        "steps-TOTAL_FORMS": "1",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "20",
        "steps-0-description": "",
        "steps-0-owner": "",
        "steps-0-due_on": "",
    }
    data.update(dict(overrides.items()))
    return data


def test_log_meeting_page_renders_for_lead(client, actors):
    client.force_login(actors.sales_a)
    response = client.get(log_url(actors.customer_a))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-draft-key="accord:draft:meeting:' in body
    assert 'name="meeting-occurred_at"' in body
    assert "<select" in body
    assert 'name="meeting-stakeholders"' in body


def test_log_meeting_outsider_gets_404(client, actors):
    client.force_login(actors.sales_b)
    assert client.get(log_url(actors.customer_a)).status_code == 404
    assert client.post(log_url(actors.customer_a), meeting_post()).status_code == 404
    assert not Meeting.objects.exists()


def test_log_meeting_viewer_gets_403(client, actors):
    client.force_login(actors.viewer_a)
    assert client.get(log_url(actors.customer_a)).status_code == 403
    assert client.post(log_url(actors.customer_a), meeting_post()).status_code == 403
    assert not Meeting.objects.exists()


def test_specialist_logs_meeting_with_new_problem_and_next_step(client, actors):
    customer = actors.customer_a
    stakeholder = factories.StakeholderFactory(customer=customer)
    goal = factories.GoalFactory(customer=customer)
    problem = factories.ProblemFactory(customer=customer)
    version_before = customer.data_version
    client.force_login(actors.spec_a)
    response = client.post(
        log_url(customer),
        meeting_post(
            **{
                "meeting-stakeholders": [stakeholder.pk],
                "meeting-internal_attendees": [actors.spec_a.pk, actors.sales_a.pk],
                "meeting-goals": [goal.pk],
                "meeting-problems": [problem.pk],
                "new_problem-0-title": "Spare parts arrive late",
                "new_problem-0-severity": "high",
                "new_problem-0-blocks_goals": [goal.pk],
                "steps-0-description": "Send the parts proposal",
                "steps-0-owner": actors.sales_a.pk,
                "steps-0-due_on": "2026-12-01",
            }
        ),
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("dialogue:meeting", args=[meeting.pk])
    assert meeting.author == actors.spec_a
    assert list(meeting.stakeholders.all()) == [stakeholder]
    assert set(meeting.internal_attendees.all()) == {actors.spec_a, actors.sales_a}
    new_problem = Problem.objects.get(title="Spare parts arrive late")
    assert set(meeting.problems.all()) == {problem, new_problem}
    assert new_problem.severity == "high"
    assert "Quarterly review" in new_problem.source
    assert list(new_problem.blocks_goals.all()) == [goal]
    item = ActionItem.objects.get()
    assert (item.owner, item.due_on, item.meeting) == (
        actors.sales_a,
        dt.date(2026, 12, 1),
        meeting,
    )
    assert item.created_by == actors.spec_a
    customer.refresh_from_db()
    assert customer.data_version > version_before
    assert customer.summary_dirty_since is not None
    assert customer.last_meeting_at == meeting.occurred_at
    # The detail page tells the browser which draft to forget, once.
    detail = client.get(response.url).content.decode()
    assert 'name="accord-clear-draft"' in detail
    assert 'name="accord-clear-draft"' not in client.get(response.url).content.decode()


def test_empty_next_step_row_is_ignored(client, actors):
    client.force_login(actors.sales_a)
    response = client.post(
        log_url(actors.customer_a), meeting_post(**{"steps-0-owner": actors.sales_a.pk})
    )
    assert response.status_code == 302
    assert not ActionItem.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field_error"),
    [
        ({"meeting-title": ""}, "meeting-title"),
        ({"meeting-title": "x" * 201}, "meeting-title"),
        ({"meeting-occurred_at": "not a date"}, "meeting-occurred_at"),
        ({"meeting-occurred_at": "1999-01-01T10:00"}, "meeting-occurred_at"),
        ({"meeting-occurred_at": "2099-01-01T10:00"}, "meeting-occurred_at"),
        ({"meeting-kind": "party"}, "meeting-kind"),
        ({"meeting-sentiment": "ecstatic"}, "meeting-sentiment"),
        ({"meeting-notes": "n" * 50001}, "meeting-notes"),
        ({"new_problem-0-description": "no title given"}, "new_problem-0-title"),
        (
            {"new_problem-0-title": "Late", "new_problem-0-severity": "apocalyptic"},
            "new_problem-0-severity",
        ),
        ({"steps-0-description": "Call back", "steps-0-owner": ""}, "steps-0-owner"),
        ({"steps-0-description": "Call back", "steps-0-owner": "abc"}, "steps-0-owner"),
        ({"steps-0-description": "", "steps-0-due_on": "2026-12-01"}, "steps-0-description"),
        ({"steps-0-description": "Call", "steps-0-due_on": "3000-01-01"}, "steps-0-due_on"),
        ({"steps-TOTAL_FORMS": "100"}, None),
    ],
)
def test_bad_input_shows_field_errors_and_keeps_input(client, actors, overrides, field_error):
    client.force_login(actors.sales_a)
    data = meeting_post(**{"meeting-insights": "Keep this text"})
    data.update(overrides)
    response = client.post(log_url(actors.customer_a), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Keep this text" in body
    if field_error:
        assert f'id="id_{field_error}_error"' in body
    assert not Meeting.objects.exists()
    assert not Problem.objects.exists()


def test_records_of_another_customer_are_refused(client, actors):
    other = actors.customer_b
    foreign = {
        "meeting-stakeholders": [factories.StakeholderFactory(customer=other).pk],
        "meeting-goals": [factories.GoalFactory(customer=other).pk],
        "meeting-problems": [factories.ProblemFactory(customer=other).pk],
        "meeting-internal_attendees": [actors.sales_b.pk],
        "steps-0-description": "Ask their lead",
        "steps-0-owner": actors.sales_b.pk,
    }
    client.force_login(actors.sales_a)
    response = client.post(log_url(actors.customer_a), meeting_post(**foreign))
    assert response.status_code == 400
    body = response.content.decode()
    for name in ("stakeholders", "goals", "problems", "internal_attendees"):
        assert f'id="id_meeting-{name}_error"' in body
    assert body.count("Select a valid choice") >= 5
    assert not Meeting.objects.filter(customer=actors.customer_a).exists()


def test_stakeholder_options_search_this_customers_stakeholders(client, actors):
    factories.StakeholderFactory(customer=actors.customer_a, name="Greta Hansen")
    factories.StakeholderFactory(customer=actors.customer_b, name="Greta Other")
    client.force_login(actors.spec_a)
    url = reverse("dialogue:stakeholder-options", args=[actors.customer_a.pk])
    body = client.get(url, {"q": "greta"}, headers={"HX-Request": "true"}).content.decode()
    assert "Greta Hansen" in body
    assert "Greta Other" not in body
    assert "<html" not in body
    client.force_login(actors.sales_b)
    assert client.get(url, {"q": "greta"}).status_code == 404


def test_xss_in_every_meeting_text_field_is_inert(client, actors):
    customer = actors.customer_a
    meeting = factories.MeetingFactory(
        customer=customer, title=XSS, notes=XSS, customer_said=XSS, insights=XSS
    )
    factories.ActionItemFactory(customer=customer, meeting=meeting, description=XSS)
    factories.StakeholderFactory(customer=customer, name=XSS)
    client.force_login(actors.sales_a)
    pages = [
        reverse("dialogue:meeting", args=[meeting.pk]),
        reverse("dialogue:timeline", args=[customer.pk]),
        reverse("dialogue:my-action-items"),
        reverse("dialogue:edit-meeting", args=[meeting.pk]),
        reverse("search:results") + "?q=alert",
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert "<script>alert" not in body, url
        assert "<img src=x" not in body, url
        assert 'href="javascript:' not in body, url
        assert "&lt;script&gt;" in body or "click" in body, url


def test_meeting_detail_renders_markdown_and_outsider_gets_404(client, actors):
    meeting = factories.MeetingFactory(customer=actors.customer_a, notes="We **agreed**")
    url = reverse("dialogue:meeting", args=[meeting.pk])
    client.force_login(actors.viewer_a)
    body = client.get(url).content.decode()
    assert "<strong>agreed</strong>" in body
    assert "Edit meeting" not in body
    client.force_login(actors.sales_b)
    assert client.get(url).status_code == 404


def test_deleted_meeting_is_gone(client, actors):
    meeting = factories.MeetingFactory(customer=actors.customer_a)
    client.force_login(actors.sales_a)
    response = client.post(reverse("dialogue:delete-meeting", args=[meeting.pk]))
    assert response.status_code == 302
    assert client.get(reverse("dialogue:meeting", args=[meeting.pk])).status_code == 404
    actors.customer_a.refresh_from_db()
    assert actors.customer_a.last_meeting_at is None


def test_delete_meeting_viewer_403_outsider_404(client, actors):
    meeting = factories.MeetingFactory(customer=actors.customer_a)
    url = reverse("dialogue:delete-meeting", args=[meeting.pk])
    client.force_login(actors.viewer_a)
    assert client.post(url).status_code == 403
    client.force_login(actors.sales_b)
    assert client.post(url).status_code == 404
    assert Meeting.objects.filter(deleted_at__isnull=True).count() == 1


def edit_data(meeting: Meeting, **overrides: object) -> dict:
    data = {
        "meeting-version": meeting.version,
        "meeting-occurred_at": timezone.localtime(meeting.occurred_at).strftime("%Y-%m-%dT%H:%M"),
        "meeting-kind": meeting.kind,
        "meeting-title": meeting.title,
        "meeting-sentiment": meeting.sentiment,
        "meeting-notes": meeting.notes,
        "meeting-customer_said": meeting.customer_said,
        "meeting-insights": meeting.insights,
    }
    data.update(overrides)
    return data


def test_edit_meeting_saves_and_bumps_version(client, actors):
    meeting = factories.MeetingFactory(customer=actors.customer_a, title="Old title")
    client.force_login(actors.spec_a)
    url = reverse("dialogue:edit-meeting", args=[meeting.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, edit_data(meeting, **{"meeting-title": "New title"}))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.title, meeting.version) == ("New title", 2)


def test_edit_meeting_conflict_keeps_input_and_shows_stored_values(client, actors):
    meeting = factories.MeetingFactory(customer=actors.customer_a, title="Stored title")
    data = edit_data(meeting, **{"meeting-title": "My unsaved title"})
    Meeting.objects.filter(pk=meeting.pk).update(version=2, title="Someone else's title")
    client.force_login(actors.sales_a)
    response = client.post(reverse("dialogue:edit-meeting", args=[meeting.pk]), data)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed this meeting" in body
    assert "My unsaved title" in body
    assert "Someone else&#x27;s title" in body
    meeting.refresh_from_db()
    assert meeting.title == "Someone else's title"


def test_edit_meeting_viewer_403_outsider_404(client, actors):
    meeting = factories.MeetingFactory(customer=actors.customer_a)
    url = reverse("dialogue:edit-meeting", args=[meeting.pk])
    client.force_login(actors.viewer_a)
    assert client.get(url).status_code == 403
    client.force_login(actors.sales_b)
    assert client.get(url).status_code == 404


def test_edit_meeting_bad_input_shows_errors(client, actors):
    meeting = factories.MeetingFactory(customer=actors.customer_a)
    client.force_login(actors.sales_a)
    response = client.post(
        reverse("dialogue:edit-meeting", args=[meeting.pk]),
        edit_data(meeting, **{"meeting-title": "", "meeting-version": "abc"}),
    )
    assert response.status_code == 400
    assert 'id="id_meeting-title_error"' in response.content.decode()


# --- action items ------------------------------------------------------------------------


def test_add_action_item(client, actors):
    client.force_login(actors.spec_a)
    url = reverse("dialogue:add-action-item", args=[actors.customer_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "description": "Call Greta",
            "owner": actors.sales_a.pk,
            "due_on": "2026-12-24",
            "status": "open",
        },
    )
    assert response.status_code == 302
    item = ActionItem.objects.get()
    assert (item.owner, item.created_by, item.completed_at) == (actors.sales_a, actors.spec_a, None)


@pytest.mark.parametrize(
    "overrides",
    [
        {"description": ""},
        {"description": "d" * 501},
        {"owner": "999999"},
        {"due_on": "31/31/2026"},
        {"status": "maybe"},
        {"meeting": "abc"},
    ],
)
def test_add_action_item_bad_input(client, actors, overrides):
    client.force_login(actors.sales_a)
    data = {"description": "Call", "owner": actors.sales_a.pk, "due_on": "", "status": "open"}
    data.update(overrides)
    response = client.post(reverse("dialogue:add-action-item", args=[actors.customer_a.pk]), data)
    assert response.status_code == 400
    assert "_error" in response.content.decode()
    assert not ActionItem.objects.exists()


def test_action_item_owner_from_another_team_is_refused(client, actors):
    client.force_login(actors.sales_a)
    response = client.post(
        reverse("dialogue:add-action-item", args=[actors.customer_a.pk]),
        {"description": "Call", "owner": actors.sales_b.pk, "status": "open"},
    )
    assert response.status_code == 400
    assert 'id="id_owner_error"' in response.content.decode()


def test_add_action_item_viewer_403_outsider_404(client, actors):
    url = reverse("dialogue:add-action-item", args=[actors.customer_a.pk])
    client.force_login(actors.viewer_a)
    assert client.get(url).status_code == 403
    client.force_login(actors.outsider)
    assert client.get(url).status_code == 404


def test_toggle_action_item_done_with_htmx_sets_completed_at(client, actors):
    item = factories.ActionItemFactory(customer=actors.customer_a)
    client.force_login(actors.sales_a)
    url = reverse("dialogue:action-item-status", args=[item.pk])
    response = client.post(url, {"status": "done"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert f'id="action-item-{item.pk}"' in response.content.decode()
    item.refresh_from_db()
    assert item.status == "done"
    assert item.completed_at is not None
    client.post(url, {"status": "open"})
    item.refresh_from_db()
    assert (item.status, item.completed_at) == ("open", None)
    client.post(url, {"status": "cancelled"})
    item.refresh_from_db()
    assert (item.status, item.completed_at) == ("cancelled", None)


def test_toggle_action_item_bad_status_viewer_outsider(client, actors):
    item = factories.ActionItemFactory(customer=actors.customer_a)
    url = reverse("dialogue:action-item-status", args=[item.pk])
    client.force_login(actors.sales_a)
    assert client.post(url, {"status": "exploded"}).status_code == 400
    client.force_login(actors.viewer_a)
    assert client.post(url, {"status": "done"}).status_code == 403
    client.force_login(actors.sales_b)
    assert client.post(url, {"status": "done"}).status_code == 404
    item.refresh_from_db()
    assert item.status == "open"


def test_edit_action_item_and_conflict(client, actors):
    item = factories.ActionItemFactory(customer=actors.customer_a, description="Original")
    url = reverse("dialogue:edit-action-item", args=[item.pk])
    client.force_login(actors.sales_a)
    assert client.get(url).status_code == 200
    data = {"description": "Mine", "owner": actors.sales_a.pk, "status": "done", "version": 1}
    ActionItem.objects.filter(pk=item.pk).update(version=2, description="Theirs")
    response = client.post(url, data)
    assert response.status_code == 409
    assert "Mine" in response.content.decode()
    data["version"] = 2
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert (item.description, item.status) == ("Mine", "done")
    assert item.completed_at is not None


def test_edit_action_item_viewer_403_outsider_404(client, actors):
    item = factories.ActionItemFactory(customer=actors.customer_a)
    url = reverse("dialogue:edit-action-item", args=[item.pk])
    client.force_login(actors.viewer_a)
    assert client.get(url).status_code == 403
    client.force_login(actors.sales_b)
    assert client.get(url).status_code == 404


# --- my action items ---------------------------------------------------------------------


@time_machine.travel(dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC), tick=False)
def test_my_action_items_lists_own_open_items_overdue_first_and_marked(client, actors):
    today = timezone.localdate()
    later = factories.ActionItemFactory(
        customer=actors.customer_a,
        owner=actors.spec_a,
        description="Later",
        due_on=today + dt.timedelta(days=3),
    )
    overdue = factories.ActionItemFactory(
        customer=actors.customer_a,
        owner=actors.spec_a,
        description="Overdue one",
        due_on=today - dt.timedelta(days=2),
    )
    factories.ActionItemFactory(
        customer=actors.customer_a, owner=actors.spec_a, description="Closed", status="done"
    )
    factories.ActionItemFactory(
        customer=actors.customer_a, owner=actors.sales_a, description="Not mine"
    )
    client.force_login(actors.spec_a)
    response = client.get(reverse("dialogue:my-action-items"))
    body = response.content.decode()
    assert list(response.context["page"].object_list) == [overdue, later]
    assert body.index("Overdue one") < body.index("Later")
    assert body.count(">Overdue</strong>") == 1
    assert "Closed" not in body
    assert "Not mine" not in body


def test_my_action_items_hides_items_of_accounts_i_no_longer_see(client, actors):
    factories.ActionItemFactory(
        customer=actors.customer_b, owner=actors.sales_a, description="Stale"
    )
    client.force_login(actors.sales_a)
    assert "Stale" not in client.get(reverse("dialogue:my-action-items")).content.decode()


def test_my_action_items_requires_login(client):
    response = client.get(reverse("dialogue:my-action-items"))
    assert response.status_code == 302


def _items(actors, n: int) -> None:
    for i in range(n):
        meeting = factories.MeetingFactory(customer=actors.customer_a)
        factories.ActionItemFactory(
            customer=actors.customer_a,
            meeting=meeting,
            owner=actors.spec_a,
            due_on=timezone.localdate() + dt.timedelta(days=i - n // 2),
        )


@pytest.mark.parametrize("n", [2, 20])
def test_my_action_items_query_count_is_fixed(client, actors, django_assert_max_num_queries, n):
    _items(actors, n)
    client.force_login(actors.spec_a)
    # session, user, the MFA device check, count of my open visible items, the page of items with
    # customer, owner and meeting joined, the notification count, and the session save
    # (savepoint, update, release).
    with django_assert_max_num_queries(QUERY_CEILING):
        response = client.get(reverse("dialogue:my-action-items"))
    assert response.status_code == 200


# --- timeline ----------------------------------------------------------------------------


def test_timeline_shows_all_kinds_newest_first(client, actors):
    customer = actors.customer_a
    now = timezone.now()
    factories.MeetingFactory(
        customer=customer, title="Old meeting", occurred_at=now - dt.timedelta(days=5)
    )
    factories.MeetingFactory(
        customer=customer, title="New meeting", occurred_at=now - dt.timedelta(hours=1)
    )
    factories.ProblemFactory(customer=customer, title="Fresh problem")
    factories.ActionItemFactory(customer=customer, description="Fresh step")
    goal = factories.GoalFactory(customer=customer, title="Grow exports")
    goal.title = "Grow exports fast"
    goal.save()
    factories.MeetingFactory(customer=actors.customer_b, title="Foreign meeting")
    client.force_login(actors.viewer_a)
    body = client.get(reverse("dialogue:timeline", args=[customer.pk])).content.decode()
    for text in ("Old meeting", "New meeting", "Fresh problem", "Fresh step", "Grow exports fast"):
        assert text in body
    assert "Goal changed" in body
    assert "Goal added" in body
    assert body.index("New meeting") < body.index("Old meeting")
    assert "Foreign meeting" not in body


def test_timeline_includes_proposals_and_transitions(client, actors):
    from solutions.models import ProposalTransition

    proposal = factories.ProposalFactory(customer=actors.customer_a, title="Dock pilot")
    ProposalTransition.objects.create(
        proposal=proposal, from_status="draft", to_status="in_review", by=actors.sales_a
    )
    client.force_login(actors.sales_a)
    body = client.get(reverse("dialogue:timeline", args=[actors.customer_a.pk])).content.decode()
    assert "Proposal created" in body
    assert "Moved from Draft to In review" in body


def test_timeline_pages_with_cursor_without_gaps_or_repeats(client, actors):
    customer = actors.customer_a
    same_time = timezone.now() - dt.timedelta(days=1)
    titles = {f"Meeting {i:02d}" for i in range(60)}
    for i, title in enumerate(sorted(titles)):
        # Many share a timestamp, so the cursor must handle ties.
        at = same_time if i % 2 else same_time - dt.timedelta(minutes=i)
        factories.MeetingFactory(customer=customer, title=title, occurred_at=at)
    client.force_login(actors.sales_a)
    url = reverse("dialogue:timeline", args=[customer.pk])
    seen: list[str] = []
    response = client.get(url)
    pages = 0
    while True:
        pages += 1
        seen += [e.label for e in response.context["entries"] if e.kind == "meeting"]
        cursor = response.context["next_cursor"]
        if not cursor:
            break
        response = client.get(url, {"before": cursor}, headers={"HX-Request": "true"})
        assert "<html" not in response.content.decode()
    assert pages >= 3
    assert sorted(seen) == sorted(titles)


def test_timeline_bad_cursor_is_400_and_outsider_404(client, actors):
    url = reverse("dialogue:timeline", args=[actors.customer_a.pk])
    client.force_login(actors.sales_a)
    assert client.get(url, {"before": "yesterday"}).status_code == 400
    assert client.get(url, {"before": "2026-01-01T00:00:00+00:00|-1"}).status_code == 400
    client.force_login(actors.sales_b)
    assert client.get(url).status_code == 404


def _history(actors, n: int) -> None:
    customer = actors.customer_a
    for i in range(n):
        meeting = factories.MeetingFactory(customer=customer)
        factories.ActionItemFactory(customer=customer, meeting=meeting)
        problem = factories.ProblemFactory(customer=customer)
        problem.title = f"Renamed {i}"
        problem.save()
        factories.GoalFactory(customer=customer)
        factories.StakeholderFactory(customer=customer)
        factories.ProposalFactory(customer=customer)


@pytest.mark.parametrize("n", [3, 30])
def test_timeline_query_count_is_fixed(client, actors, django_assert_max_num_queries, n):
    _history(actors, n)
    client.force_login(actors.sales_a)
    url = reverse("dialogue:timeline", args=[actors.customer_a.pk])
    # session, user, the MFA device check, the customer with the user's access, the one
    # UNION ALL of every source, the page's meeting attendees (2), the people to filter by,
    # the notification count, and the session save (3).
    with django_assert_max_num_queries(TIMELINE_QUERY_CEILING):
        response = client.get(url)
    assert response.status_code == 200
    cursor = response.context["next_cursor"]
    if cursor:
        with django_assert_max_num_queries(TIMELINE_QUERY_CEILING):
            assert (
                client.get(url, {"before": cursor}, headers={"HX-Request": "true"}).status_code
                == 200
            )


# --- Faster logging (issue 17): defaults, new people, several new problems ---------------


@time_machine.travel(dt.datetime(2026, 11, 20, 9, 52, 30, tzinfo=dt.UTC), tick=False)
def test_a_new_log_proposes_the_last_meetings_kind_and_attendees(client, actors, settings):
    settings.TIME_ZONE = "Asia/Kolkata"  # UTC+5:30: the quarter hour is the user's
    customer = actors.customer_a
    katrin = factories.StakeholderFactory(customer=customer, name="Katrin")
    last = factories.MeetingFactory(customer=customer, kind=Meeting.Kind.VISIT)
    last.stakeholders.add(katrin)
    last.internal_attendees.add(actors.spec_a)
    client.force_login(actors.sales_a)
    response = client.get(log_url(customer))
    initial = response.context["form"].initial
    assert initial["kind"] == Meeting.Kind.VISIT
    assert initial["stakeholders"] == [katrin.pk]
    assert initial["internal_attendees"] == [actors.sales_a.pk, actors.spec_a.pk]
    local = timezone.localtime(initial["occurred_at"])
    assert (local.hour, local.minute, local.second) == (15, 15, 0)
    step = response.context["formset"].forms[0]
    assert step.fields["owner"].initial == actors.sales_a.pk
    assert step.fields["due_on"].initial == dt.date(2026, 11, 27)


def test_a_new_log_proposes_the_last_real_meeting_not_a_filed_email(client, actors):
    customer = actors.customer_a
    katrin = factories.StakeholderFactory(customer=customer, name="Katrin")
    now = timezone.now()
    visit = factories.MeetingFactory(
        customer=customer, kind=Meeting.Kind.VISIT, occurred_at=now - dt.timedelta(days=3)
    )
    visit.stakeholders.add(katrin)
    visit.internal_attendees.add(actors.spec_a)
    # A filed inbound email lands on the timeline as an entry of kind "email", newer here.
    email = factories.MeetingFactory(
        customer=customer, kind=Meeting.Kind.EMAIL, occurred_at=now - dt.timedelta(hours=1)
    )
    email.stakeholders.add(factories.StakeholderFactory(customer=customer, name="Sender"))
    client.force_login(actors.sales_a)
    initial = client.get(log_url(customer)).context["form"].initial
    assert initial["kind"] == Meeting.Kind.VISIT
    assert initial["stakeholders"] == [katrin.pk]
    assert initial["internal_attendees"] == [actors.sales_a.pk, actors.spec_a.pk]


def test_a_new_log_after_only_emails_proposes_the_default_kind(client, actors):
    customer = actors.customer_a
    factories.MeetingFactory(customer=customer, kind=Meeting.Kind.EMAIL)
    client.force_login(actors.sales_a)
    response = client.get(log_url(customer))
    assert "kind" not in response.context["form"].initial
    assert 'value="meeting" required id="id_meeting-kind_0" checked' in response.content.decode()


def test_new_people_become_stakeholders_and_attendees(client, actors):
    client.force_login(actors.sales_a)
    data = meeting_post(
        **{
            "new_person-TOTAL_FORMS": "2",
            "new_person-0-name": "Jonas Weber",
            "new_person-0-title": "Gate supervisor",
            "new_person-0-buying_role": "champion",
            "new_person-1-name": "",
            "new_person-1-buying_role": "user",
        }
    )
    response = client.post(log_url(actors.customer_a), data)
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    jonas = meeting.stakeholders.get()
    assert (jonas.name, jonas.title, jonas.buying_role) == (
        "Jonas Weber",
        "Gate supervisor",
        "champion",
    )
    assert jonas.customer == actors.customer_a


def test_a_new_person_needs_a_name(client, actors):
    client.force_login(actors.sales_a)
    data = meeting_post(**{"new_person-0-title": "CFO", "meeting-insights": "Keep this"})
    response = client.post(log_url(actors.customer_a), data)
    assert response.status_code == 400
    assert 'id="id_new_person-0-name_error"' in response.content.decode()
    assert "Keep this" in response.content.decode()


def test_several_new_problems_are_recorded(client, actors):
    client.force_login(actors.sales_a)
    data = meeting_post(
        **{
            "new_problem-TOTAL_FORMS": "3",
            "new_problem-0-title": "Gate queue",
            "new_problem-0-severity": "high",
            "new_problem-1-title": "No slot booking",
            "new_problem-1-severity": "low",
            "new_problem-2-title": "",
            "new_problem-2-severity": "medium",
        }
    )
    assert client.post(log_url(actors.customer_a), data).status_code == 302
    meeting = Meeting.objects.get()
    assert sorted((p.title, p.severity) for p in meeting.problems.all()) == [
        ("Gate queue", "high"),
        ("No slot booking", "low"),
    ]
