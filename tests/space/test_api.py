"""The shared space in the internal API: the lead (and managers, admins) create and edit plan
steps and decide on suggestions; readers read; other teams get 404; bad input gets 400."""

import datetime as dt

import pytest

from space import answers
from space.models import Feedback, PlanStep, SharedSpace
from tests import factories
from tests.conftest import api_as

STEPS = "/api/space-steps/"


def step_body(actors, **changes) -> dict:
    return {"customer": actors.customer_a.pk, "title": "Run the pilot", **changes}


def test_the_lead_creates_a_step_and_the_space_opens_with_it(actors):
    katrin = factories.StakeholderFactory(customer=actors.customer_a, name="Katrin Vogel")
    goal = factories.GoalFactory(customer=actors.customer_a)
    response = api_as(actors.sales_a).post(
        STEPS,
        step_body(actors, owner_stakeholder=katrin.pk, due_date="2027-03-01", goal=goal.pk),
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    space = SharedSpace.objects.get(customer=actors.customer_a)
    assert (body["space"], body["customer"], body["owner_stakeholder"]) == (
        space.pk,
        actors.customer_a.pk,
        katrin.pk,
    )
    assert (body["owner_user"], body["due_date"], body["goal"]) == (None, "2027-03-01", goal.pk)
    assert (body["status"], body["version"]) == ("open", 1)
    assert PlanStep.objects.get().owner_name == "Katrin Vogel"


def test_managers_of_the_leads_team_curate_too(actors):
    body = step_body(actors, owner_user=actors.spec_a.pk, status="done")
    response = api_as(actors.mgr_a).post(STEPS, body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["completed_at"] is not None


@pytest.mark.parametrize("name", ["spec_a", "viewer_a"])
def test_those_who_only_read_the_account_may_not_curate(actors, name):
    step = factories.PlanStepFactory(space__customer=actors.customer_a)
    feedback = factories.FeedbackFactory(space=step.space)
    client = api_as(getattr(actors, name))
    assert client.get(f"{STEPS}{step.pk}/").status_code == 200
    body = step_body(actors, owner_user=actors.sales_a.pk)
    assert client.post(STEPS, body, format="json").status_code == 403
    patch = {"title": "Mine", "version": step.version}
    assert client.patch(f"{STEPS}{step.pk}/", patch, format="json").status_code == 403
    assert client.post(f"{STEPS}{step.pk}/accept-date/").status_code == 403
    assert client.post(f"/api/space-feedback/{feedback.pk}/accept/").status_code == 403
    assert PlanStep.objects.count() == 1
    assert PlanStep.objects.get().title == step.title


def test_another_team_gets_404_for_every_space_endpoint(actors):
    step = factories.PlanStepFactory(space__customer=actors.customer_a)
    feedback = factories.FeedbackFactory(space=step.space)
    client = api_as(actors.sales_b)
    for path in (
        f"{STEPS}{step.pk}/",
        f"/api/space-feedback/{feedback.pk}/",
        f"/api/shared-spaces/{step.space.pk}/",
    ):
        assert client.get(path).status_code == 404
    assert client.patch(f"{STEPS}{step.pk}/", {"title": "x"}, format="json").status_code == 404
    assert client.post(f"{STEPS}{step.pk}/accept-date/").status_code == 404
    for decision in ("accept", "decline"):
        url = f"/api/space-feedback/{feedback.pk}/{decision}/"
        assert client.post(url).status_code == 404
    # Naming team A's account in a body reads as an account that does not exist.
    body = step_body(actors, owner_user=actors.sales_b.pk)
    response = client.post(STEPS, body, format="json")
    assert response.status_code == 400
    assert "customer" in response.json()
    assert client.get(STEPS).json()["count"] == 0


def test_bad_steps_get_400_with_the_field_at_fault(actors):
    other = factories.StakeholderFactory(customer=actors.customer_b)
    mine = factories.StakeholderFactory(customer=actors.customer_a)
    foreign_goal = factories.GoalFactory(customer=actors.customer_b)
    cases = [
        ({}, "owner_user"),
        ({"owner_user": actors.sales_a.pk, "owner_stakeholder": mine.pk}, "owner_user"),
        ({"owner_stakeholder": other.pk}, "owner_stakeholder"),
        ({"owner_user": actors.sales_b.pk}, "owner_user"),  # cannot see the account
        ({"owner_user": actors.sales_a.pk, "goal": foreign_goal.pk}, "goal"),
        ({"owner_user": actors.sales_a.pk, "due_date": "1900-01-01"}, "due_date"),
        ({"owner_user": actors.sales_a.pk, "due_date": "soon"}, "due_date"),
        ({"owner_user": actors.sales_a.pk, "title": "two\nlines"}, "title"),
        ({"owner_user": actors.sales_a.pk, "title": "x" * 301}, "title"),
        ({"owner_user": actors.sales_a.pk, "status": "maybe"}, "status"),
        ({"owner_user": actors.sales_a.pk, "customer": 10**12}, "customer"),
    ]
    client = api_as(actors.sales_a)
    for changes, field in cases:
        response = client.post(STEPS, step_body(actors, **changes), format="json")
        assert response.status_code == 400, (changes, response.content)
        assert field in response.json(), (changes, response.json())
    assert PlanStep.objects.count() == 0


def test_the_lead_edits_a_step_with_its_version(actors):
    step = factories.PlanStepFactory(space__customer=actors.customer_a)
    client = api_as(actors.sales_a)
    url = f"{STEPS}{step.pk}/"
    response = client.patch(
        url, {"status": "done", "owner_user": actors.spec_a.pk, "version": 1}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["owner_user"], body["owner_stakeholder"]) == (
        "done",
        actors.spec_a.pk,
        None,
    )
    assert body["completed_at"] is not None
    assert body["version"] == 2
    stale = client.patch(url, {"title": "Late", "version": 1}, format="json")
    assert stale.status_code == 409
    assert client.patch(url, {"title": "No version"}, format="json").status_code == 428
    moved = client.patch(url, {"customer": actors.customer_a2.pk, "version": 2}, format="json")
    assert moved.status_code == 400
    reopened = client.patch(url, {"status": "open", "version": 2}, format="json")
    assert reopened.json()["completed_at"] is None
    # A delete moves the step to the trash (tests/space/test_trash.py).
    assert client.delete(url).status_code == 204


def test_the_lead_takes_a_date_the_guest_proposed(shared, actors):
    client = api_as(actors.sales_a)
    url = f"{STEPS}{shared.step.pk}/accept-date/"
    response = client.post(url)
    assert response.status_code == 400
    assert "proposed_due_date" in response.json()
    answers.propose_step_date(shared.step, guest=shared.guest, due_on=dt.date(2027, 2, 1))
    response = client.post(url)
    assert response.status_code == 200
    assert (response.json()["due_date"], response.json()["proposed_due_date"]) == (
        "2027-02-01",
        None,
    )


def test_the_lead_accepts_and_declines_suggestions_once(shared, actors):
    item = shared.space.items.get(problem=shared.problem)
    correction = answers.suggest(item, guest=shared.guest, kind="correct", title="Gate 3 waits")
    rank = answers.suggest(item, guest=shared.guest, kind="rank", value="critical")
    confirmation = answers.confirm_item(
        shared.space.items.get(goal=shared.goal), guest=shared.guest
    )
    client = api_as(actors.sales_a)
    response = client.post(f"/api/space-feedback/{correction.pk}/accept/")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["decided_by"]) == (
        "accepted",
        actors.sales_a.pk,
    )
    shared.problem.refresh_from_db()
    assert shared.problem.title == "Gate 3 waits"
    assert client.post(f"/api/space-feedback/{rank.pk}/decline/").json()["status"] == "declined"
    shared.problem.refresh_from_db()
    assert shared.problem.severity != "critical"
    # Decided once: a second decision, or one on a confirmation, is a conflict.
    for feedback in (correction, rank, confirmation):
        assert client.post(f"/api/space-feedback/{feedback.pk}/accept/").status_code == 409
    assert Feedback.objects.get(pk=rank.pk).status == "declined"
