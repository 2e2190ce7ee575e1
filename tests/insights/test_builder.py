import datetime as dt

from customers.models import Customer
from insights.builder import build_summary, describe_changes
from insights.models import AccountSummary
from tests import factories


def _build(customer, now):
    return build_summary(Customer.objects.select_related("lead").get(pk=customer.pk), now=now)


def test_customer_picture_has_canvas_highlights_and_live_strategic_moves(account, now):
    content = _build(account, now).content
    labels = [h["label"] for h in content["business_model"]]
    assert labels == ["Key partners", "Value proposition"]
    assert [m["title"] for m in content["strategic_moves"]] == ["Open a Polish hub"]


def test_goals_carry_their_blocking_problems_and_the_proposals_addressing_them(account, now):
    goals = _build(account, now).content["goals"]
    assert [g["title"] for g in goals] == ["Cut lead time"]
    (problem,) = goals[0]["problems"]
    assert problem["title"] == "Manual picking"
    assert problem["severity"] == "High"
    assert [p["title"] for p in problem["proposals"]] == ["Pick-by-light"]


def test_dialogue_highlights_cover_only_the_last_90_days(account, now):
    content = _build(account, now).content
    assert content["dialogue"] == {
        "window_days": 90,
        "total": 2,
        "positive": 1,
        "neutral": 1,
        "negative": 0,
    }
    (highlight,) = content["highlights"]
    assert highlight["title"] == "Quarterly review"
    assert highlight["customer_said"] == "Lead times hurt us."
    assert highlight["insights"] == "Budget opens in Q3."
    assert highlight["sentiment"] == "Positive"


def test_stakeholder_coverage_lists_who_we_met_and_key_people_not_met(account, now):
    content = _build(account, now).content
    assert [p["name"] for p in content["stakeholders_met"]] == ["Chris Champion", "Uma User"]
    (missing,) = content["key_not_met"]
    assert missing["name"] == "Clara CEO"
    assert missing["last_met_on"] == (now - dt.timedelta(days=200)).date().isoformat()


def test_open_and_overdue_action_items(account, now):
    content = _build(account, now).content
    assert [(a["description"], a["overdue"]) for a in content["open_actions"]] == [
        ("Send the offer", True),
        ("Book site visit", False),
    ]
    assert content["action_totals"] == {"open": 2, "overdue": 1}


def test_proposals_with_contributions_skip_deleted_ones(account, now):
    (proposal,) = _build(account, now).content["proposals"]
    assert proposal["title"] == "Pick-by-light"
    assert proposal["problems"] == ["Manual picking"]
    (contribution,) = proposal["contributions"]
    assert contribution["area"] == "Engineering"
    assert contribution["status"] == "In progress"


def test_plan_sections_and_review_state(account, now):
    content = _build(account, now).content
    assert content["plan"] == {"status": "Approved", "last_approved_at": now.isoformat()}
    assert [s["title"] for s in content["plan_sections"]] == ["Engineering section", "Strategy"]
    markdown = _build(account, now).markdown
    assert "Review state: Approved; last approved: 2026-06-15." in markdown
    assert "Grow the **service** business" in markdown


def test_other_customers_records_stay_out(account, now):
    assert "Beta meeting" not in _build(account, now).markdown


def test_the_same_input_gives_the_same_hash_and_document(account, now):
    first, second = _build(account, now), _build(account, now)
    assert first.content_hash == second.content_hash
    assert first.markdown == second.markdown
    assert first.changes == ["First summary of this account."]


def test_changes_since_the_previous_version_are_named(account, now):
    first = _build(account, now)
    AccountSummary.objects.create(
        customer=account,
        number=1,
        source_data_version=1,
        content=first.content,
        changes=first.changes,
        markdown=first.markdown,
        html=str(first.html),
        content_hash=first.content_hash,
        built_at=now,
    )
    factories.GoalFactory(customer=account, title="Enter Norway")
    second = _build(account, now)
    assert "Goal added: Enter Norway" in second.changes
    assert "## What changed since version 1" in second.markdown
    assert second.content_hash != first.content_hash
    assert not second.is_unchanged


def test_describe_changes_names_removed_and_updated_items():
    before = {"goals": [{"id": 1, "title": "A"}, {"id": 2, "title": "B"}]}
    after = {"goals": [{"id": 2, "title": "B2"}]}
    assert describe_changes(before, after) == ["Goal removed: A", "Goal updated: B2"]


def test_query_count_does_not_grow_with_the_account(account, now, django_assert_num_queries):
    # 16 queries: previous version, canvas, strategic moves, goals + blocking problems +
    # their proposals, meeting counts, highlights, stakeholders, open actions + totals,
    # proposals + problems + contributions, plan, plan sections.
    customer = Customer.objects.select_related("lead").get(pk=account.pk)
    with django_assert_num_queries(16):
        build_summary(customer, now=now)
    for i in range(10):
        goal = factories.GoalFactory(customer=account)
        problem = factories.ProblemFactory(customer=account)
        problem.blocks_goals.set([goal])
        proposal = factories.ProposalFactory(customer=account)
        proposal.problems.set([problem])
        factories.ContributionFactory(proposal=proposal)
        meeting = factories.MeetingFactory(
            customer=account, occurred_at=now - dt.timedelta(days=i), customer_said="Hi"
        )
        meeting.stakeholders.set([factories.StakeholderFactory(customer=account)])
        factories.ActionItemFactory(customer=account)
    with django_assert_num_queries(16):
        build_summary(customer, now=now)
