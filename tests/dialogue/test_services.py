import datetime as dt

import pytest
from django.db import DatabaseError
from django.utils import timezone

from accounts.visibility import users_who_can_see
from core.versioning import StaleVersion
from customers.models import Customer, Problem
from dialogue import services
from dialogue.models import ActionItem, Meeting
from dialogue.services import MeetingData, NewProblem, NextStep
from tests import factories

pytestmark = pytest.mark.django_db


def test_log_meeting_marks_the_account_changed_and_tracks_last_meeting(actors):
    customer = actors.customer_a
    at = timezone.now() - dt.timedelta(days=2)
    meeting = services.log_meeting(
        customer,
        author=actors.spec_a,
        data=MeetingData(occurred_at=at, title="Intro"),
        new_problem=NewProblem(title="Slow invoicing", severity="critical"),
        next_steps=[NextStep(description="Follow up", owner=actors.sales_a)],
    )
    customer.refresh_from_db()
    assert customer.last_meeting_at == at
    assert customer.data_version == 2
    assert customer.summary_dirty_since is not None
    problem = Problem.objects.get()
    assert list(meeting.problems.all()) == [problem]
    assert "Intro" in problem.source
    earlier = services.log_meeting(
        customer,
        author=actors.spec_a,
        data=MeetingData(occurred_at=at - dt.timedelta(days=30), title="Older one"),
    )
    customer.refresh_from_db()
    assert customer.last_meeting_at == at
    services.delete_meeting(meeting)
    customer.refresh_from_db()
    assert customer.last_meeting_at == earlier.occurred_at


def test_log_meeting_is_all_or_nothing(actors, is_postgres):
    if not is_postgres:
        pytest.skip("SQLite does not enforce varchar lengths")
    with pytest.raises(DatabaseError):
        services.log_meeting(
            actors.customer_a,
            author=actors.sales_a,
            data=MeetingData(occurred_at=timezone.now(), title="Intro"),
            new_problem=NewProblem(title="Will be rolled back"),
            next_steps=[NextStep(description="x" * 501, owner=actors.sales_a)],
        )
    assert not Meeting.objects.exists()
    assert not Problem.objects.exists()
    assert Customer.objects.get(pk=actors.customer_a.pk).last_meeting_at is None


def test_update_meeting_refuses_a_stale_version(actors):
    meeting = factories.MeetingFactory(customer=actors.customer_a)
    services.update_meeting(meeting, expected_version=1, changes={"title": "v2"}, m2m={})
    with pytest.raises(StaleVersion):
        services.update_meeting(meeting, expected_version=1, changes={"title": "v3"}, m2m={})
    meeting.refresh_from_db()
    assert (meeting.title, meeting.version) == ("v2", 2)


def test_moving_a_meeting_in_time_updates_last_meeting_at(actors):
    meeting = factories.MeetingFactory(customer=actors.customer_a)
    new_time = timezone.now() - dt.timedelta(hours=1)
    services.update_meeting(meeting, expected_version=1, changes={"occurred_at": new_time}, m2m={})
    actors.customer_a.refresh_from_db()
    assert actors.customer_a.last_meeting_at == new_time


def test_completing_keeps_the_first_completion_time(actors):
    item = factories.ActionItemFactory(customer=actors.customer_a)
    services.set_action_item_status(item, status=ActionItem.Status.DONE)
    item.refresh_from_db()
    first = item.completed_at
    assert first is not None
    services.update_action_item(
        item, expected_version=item.version, changes={"description": "Renamed", "status": "done"}
    )
    item.refresh_from_db()
    assert item.completed_at == first
    services.set_action_item_status(item, status=ActionItem.Status.CANCELLED)
    item.refresh_from_db()
    assert item.completed_at is None


def test_users_who_can_see_follows_the_visibility_rule(actors):
    visible = set(users_who_can_see(actors.customer_a.pk))
    assert {actors.sales_a, actors.spec_a, actors.viewer_a, actors.mgr_a, actors.admin} <= visible
    assert (
        not {actors.sales_b, actors.mgr_b, actors.outsider, actors.inactive, actors.sales_a2}
        & visible
    )
