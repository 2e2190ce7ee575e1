import datetime as dt

import pytest

from customers.models import Goal, Problem, Stakeholder
from dialogue.models import ActionItem
from health.scoring import band_for, compute_health
from health.words import reason_texts
from solutions.models import Proposal
from tests import factories

NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


def days_ago(days: int) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def component(result, key):
    return next(c for c in result.components if c.key == key)


@pytest.fixture
def customer(db):
    return factories.CustomerFactory()


def test_an_account_with_nothing_at_all_is_red_and_says_why(customer):
    result = compute_health(customer, now=NOW)

    assert component(result, "recency").points == 0
    assert reason_texts(component(result, "recency").reasons) == ["no meetings recorded yet"]
    assert reason_texts(component(result, "engagement").reasons) == ["no stakeholders recorded"]
    assert reason_texts(component(result, "understanding").reasons) == ["no active goals recorded"]
    assert component(result, "solution").points == 15
    assert reason_texts(component(result, "solution").reasons) == ["no open severe problems"]
    assert component(result, "execution").points == 15
    assert reason_texts(component(result, "execution").reasons) == ["no open action items"]
    assert reason_texts(component(result, "balance").reasons) == ["no meetings in the last 90 days"]
    assert result.score == 30
    assert result.band == "red"


def test_a_well_run_account_scores_100(customer):
    decision_maker = factories.StakeholderFactory(
        customer=customer, buying_role=Stakeholder.BuyingRole.DECISION_MAKER
    )
    champion = factories.StakeholderFactory(
        customer=customer, buying_role=Stakeholder.BuyingRole.CHAMPION
    )
    goal = factories.GoalFactory(customer=customer)
    problem = factories.ProblemFactory(customer=customer, severity=Problem.Severity.CRITICAL)
    problem.blocks_goals.add(goal)
    proposal = factories.ProposalFactory(customer=customer, status=Proposal.Status.PRESENTED)
    proposal.problems.add(problem)
    meeting = factories.MeetingFactory(customer=customer, occurred_at=days_ago(2))
    meeting.stakeholders.add(decision_maker, champion)
    meeting.problems.add(problem)
    factories.ActionItemFactory(customer=customer, due_on=TODAY + dt.timedelta(days=3))

    result = compute_health(customer, now=NOW)

    assert [c.points for c in result.components] == [25, 20, 15, 15, 15, 10]
    assert result.score == 100
    assert result.band == "green"
    assert result.facts.open_severe_problems == 1
    assert result.facts.proposals_in_flight == 1
    assert result.facts.overdue_action_items == 0
    assert result.facts.last_meeting_at == days_ago(2)


@pytest.mark.parametrize(
    ("days", "points", "reason"),
    [
        (0, 25, "last meeting today"),
        (1, 25, "last meeting yesterday"),
        (14, 25, "last meeting 14 days ago"),
        (52, 12.5, "no meeting in 52 days"),
        (74, 5.3, "no meeting in 74 days"),
        (90, 0, "no meeting in 90 days"),
        (400, 0, "no meeting in 400 days"),
    ],
)
def test_dialogue_recency_decays_from_14_to_90_days(customer, days, points, reason):
    factories.MeetingFactory(customer=customer, occurred_at=days_ago(days))

    recency = component(compute_health(customer, now=NOW), "recency")

    assert recency.points == points
    assert recency.max_points == 25
    assert reason_texts(recency.reasons) == [reason]


def test_recency_ignores_deleted_and_future_meetings(customer):
    factories.MeetingFactory(customer=customer, occurred_at=days_ago(74))
    factories.MeetingFactory(customer=customer, occurred_at=days_ago(1), deleted_at=NOW)
    factories.MeetingFactory(customer=customer, occurred_at=NOW + dt.timedelta(days=3))

    assert reason_texts(component(compute_health(customer, now=NOW), "recency").reasons) == [
        "no meeting in 74 days"
    ]


def test_engagement_names_the_missing_and_the_stale_key_people(customer):
    decision_maker = factories.StakeholderFactory(
        customer=customer, buying_role=Stakeholder.BuyingRole.DECISION_MAKER
    )
    factories.StakeholderFactory(customer=customer, buying_role=Stakeholder.BuyingRole.CHAMPION)
    meeting = factories.MeetingFactory(customer=customer, occurred_at=days_ago(74))
    meeting.stakeholders.add(decision_maker)

    engagement = component(compute_health(customer, now=NOW), "engagement")

    assert reason_texts(engagement.reasons) == [
        "no meeting with a decision maker in 74 days",
        "no meeting with a champion yet",
    ]
    # Decision maker: (120 - 74) / 90 of its half; champion: nothing.
    assert engagement.points == round(20 * (46 / 90) / 2, 1)


def test_engagement_without_decision_maker_or_champion(customer):
    influencer = factories.StakeholderFactory(
        customer=customer, buying_role=Stakeholder.BuyingRole.INFLUENCER
    )
    meeting = factories.MeetingFactory(customer=customer, occurred_at=days_ago(1))
    meeting.stakeholders.add(influencer)

    engagement = component(compute_health(customer, now=NOW), "engagement")

    assert engagement.points == 0
    assert reason_texts(engagement.reasons) == [
        "no decision maker identified",
        "no champion identified",
    ]


def test_engagement_ignores_removed_stakeholders(customer):
    factories.StakeholderFactory(
        customer=customer, buying_role=Stakeholder.BuyingRole.DECISION_MAKER, deleted_at=NOW
    )

    assert reason_texts(component(compute_health(customer, now=NOW), "engagement").reasons) == [
        "no stakeholders recorded"
    ]


def test_problem_understanding_counts_active_goals_with_linked_problems(customer):
    goals = factories.GoalFactory.create_batch(3, customer=customer)
    factories.GoalFactory(customer=customer, status=Goal.Status.ACHIEVED)
    problem = factories.ProblemFactory(customer=customer)
    problem.blocks_goals.add(goals[0], goals[1])

    understanding = component(compute_health(customer, now=NOW), "understanding")

    assert understanding.points == 10
    assert reason_texts(understanding.reasons) == ["1 of 3 active goals has no linked problem"]


def test_open_problems_the_customer_confirmed_count_towards_understanding(customer):
    goals = factories.GoalFactory.create_batch(3, customer=customer)
    problem = factories.ProblemFactory(customer=customer)
    problem.blocks_goals.add(goals[0], goals[1])
    provenance = "Confirmed by Katrin Vogel, CEO, in the shared space on 12 Jan 2027"
    factories.ProblemFactory(customer=customer, confirmed=True, source=provenance)
    # Neither a parked nor a deleted confirmed problem counts.
    factories.ProblemFactory(customer=customer, confirmed=True, status=Problem.Status.PARKED)
    factories.ProblemFactory(customer=customer, confirmed=True, deleted_at=NOW)

    understanding = component(compute_health(customer, now=NOW), "understanding")

    # (2 understood goals + 1 confirmed problem) of (3 goals + 1 confirmed problem).
    assert understanding.points == round(15 * 3 / 4, 1)
    assert reason_texts(understanding.reasons) == [
        "1 of 3 active goals has no linked problem",
        f"1 open problem confirmed by the customer ({provenance})",
    ]


def test_solution_progress_names_critical_problems_without_a_proposal(customer):
    critical = factories.ProblemFactory.create_batch(
        3, customer=customer, severity=Problem.Severity.CRITICAL
    )
    factories.ProblemFactory(
        customer=customer, severity=Problem.Severity.CRITICAL, status=Problem.Status.SOLVED
    )
    factories.ProblemFactory(customer=customer, severity=Problem.Severity.LOW)
    active = factories.ProposalFactory(customer=customer, status=Proposal.Status.DRAFT)
    active.problems.add(critical[0])
    withdrawn = factories.ProposalFactory(customer=customer, status=Proposal.Status.WITHDRAWN)
    withdrawn.problems.add(critical[1])
    deleted = factories.ProposalFactory(customer=customer, deleted_at=NOW)
    deleted.problems.add(critical[2])

    solution = component(compute_health(customer, now=NOW), "solution")

    assert reason_texts(solution.reasons) == ["2 of 3 critical problems have no proposal"]
    # A third of the problems covered (75% of the points), nothing stuck (25%).
    assert solution.points == round(15 * (0.75 / 3 + 0.25), 1)


def test_solution_progress_flags_proposals_stuck_in_review(customer, settings):
    settings.HEALTH_REVIEW_STUCK_DAYS = 21
    high = factories.ProblemFactory(customer=customer, severity=Problem.Severity.HIGH)
    stuck = factories.ProposalFactory(
        customer=customer, status=Proposal.Status.IN_REVIEW, status_changed_at=days_ago(30)
    )
    stuck.problems.add(high)
    factories.ProposalFactory(
        customer=customer, status=Proposal.Status.IN_REVIEW, status_changed_at=days_ago(5)
    )

    solution = component(compute_health(customer, now=NOW), "solution")

    assert reason_texts(solution.reasons) == [
        "the open severe problem has an active proposal",
        "1 proposal stuck in review for more than 21 days",
    ]
    assert solution.points == 11.2


def test_execution_with_everything_overdue_scores_nothing(customer):
    factories.ActionItemFactory(customer=customer, due_on=TODAY - dt.timedelta(days=10))
    factories.ActionItemFactory(customer=customer, due_on=TODAY - dt.timedelta(days=1))
    factories.ActionItemFactory(
        customer=customer, due_on=TODAY - dt.timedelta(days=50), status=ActionItem.Status.DONE
    )

    result = compute_health(customer, now=NOW)
    execution = component(result, "execution")

    assert execution.points == 0
    assert reason_texts(execution.reasons) == [
        "2 of 2 open action items are overdue (the oldest by 10 days)"
    ]
    assert result.facts.overdue_action_items == 2


def test_execution_counts_items_due_today_or_undated_as_not_overdue(customer):
    factories.ActionItemFactory(customer=customer, due_on=TODAY)
    factories.ActionItemFactory(customer=customer, due_on=None)
    factories.ActionItemFactory(customer=customer, due_on=TODAY - dt.timedelta(days=1))

    execution = component(compute_health(customer, now=NOW), "execution")

    assert execution.points == 10
    assert reason_texts(execution.reasons) == [
        "1 of 3 open action items is overdue (the oldest by 1 day)"
    ]


def test_dialogue_balance_is_the_share_of_recent_meetings_with_customer_topics(customer):
    goal = factories.GoalFactory(customer=customer)
    problem = factories.ProblemFactory(customer=customer)
    with_goal, with_problem, _, _ = factories.MeetingFactory.create_batch(
        4, customer=customer, occurred_at=days_ago(10)
    )
    with_goal.goals.add(goal)
    with_problem.problems.add(problem)
    old = factories.MeetingFactory(customer=customer, occurred_at=days_ago(120))
    old.goals.add(goal)

    balance = component(compute_health(customer, now=NOW), "balance")

    assert balance.points == 5
    assert reason_texts(balance.reasons) == [
        "2 of 4 meetings in the last 90 days recorded customer goals or problems"
    ]


def test_weights_come_from_settings(customer, settings):
    settings.HEALTH_WEIGHTS = {
        "recency": 0,
        "engagement": 0,
        "understanding": 0,
        "solution": 50,
        "execution": 50,
        "balance": 0,
    }

    result = compute_health(customer, now=NOW)

    assert component(result, "solution").max_points == 50
    assert result.score == 100


@pytest.mark.parametrize(
    ("score", "band"),
    [(0, "red"), (39, "red"), (40, "amber"), (69, "amber"), (70, "green"), (100, "green")],
)
def test_band_thresholds(score, band):
    assert band_for(score) == band


def test_query_count_does_not_grow_with_the_account(customer, django_assert_num_queries):
    # One aggregate each: meetings, stakeholders, goals, problems, proposals, action items,
    # and the count of planned meetings that passed without an outcome; the plan scorecard's
    # chosen playbook and segment playbooks (none applies here).
    with django_assert_num_queries(9):
        compute_health(customer, now=NOW)
    for _ in range(5):
        stakeholder = factories.StakeholderFactory(
            customer=customer, buying_role=Stakeholder.BuyingRole.DECISION_MAKER
        )
        meeting = factories.MeetingFactory(customer=customer, occurred_at=days_ago(3))
        meeting.stakeholders.add(stakeholder)
        factories.ActionItemFactory(customer=customer)
        factories.ProblemFactory(customer=customer, severity=Problem.Severity.HIGH)
    with django_assert_num_queries(9):
        compute_health(customer, now=NOW)
