"""Planned meetings: plan, list (account, home, my week), log the outcome, cancel, flag."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from dialogue import services
from dialogue.models import Meeting, PlannedMeeting
from health.scoring import compute_health
from health.words import reason_texts
from tests import factories
from tests.dialogue.test_views import meeting_post

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 18, 9, 0, tzinfo=dt.UTC)


def plan_post(**overrides: object) -> dict:
    data = {
        "plan-starts_at": "2026-11-20T10:30",
        "plan-duration_minutes": "45",
        "plan-kind": "visit",
        "plan-title": "Fleet review",
        "plan-location": "Oslo office",
        "plan-agenda": "1. Fuel\n2. Pilot",
    }
    data.update(overrides)
    return data


@time_machine.travel(NOW, tick=False)
def test_lead_plans_a_meeting_with_attendees_and_topics(client, actors):
    customer = actors.customer_a
    greta = factories.StakeholderFactory(customer=customer, name="Greta")
    goal = factories.GoalFactory(customer=customer)
    problem = factories.ProblemFactory(customer=customer)
    client.force_login(actors.sales_a)
    response = client.post(
        reverse("dialogue:plan-meeting", args=[customer.pk]),
        plan_post(
            **{
                "plan-stakeholders": [greta.pk],
                "plan-internal_attendees": [actors.spec_a.pk],
                "plan-goals": [goal.pk],
                "plan-problems": [problem.pk],
            }
        ),
    )
    planned = PlannedMeeting.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("dialogue:planned-meeting", args=[planned.pk])
    assert planned.owner == actors.sales_a
    assert planned.status == PlannedMeeting.Status.PLANNED
    assert list(planned.stakeholders.all()) == [greta]
    assert list(planned.internal_attendees.all()) == [actors.spec_a]
    assert list(planned.goals.all()) == [goal]
    assert list(planned.problems.all()) == [problem]
    page = client.get(response.url).content.decode()
    assert "Fleet review" in page
    assert "Greta" in page
    assert "Log the outcome" in page


def test_plan_form_keeps_what_was_typed_on_error(client, actors):
    client.force_login(actors.sales_a)
    response = client.post(
        reverse("dialogue:plan-meeting", args=[actors.customer_a.pk]),
        plan_post(**{"plan-starts_at": "not a date"}),
    )
    assert response.status_code == 400
    assert "Oslo office" in response.content.decode()
    assert not PlannedMeeting.objects.exists()


def test_viewer_may_not_plan(client, actors):
    client.force_login(actors.viewer_a)
    url = reverse("dialogue:plan-meeting", args=[actors.customer_a.pk])
    assert client.post(url, plan_post()).status_code == 403


def test_other_team_gets_404_on_every_plan_page(client, actors):
    planned = factories.PlannedMeetingFactory(customer=actors.customer_a)
    client.force_login(actors.sales_b)
    for name in ("planned-meeting", "edit-planned-meeting", "log-planned-meeting"):
        assert client.get(reverse(f"dialogue:{name}", args=[planned.pk])).status_code == 404
    cancel = reverse("dialogue:cancel-planned-meeting", args=[planned.pk])
    assert client.post(cancel).status_code == 404
    assert client.get(reverse("dialogue:my-week")).content.decode().count(planned.title) == 0
    planned.refresh_from_db()
    assert planned.status == PlannedMeeting.Status.PLANNED


@time_machine.travel(NOW, tick=False)
def test_log_the_outcome_is_prefilled_from_the_plan_and_closes_it(client, actors):
    customer = actors.customer_a
    greta = factories.StakeholderFactory(customer=customer, name="Greta")
    goal = factories.GoalFactory(customer=customer)
    planned = factories.PlannedMeetingFactory(
        customer=customer,
        title="Fleet review",
        agenda="Talk about fuel",
        starts_at=NOW - dt.timedelta(hours=2),
    )
    planned.stakeholders.add(greta)
    planned.goals.add(goal)
    planned.internal_attendees.add(actors.spec_a)
    client.force_login(actors.sales_a)
    url = reverse("dialogue:log-planned-meeting", args=[planned.pk])
    form = client.get(url).context["form"]
    assert form.initial["title"] == "Fleet review"
    assert form.initial["stakeholders"] == [greta.pk]
    assert form.initial["goals"] == [goal.pk]
    assert form.initial["internal_attendees"] == [actors.spec_a.pk]
    assert form.initial["notes"] == "Talk about fuel"

    response = client.post(
        url,
        meeting_post(
            **{
                "meeting-title": "Fleet review",
                "meeting-stakeholders": [greta.pk],
                "steps-0-owner": actors.sales_a.pk,
            }
        ),
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    planned.refresh_from_db()
    assert planned.status == PlannedMeeting.Status.LOGGED
    assert planned.meeting == meeting
    assert planned.sequence == 1
    # A second log of the same plan goes to the logged meeting instead of making another.
    again = client.get(url)
    assert again.status_code == 302
    assert again.url == reverse("dialogue:meeting", args=[meeting.pk])


def test_a_plan_logged_meanwhile_refuses_the_second_outcome(actors):
    planned = factories.PlannedMeetingFactory(customer=actors.customer_a)
    data = services.MeetingData(occurred_at=timezone.now(), title="Done")
    services.log_meeting(actors.customer_a, author=actors.sales_a, data=data, plan=planned)
    with pytest.raises(services.PlanAlreadyLogged):
        services.log_meeting(actors.customer_a, author=actors.sales_a, data=data, plan=planned)
    assert Meeting.objects.count() == 1


def test_cancel_and_edit_bump_the_calendar_sequence(client, actors):
    planned = factories.PlannedMeetingFactory(customer=actors.customer_a)
    client.force_login(actors.sales_a)
    edit = reverse("dialogue:edit-planned-meeting", args=[planned.pk])
    response = client.post(
        edit, plan_post(**{"plan-version": planned.version, "plan-title": "Moved"})
    )
    assert response.status_code == 302
    planned.refresh_from_db()
    assert (planned.title, planned.sequence) == ("Moved", 1)
    # A stale version is a conflict that keeps the input.
    stale = client.post(edit, plan_post(**{"plan-version": 1, "plan-title": "Late"}))
    assert stale.status_code == 409
    assert "Late" in stale.content.decode()
    client.post(reverse("dialogue:cancel-planned-meeting", args=[planned.pk]))
    planned.refresh_from_db()
    assert (planned.status, planned.sequence) == (PlannedMeeting.Status.CANCELLED, 2)


def test_specialist_may_not_cancel_the_leads_plan(client, actors):
    planned = factories.PlannedMeetingFactory(customer=actors.customer_a)
    client.force_login(actors.spec_a)
    url = reverse("dialogue:cancel-planned-meeting", args=[planned.pk])
    assert client.post(url).status_code == 403


@time_machine.travel(NOW, tick=False)
def test_account_home_and_week_list_plans(client, actors, django_assert_max_num_queries):
    customer = actors.customer_a
    soon = factories.PlannedMeetingFactory(
        customer=customer, title="Soon", starts_at=NOW + dt.timedelta(days=1)
    )
    soon.internal_attendees.add(actors.spec_a)
    factories.PlannedMeetingFactory(
        customer=customer, title="Missed", starts_at=NOW - dt.timedelta(days=3)
    )
    client.force_login(actors.sales_a)
    account = client.get(reverse("dialogue:account-meetings", args=[customer.pk]))
    body = account.content.decode()
    assert "Soon" in body
    assert "Took place, outcome not logged" in body
    home = client.get(reverse("home")).content.decode()
    assert "Missed" in home
    assert "Soon" in home
    week = client.get(reverse("dialogue:my-week")).content.decode()
    assert "Soon" in week
    assert "Missed" in week
    # The specialist attends "Soon": it is on their home page and their week, "Missed" is not.
    client.force_login(actors.spec_a)
    spec_week = client.get(reverse("dialogue:my-week")).content.decode()
    assert "Soon" in spec_week
    assert "Missed" not in spec_week
    assert "Soon" in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("count", [1, 5])
@time_machine.travel(NOW, tick=False)
def test_list_pages_run_a_fixed_number_of_queries(
    client, actors, count, django_assert_max_num_queries
):
    customer = actors.customer_a
    for i in range(count):
        plan = factories.PlannedMeetingFactory(
            customer=customer, starts_at=NOW + dt.timedelta(hours=i + 1)
        )
        plan.stakeholders.add(factories.StakeholderFactory(customer=customer))
        plan.internal_attendees.add(actors.sales_a)
        factories.MeetingFactory(customer=customer)
    client.force_login(actors.sales_a)
    with django_assert_max_num_queries(12):
        client.get(reverse("dialogue:account-meetings", args=[customer.pk]))
    with django_assert_max_num_queries(12):
        client.get(reverse("dialogue:my-week"))


def test_a_plan_unlogged_for_two_weeks_is_a_recency_reason(actors):
    customer = actors.customer_a
    factories.MeetingFactory(customer=customer, occurred_at=NOW - dt.timedelta(days=2))
    plan = factories.PlannedMeetingFactory(customer=customer, starts_at=NOW - dt.timedelta(days=10))

    def recency_reasons(now: dt.datetime) -> list[str]:
        result = compute_health(customer, now=now)
        return reason_texts(next(c for c in result.components if c.key == "recency").reasons)

    # Within two weeks it is the owner's to log (home page), not the score's business.
    assert not any("without an outcome" in r for r in recency_reasons(NOW))
    later = NOW + dt.timedelta(days=5)
    assert "1 planned meeting passed without an outcome" in recency_reasons(later)
    services.cancel_planned_meeting(plan)
    assert not any("without an outcome" in r for r in recency_reasons(later))
