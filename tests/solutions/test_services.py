"""The proposal and contribution workflows, tested through the services."""

import threading

import pytest
from django.db import connection

from accounts.models import Notification
from solutions import services, workflow
from solutions.models import Contribution, Proposal, ProposalTransition
from tests import factories

S = Proposal.Status
C = Contribution.Status

# The workflow as the issue states it, written independently of workflow.TRANSITIONS.
EXPECTED = {
    ("draft", "in_review"),
    ("in_review", "presented"),
    ("presented", "accepted"),
    ("presented", "rejected"),
    ("draft", "withdrawn"),
    ("in_review", "withdrawn"),
    ("presented", "withdrawn"),
    ("rejected", "draft"),
    ("withdrawn", "draft"),
}
ALL_PAIRS = [(a, b) for a in S.values for b in S.values]


@pytest.mark.parametrize(("from_status", "to_status"), ALL_PAIRS)
def test_transition_table_every_pair(actors, from_status, to_status):
    proposal = factories.ProposalFactory(customer=actors.customer_a, status=from_status)
    data_version = actors.customer_a.data_version
    if (from_status, to_status) in EXPECTED:
        services.transition_proposal(proposal, to_status=to_status, by=actors.sales_a)
        proposal.refresh_from_db()
        assert proposal.status == to_status
        assert proposal.status_changed_at is not None
        transition = ProposalTransition.objects.get(proposal=proposal)
        assert (transition.from_status, transition.to_status) == (from_status, to_status)
        assert transition.by == actors.sales_a
        latest = proposal.history.first()
        assert latest.status == to_status
        assert latest.history_user == actors.sales_a
        actors.customer_a.refresh_from_db()
        assert actors.customer_a.data_version > data_version
    else:
        with pytest.raises(services.IllegalTransition) as caught:
            services.transition_proposal(proposal, to_status=to_status, by=actors.sales_a)
        assert caught.value.allowed == sorted(b for a, b in EXPECTED if a == from_status)
        proposal.refresh_from_db()
        assert proposal.status == from_status
        assert not ProposalTransition.objects.filter(proposal=proposal).exists()


def test_transition_table_in_services_matches_the_issue():
    table = {(a, b) for a, targets in workflow.TRANSITIONS.items() for b in targets}
    assert table == EXPECTED


def test_transition_bumps_version(actors):
    proposal = factories.ProposalFactory(customer=actors.customer_a)
    services.transition_proposal(proposal, to_status="in_review", by=actors.sales_a)
    proposal.refresh_from_db()
    assert proposal.version == 2


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_transitions_cannot_both_win(is_postgres):
    if not is_postgres:
        pytest.skip("needs row locks")
    lead = factories.UserFactory()
    customer = factories.CustomerFactory(lead=lead)
    proposal = factories.ProposalFactory(customer=customer)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def move(to_status: str) -> None:
        copy = Proposal.objects.get(pk=proposal.pk)
        barrier.wait()
        try:
            services.transition_proposal(copy, to_status=to_status, by=lead)
            outcomes.append("won")
        except (services.ConcurrentChange, services.IllegalTransition):
            outcomes.append("lost")
        finally:
            connection.close()

    threads = [threading.Thread(target=move, args=("in_review",)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["lost", "won"]
    assert ProposalTransition.objects.filter(proposal=proposal).count() == 1


def test_request_contribution_notifies_the_specialist(
    actors, proposal_a, engineering, django_capture_on_commit_callbacks, mailoutbox
):
    actors.spec_a.area = engineering
    actors.spec_a.save(update_fields=["area"])
    with django_capture_on_commit_callbacks(execute=True):
        contribution = services.request_contribution(
            proposal_a, by=actors.sales_a, specialist=actors.spec_a, request="Size it"
        )
    assert contribution.status == C.REQUESTED
    assert contribution.area == engineering
    assert contribution.requested_by == actors.sales_a
    assert contribution.requested_at is not None
    assert contribution.answered_at is None
    notification = Notification.objects.get(user=actors.spec_a)
    assert notification.kind == Notification.Kind.CONTRIBUTION_REQUEST
    assert notification.url == f"/solutions/contributions/{contribution.pk}/"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [actors.spec_a.email]


@pytest.mark.parametrize("who", ["viewer_a", "sales_a2", "outsider"])
def test_only_specialists_on_the_account_can_be_asked(actors, proposal_a, who):
    with pytest.raises(ValueError, match="specialist on this account"):
        services.request_contribution(
            proposal_a, by=actors.sales_a, specialist=getattr(actors, who)
        )


def test_request_needs_exactly_one_of_specialist_and_partner(actors, proposal_a):
    with pytest.raises(ValueError, match="either"):
        services.request_contribution(proposal_a, by=actors.sales_a)
    with pytest.raises(ValueError, match="either"):
        services.request_contribution(
            proposal_a,
            by=actors.sales_a,
            specialist=actors.spec_a,
            partner=factories.PartnerFactory(),
        )


CONTRIBUTION_EXPECTED = {
    ("requested", "in_progress"),
    ("requested", "declined"),
    ("in_progress", "done"),
    ("in_progress", "declined"),
    ("done", "in_progress"),
}


@pytest.mark.parametrize(("from_status", "to_status"), [(a, b) for a in C.values for b in C.values])
def test_contribution_transition_table(actors, proposal_a, from_status, to_status):
    contribution = factories.ContributionFactory(
        proposal=proposal_a, specialist=actors.spec_a, status=from_status, description="Done it"
    )
    move = {
        "in_progress": lambda: services.accept_contribution(contribution, by=actors.spec_a),
        "declined": lambda: services.decline_contribution(
            contribution, by=actors.spec_a, reason="No capacity"
        ),
        "done": lambda: services.complete_contribution(contribution, by=actors.spec_a),
        "requested": None,
    }[to_status]
    if (from_status, to_status) in CONTRIBUTION_EXPECTED:
        move()
        contribution.refresh_from_db()
        assert contribution.status == to_status
        assert contribution.answered_at is not None
    elif move is None:
        assert to_status not in workflow.CONTRIBUTION_TRANSITIONS[from_status]
    else:
        with pytest.raises(services.IllegalTransition):
            move()
        contribution.refresh_from_db()
        assert contribution.status == from_status


def test_answered_at_is_the_first_answer(actors, contribution_a, time_machine):
    time_machine.move_to("2026-03-02 09:00:00+00:00")
    services.accept_contribution(contribution_a, by=actors.spec_a)
    first = contribution_a.answered_at
    time_machine.move_to("2026-03-05 09:00:00+00:00")
    services.decline_contribution(contribution_a, by=actors.spec_a, reason="Out of scope")
    contribution_a.refresh_from_db()
    assert contribution_a.answered_at == first
    assert contribution_a.decline_reason == "Out of scope"


def test_decline_needs_a_reason(actors, contribution_a):
    with pytest.raises(ValueError, match="why"):
        services.decline_contribution(contribution_a, by=actors.spec_a, reason="  ")


def test_done_needs_a_description(actors, contribution_a):
    services.accept_contribution(contribution_a, by=actors.spec_a)
    with pytest.raises(ValueError, match="Describe"):
        services.complete_contribution(contribution_a, by=actors.spec_a)


def test_writing_before_accepting_is_refused(actors, contribution_a):
    with pytest.raises(ValueError, match="Accept"):
        services.write_contribution(
            contribution_a,
            by=actors.spec_a,
            expected_version=contribution_a.version,
            description="x",
            effort_days=None,
            cost_estimate=None,
        )


def test_completing_tells_the_requester(actors, contribution_a):
    services.accept_contribution(contribution_a, by=actors.spec_a)
    services.write_contribution(
        contribution_a,
        by=actors.spec_a,
        expected_version=contribution_a.version,
        description="Two PLCs",
        effort_days=3,
        cost_estimate=1000,
    )
    services.complete_contribution(contribution_a, by=actors.spec_a)
    assert Notification.objects.filter(user=actors.sales_a, message__contains="completed").exists()


def test_every_write_records_an_account_change(actors, proposal_a, contribution_a):
    customer = actors.customer_a
    steps = [
        lambda: services.update_proposal(
            proposal_a,
            by=actors.sales_a,
            expected_version=Proposal.objects.get(pk=proposal_a.pk).version,
            changes={"title": "New"},
        ),
        lambda: services.accept_contribution(contribution_a, by=actors.spec_a),
        lambda: services.post_comment(proposal_a, author=actors.sales_a, body="hi"),
    ]
    for step in steps:
        customer.refresh_from_db()
        before = customer.data_version
        step()
        customer.refresh_from_db()
        assert customer.data_version == before + 1
