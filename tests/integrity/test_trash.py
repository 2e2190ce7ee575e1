"""Soft deletes: every record people create goes to the account's trash; the lead or a manager
restores it (with its links) for 30 days; then the daily purge removes it."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from customers import services as customer_services
from customers.models import Customer, Goal, Problem, ProcessStep, Stakeholder
from dialogue import services as dialogue_services
from dialogue.models import ActionItem, Meeting
from insights import plans
from insights.models import PlanItem, PlanSection
from integrity import trash
from integrity.tasks import purge_trash_task
from solutions import services as solution_services
from solutions.models import Comment, Contribution, Proposal
from space import services as space_services
from space.models import Milestone, PlanStep
from tests import factories
from tests.conftest import api_as

pytestmark = pytest.mark.django_db


def delete(record, *, by) -> None:
    """Delete the record the way its app does (each kind goes to the trash)."""
    if isinstance(record, Meeting):
        dialogue_services.delete_meeting(record, by=by)
    elif isinstance(record, Proposal):
        solution_services.delete_proposal(record, by=by)
    elif isinstance(record, Comment):
        solution_services.delete_comment(record, by=by)
    elif isinstance(record, Contribution):
        solution_services.delete_contribution(record, by=by)
    elif isinstance(record, PlanStep):
        space_services.delete_step(record, by=by)
    elif isinstance(record, Milestone):
        space_services.delete_milestone(record, by=by)
    elif isinstance(record, ActionItem):
        dialogue_services.delete_action_item(record, by=by)
    elif isinstance(record, ProcessStep):
        customer_services.delete_process_step(record, by=by)
    elif isinstance(record, PlanItem):
        plans.delete_plan_item(record, by=by)
    elif isinstance(record, PlanSection):
        plans.delete_plan_section(record, by=by)
    else:
        customer_services.delete_record(record, by=by)


def data_version(customer: Customer) -> int:
    return Customer.objects.get(pk=customer.pk).data_version


@pytest.fixture
def deleted(actors):
    """One deleted record of each kind on customer_a, and a live meeting."""
    customer = actors.customer_a
    records = {
        "meetings": factories.MeetingFactory(customer=customer, title="Lost meeting"),
        "proposals": factories.ProposalFactory(customer=customer, title="Lost proposal"),
        "stakeholders": factories.StakeholderFactory(customer=customer, name="Lost person"),
        "goals": factories.GoalFactory(customer=customer, title="Lost goal"),
        "problems": factories.ProblemFactory(customer=customer, title="Lost problem"),
        "action-items": factories.ActionItemFactory(customer=customer, description="Lost step"),
        "moves": factories.StrategicMoveFactory(customer=customer, title="Lost move"),
        "options": factories.OptionFactory(customer=customer, title="Lost option"),
        "processes": factories.ProcessFactory(customer=customer, name="Lost process"),
        "steps": factories.ProcessStepFactory(process__customer=customer, name="Lost stage"),
        "divisions": factories.DivisionFactory(customer=customer, name="Lost division"),
        "analysis-items": factories.AnalysisItemFactory(customer=customer, text="Lost strength"),
        "plan-sections": factories.PlanSectionFactory(customer=customer),
        "plan-items": factories.PlanItemFactory(
            section__customer=customer, section__kind="area", section__area=factories.AreaFactory()
        ),
    }
    proposal = factories.ProposalFactory(customer=customer, title="Live proposal")
    records["comments"] = factories.CommentFactory(
        proposal=proposal, author=actors.sales_a, body="Lost words"
    )
    records["contributions"] = factories.ContributionFactory(proposal=proposal)
    space = space_services.open_space(customer, by=actors.sales_a)
    records["space-milestones"] = space_services.add_milestone(
        space, title="Lost milestone", due_on=None
    )
    records["space-steps"] = space_services.add_step(
        space, title="Lost shared step", owner_user=actors.sales_a
    )
    factories.MeetingFactory(customer=customer, title="Live meeting")
    for record in records.values():
        delete(record, by=actors.sales_a)
        record.refresh_from_db()
        assert record.deleted_at is not None
    return records


def test_trashing_sets_deleted_at_records_history_and_marks_the_account_changed(actors):
    meeting = factories.MeetingFactory(customer=actors.customer_a)
    before = data_version(actors.customer_a)
    delete(meeting, by=actors.sales_a)
    meeting.refresh_from_db()
    assert meeting.deleted_at is not None
    assert data_version(actors.customer_a) == before + 1
    last = meeting.history.order_by("-history_id").first()
    assert last.history_change_reason.startswith("Deleted")
    assert last.history_user == actors.sales_a
    delete(meeting, by=actors.sales_a)  # a repeat changes nothing
    assert not meeting.soft_delete(by=actors.sales_a)
    assert data_version(actors.customer_a) == before + 1


def test_deleted_records_disappear_from_lists_and_detail_endpoints(actors, deleted):
    api = api_as(actors.sales_a)
    meetings = api.get("/api/meetings/", {"customer": actors.customer_a.pk}).json()["results"]
    assert [m["title"] for m in meetings] == ["Live meeting"]
    assert api.get(f"/api/meetings/{deleted['meetings'].pk}/").status_code == 404
    assert api.get(f"/api/proposals/{deleted['proposals'].pk}/").status_code == 404
    assert api.get(f"/api/stakeholders/{deleted['stakeholders'].pk}/").status_code == 404
    comment = api.get(f"/api/comments/{deleted['comments'].pk}/").json()
    assert comment["is_deleted"] is True
    assert "Lost words" not in str(comment)


def test_the_lead_sees_the_trash_page_with_every_kind(client, actors, deleted):
    client.force_login(actors.sales_a)
    response = client.get(reverse("integrity:trash", args=[actors.customer_a.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    for text in ("Lost meeting", "Lost proposal", "Lost person", "Comment by", "Lost stage"):
        assert text in body
    for text in ("Lost goal", "Lost problem", "Lost step", "Lost move", "Lost process"):
        assert text in body
    assert "Lost strength" in body
    assert body.count(actors.sales_a.display_name) >= 14  # who deleted each one
    assert "Live meeting" not in body


def test_a_manager_sees_the_trash_page(client, actors, deleted):
    client.force_login(actors.mgr_a)
    assert client.get(reverse("integrity:trash", args=[actors.customer_a.pk])).status_code == 200


def test_a_specialist_gets_403_and_an_outsider_404(client, actors, deleted):
    url = reverse("integrity:trash", args=[actors.customer_a.pk])
    client.force_login(actors.spec_a)
    assert client.get(url).status_code == 403
    restore = reverse(
        "integrity:restore-deleted",
        args=[actors.customer_a.pk, "meetings", deleted["meetings"].pk],
    )
    assert client.post(restore).status_code == 403
    client.force_login(actors.outsider)
    assert client.get(url).status_code == 404
    assert client.post(restore).status_code == 404
    assert Meeting.objects.get(pk=deleted["meetings"].pk).deleted_at is not None


@pytest.mark.parametrize("kind", list(trash.TRASHABLE))
def test_the_lead_restores_each_kind_from_the_page(client, actors, deleted, kind):
    record = deleted[kind]
    before = data_version(actors.customer_a)
    client.force_login(actors.sales_a)
    url = reverse("integrity:restore-deleted", args=[actors.customer_a.pk, kind, record.pk])
    response = client.post(url)
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.deleted_at is None
    assert data_version(actors.customer_a) == before + 1
    reason = record.history.order_by("-history_id").first().history_change_reason
    assert reason.startswith("Restored from the trash")


def test_a_restored_comment_has_its_text_back(actors, deleted):
    comment = deleted["comments"]
    assert trash.restore_record(comment, by=actors.sales_a)
    comment.refresh_from_db()
    assert comment.body == "Lost words"


def test_restore_with_an_unknown_kind_or_another_accounts_record_is_404(client, actors, deleted):
    client.force_login(actors.sales_a)
    pk = actors.customer_a.pk
    meeting = deleted["meetings"]
    wrong_kind = reverse("integrity:restore-deleted", args=[pk, "partners", meeting.pk])
    assert client.post(wrong_kind).status_code == 404
    other = factories.MeetingFactory(customer=actors.customer_a2)
    delete(other, by=actors.sales_a2)
    url = reverse("integrity:restore-deleted", args=[pk, "meetings", other.pk])
    assert client.post(url).status_code == 404
    own = reverse("integrity:restore-deleted", args=[pk, "meetings", meeting.pk])
    assert client.get(own).status_code == 405


def test_after_30_days_a_record_can_no_longer_be_restored_and_is_purged(actors, deleted):
    later = timezone.now() + dt.timedelta(days=31)
    with time_machine.travel(later):
        assert trash.deleted_records(actors.customer_a) == []
        assert not trash.restore_record(deleted["meetings"], by=actors.sales_a)
        assert purge_trash_task() >= 4
    assert not Meeting.objects.filter(title="Lost meeting").exists()
    assert not Proposal.objects.filter(title="Lost proposal").exists()
    assert not Stakeholder.objects.filter(name="Lost person").exists()
    assert not Comment.objects.filter(pk=deleted["comments"].pk).exists()
    assert Meeting.objects.filter(title="Live meeting").exists()


def test_the_purge_keeps_a_deleted_comment_with_replies_as_a_blank_tombstone(actors):
    proposal = factories.ProposalFactory(customer=actors.customer_a)
    parent = factories.CommentFactory(proposal=proposal, author=actors.sales_a, body="Parent")
    factories.CommentFactory(proposal=proposal, parent=parent, author=actors.spec_a, body="Reply")
    delete(parent, by=actors.sales_a)
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        trash.purge_trash()
    parent.refresh_from_db()
    assert parent.deleted_at is not None
    assert parent.body == ""
    assert Comment.objects.filter(body="Reply").exists()


def test_the_trash_page_runs_a_fixed_number_of_queries(
    client, actors, django_assert_max_num_queries
):
    client.force_login(actors.sales_a)
    url = reverse("integrity:trash", args=[actors.customer_a.pk])
    for n in (1, 10):
        for _ in range(n):
            delete(factories.MeetingFactory(customer=actors.customer_a), by=actors.sales_a)
            delete(factories.StakeholderFactory(customer=actors.customer_a), by=actors.sales_a)
        # session, user, customer + access, 12 kinds of deleted records, savepoints
        with django_assert_max_num_queries(22):
            assert client.get(url).status_code == 200


def test_the_api_lists_and_restores_deleted_records(actors, deleted):
    api = api_as(actors.sales_a)
    url = f"/api/customers/{actors.customer_a.pk}/trash/"
    listed = api.get(url).json()
    assert sorted(item["kind"] for item in listed) == sorted(trash.TRASHABLE)
    assert {item["deleted_by"] for item in listed} == {actors.sales_a.username}
    meeting = deleted["meetings"]
    response = api.post(f"{url}meetings/{meeting.pk}/restore/")
    assert response.status_code == 200
    assert response.json()["id"] == meeting.pk
    assert api.get(f"/api/meetings/{meeting.pk}/").status_code == 200
    assert api.post(f"{url}meetings/{meeting.pk}/restore/").status_code == 404


def test_the_trash_api_refuses_specialists_and_hides_from_outsiders(actors, deleted):
    url = f"/api/customers/{actors.customer_a.pk}/trash/"
    restore = f"{url}meetings/{deleted['meetings'].pk}/restore/"
    assert api_as(actors.spec_a).get(url).status_code == 403
    assert api_as(actors.spec_a).post(restore).status_code == 403
    assert api_as(actors.outsider).get(url).status_code == 404
    assert api_as(actors.outsider).post(restore).status_code == 404
    assert api_as(actors.mgr_a).get(url).status_code == 200


def test_deleting_through_the_api_soft_deletes_and_the_trash_restores(actors):
    api = api_as(actors.sales_a)
    proposal = factories.ProposalFactory(customer=actors.customer_a, owner=actors.sales_a)
    stakeholder = factories.StakeholderFactory(customer=actors.customer_a)
    meeting = factories.MeetingFactory(customer=actors.customer_a)
    assert api.delete(f"/api/proposals/{proposal.pk}/").status_code == 204
    assert api.delete(f"/api/stakeholders/{stakeholder.pk}/").status_code == 204
    assert api.delete(f"/api/meetings/{meeting.pk}/").status_code == 204
    for record in (proposal, stakeholder, meeting):
        record.refresh_from_db()  # still there, in the trash
        assert record.deleted_at is not None
    assert api.get(f"/api/proposals/{proposal.pk}/").status_code == 404
    listed = api.get(f"/api/customers/{actors.customer_a.pk}/trash/").json()
    assert {(i["kind"], i["id"]) for i in listed} == {
        ("proposals", proposal.pk),
        ("stakeholders", stakeholder.pk),
        ("meetings", meeting.pk),
    }


def test_a_viewer_may_not_delete_a_proposal(actors):
    proposal = factories.ProposalFactory(customer=actors.customer_a, owner=actors.sales_a)
    assert api_as(actors.viewer_a).delete(f"/api/proposals/{proposal.pk}/").status_code == 403
    assert api_as(actors.outsider).delete(f"/api/proposals/{proposal.pk}/").status_code == 404
    proposal.refresh_from_db()
    assert proposal.deleted_at is None


def test_a_restored_problem_is_linked_again_to_its_goals_step_meetings_and_proposals(actors):
    customer = actors.customer_a
    goal = factories.GoalFactory(customer=customer)
    step = factories.ProcessStepFactory(process__customer=customer)
    problem = factories.ProblemFactory(customer=customer, process_step=step)
    problem.blocks_goals.add(goal)
    meeting = factories.MeetingFactory(customer=customer)
    meeting.problems.add(problem)
    proposal = factories.ProposalFactory(customer=customer)
    proposal.problems.add(problem)
    delete(problem, by=actors.sales_a)
    # Gone from every default manager, related manager and count...
    assert not Problem.objects.filter(pk=problem.pk).exists()
    assert list(goal.blocking_problems.all()) == []
    assert list(meeting.problems.all()) == []
    assert list(proposal.problems.all()) == []
    assert list(step.pain_points.all()) == []
    # ...and back with every link.
    assert trash.restore_record(Problem._base_manager.get(pk=problem.pk), by=actors.mgr_a)
    assert list(goal.blocking_problems.all()) == [problem]
    assert list(meeting.problems.all()) == [problem]
    assert list(proposal.problems.all()) == [problem]
    assert list(step.pain_points.all()) == [problem]


def test_a_deleted_goal_keeps_its_links_and_a_form_save_does_not_drop_them(actors):
    customer = actors.customer_a
    kept, gone = factories.GoalFactory(customer=customer), factories.GoalFactory(customer=customer)
    problem = factories.ProblemFactory(customer=customer)
    problem.blocks_goals.add(kept, gone)
    delete(gone, by=actors.sales_a)
    assert list(problem.blocks_goals.all()) == [kept]
    customer_services.update_record(
        problem,
        by=actors.sales_a,
        expected_version=problem.version,
        changes={},
        m2m={"blocks_goals": [kept]},
    )
    assert trash.restore_record(Goal._base_manager.get(pk=gone.pk), by=actors.sales_a)
    assert set(problem.blocks_goals.all()) == {kept, gone}


def test_a_deleted_step_leaves_the_numbering_and_comes_back_at_the_end(actors):
    process = factories.ProcessFactory(customer=actors.customer_a)
    steps = [
        factories.ProcessStepFactory(process=process, position=i, name=name)
        for i, name in enumerate(("Order", "Ship", "Invoice"), start=1)
    ]
    delete(steps[0], by=actors.sales_a)
    assert list(process.steps.values_list("position", "name")) == [(1, "Ship"), (2, "Invoice")]
    assert trash.restore_record(ProcessStep._base_manager.get(pk=steps[0].pk), by=actors.sales_a)
    assert list(process.steps.values_list("position", "name")) == [
        (1, "Ship"),
        (2, "Invoice"),
        (3, "Order"),
    ]
