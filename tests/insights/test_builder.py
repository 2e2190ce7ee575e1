import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from accounts.models import Area
from customers.models import Customer, Goal, Stakeholder
from dialogue.models import ActionItem
from insights.builder import (
    EXCERPT_CHARS,
    MAX_HIGHLIGHTS,
    MAX_OPEN_ACTIONS,
    build_summaries,
    build_summary,
)
from insights.document import change_texts, describe_changes
from insights.models import AccountSummary, PlanItem, PlanSection
from solutions.models import Contribution
from tests import factories


def _build(customer, now):
    return build_summary(Customer.objects.select_related("lead").get(pk=customer.pk), now=now)


def _store(customer, built, *, number, now):
    return AccountSummary.objects.create(
        customer=customer,
        number=number,
        source_data_version=1,
        content=built.content,
        changes=built.changes,
        markdown=built.markdown,
        html="",
        content_hash=built.content_hash,
        built_at=now,
    )


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
    assert "Review state: Approved; last approved: 15 Jun 2026." in markdown
    assert "Grow the **service** business" in markdown


def test_plan_sections_show_their_structured_items(account, now, actors):
    strategy = PlanSection.objects.get(customer=account, area=None)
    goal = factories.GoalFactory(customer=account, title="Cut lead time")
    objective = factories.PlanItemFactory(
        section=strategy,
        title="Preferred **logistics** partner",
        metric="Share of inbound volume",
        target="60 %",
        target_on=dt.date(2026, 12, 31),
    )
    objective.goals.set([goal])
    factories.PlanItemFactory(
        section=strategy, kind="risk", title="Budget freeze", likelihood="high", impact="medium"
    )
    factories.PlanItemFactory(
        section=strategy, kind="action", title="Meet the CFO", owner=actors.sales_a
    )
    area_section = PlanSection.objects.get(customer=account, kind="area")
    factories.PlanItemFactory(
        section=area_section, kind="offer", title="Site survey", effort="small"
    )
    factories.PlanItemFactory(section=area_section, kind="question", title="Which dock?")
    deleted = factories.PlanItemFactory(section=area_section, kind="question", title="Gone")
    deleted.soft_delete(by=actors.sales_a)
    built = _build(account, now)
    sections = {s["title"]: s for s in built.content["plan_sections"]}
    strategy_items = sections["Strategy"]["items"]
    assert [item["kind"] for item in strategy_items] == [
        PlanItem.Kind.OBJECTIVE,
        PlanItem.Kind.RISK,
        PlanItem.Kind.ACTION,
    ]
    assert strategy_items[0]["goals"] == ["Cut lead time"]
    assert strategy_items[0]["metric"] == "Share of inbound volume"
    assert [i["title"] for i in sections["Engineering section"]["items"]] == [
        "Site survey",
        "Which dock?",
    ]
    markdown = built.markdown
    account_plan = markdown[markdown.index("## Account plan") :]
    assert "#### Objectives" in account_plan
    # Plain text reads as itself (escaped), the fields labelled.
    assert "**Preferred \\*\\*logistics\\*\\* partner**" in account_plan
    assert "Metric: Share of inbound volume" in account_plan
    assert "Goals: Cut lead time" in account_plan
    assert "#### Risks" in account_plan
    assert "Likelihood: High" in account_plan
    assert "#### Relationship actions" in account_plan
    assert "#### What we offer" in account_plan
    assert "Effort: Small (days)" in account_plan
    assert "#### Open questions" in account_plan
    assert "Which dock?" in account_plan
    assert "Gone" not in account_plan
    # The section's notes follow its items.
    assert account_plan.index("Meet the CFO") < account_plan.rindex("#### Notes")
    assert account_plan.rindex("#### Notes") < account_plan.index("Grow the **service** business")


def test_a_section_with_items_and_no_notes_is_shown(account, now):
    section = PlanSection.objects.get(customer=account, kind="area")
    PlanSection.objects.filter(pk=section.pk).update(body="")
    factories.PlanItemFactory(section=section, kind="offer", title="Site survey")
    built = _build(account, now)
    (shown,) = [s for s in built.content["plan_sections"] if s["id"] == section.pk]
    assert shown["items"][0]["title"] == "Site survey"
    assert "Site survey" in built.markdown


def test_other_customers_records_stay_out(account, now):
    assert "Beta meeting" not in _build(account, now).markdown


def test_the_same_input_gives_the_same_hash_and_document(account, now):
    first, second = _build(account, now), _build(account, now)
    assert first.content_hash == second.content_hash
    assert first.markdown == second.markdown
    assert change_texts(first.changes) == ["First summary of this account."]


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
    assert "Goal added: Enter Norway" in change_texts(second.changes)
    assert "## What changed since version 1" in second.markdown
    assert second.content_hash != first.content_hash
    assert not second.is_unchanged


def test_describe_changes_names_removed_and_updated_items():
    before = {"goals": [{"id": 1, "title": "A"}, {"id": 2, "title": "B"}]}
    after = {"goals": [{"id": 2, "title": "B2"}]}
    changes = describe_changes(before, after)
    assert changes == [
        {"key": "removed", "params": {"section": "goals", "label": "A"}},
        {"key": "updated", "params": {"section": "goals", "label": "B2"}},
    ]
    assert change_texts(changes) == ["Goal removed: A", "Goal updated: B2"]
    with translation.override("de"):
        assert change_texts(changes) == ["Ziel entfernt: A", "Ziel aktualisiert: B2"]


def test_query_count_does_not_grow_with_the_account(account, now, django_assert_num_queries):
    # 18 queries: previous version, canvas, strategic moves, goals + blocking problems +
    # their proposals, meeting counts, highlights, stakeholders, open actions + totals,
    # proposals + problems + contributions, plan, plan sections + their items + their goals.
    customer = Customer.objects.select_related("lead").get(pk=account.pk)
    strategy = PlanSection.objects.get(customer=account, area=None)
    factories.PlanItemFactory(section=strategy).goals.set([factories.GoalFactory(customer=account)])
    with django_assert_num_queries(18):
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
        factories.PlanItemFactory(section=strategy, kind="risk", likelihood="high")
        factories.PlanItemFactory(section=strategy).goals.set([goal])
    with django_assert_num_queries(18):
        build_summary(customer, now=now)


@pytest.fixture
def accounts(actors, account, now):
    """Four customers: the full account, a hot one past every limit, a small one whose
    summary is current, and one with no records at all."""
    hot = actors.customer_a2
    partner = factories.PartnerFactory(name="Nordic Lifts")
    area = Area.objects.get(name="Engineering")
    factories.BusinessModelFactory(
        customer=hot, value_proposition="x" * (EXCERPT_CHARS + 50), channels="  "
    )
    factories.StrategicMoveFactory(customer=hot, title="Undated move")
    factories.StrategicMoveFactory(
        customer=hot, title="Dated move", horizon_on=now.date() + dt.timedelta(days=30)
    )
    first = factories.GoalFactory(customer=hot, title="Grow", priority=2, metric="Revenue")
    second = factories.GoalFactory(
        customer=hot, title="Automate", priority=1, target_on=now.date() + dt.timedelta(days=90)
    )
    factories.GoalFactory(customer=hot, title="Given up", status=Goal.Status.DROPPED)
    shared = factories.ProblemFactory(customer=hot, title="Slow quotes")
    shared.blocks_goals.set([first, second])
    factories.ProblemFactory(customer=hot, title="Bad data").blocks_goals.set([second])
    live = factories.ProposalFactory(customer=hot, title="Quote bot", value=Decimal("12000.00"))
    live.problems.set([shared])
    factories.ProposalFactory(
        customer=hot, title="Withdrawn idea", deleted_at=now - dt.timedelta(days=3)
    ).problems.set([shared])
    Contribution.objects.create(
        proposal=live, partner=partner, effort_days=Decimal("4.5"), status="done"
    )
    Contribution.objects.create(proposal=live, specialist=actors.spec_a, area=area)
    factories.ProposalFactory(customer=hot, title="Another offer")

    # 21 highlights inside the window (13 and 14 at the same moment), plus ones that never
    # count: deleted, too old, or with nothing said.
    met = factories.StakeholderFactory(customer=hot, name="Mia Met")
    for day in range(20):
        meeting = factories.MeetingFactory(
            customer=hot,
            title=f"Hot meeting {day:02}",
            occurred_at=now - dt.timedelta(days=day if day == 14 else day + 1),
            customer_said=f"Said on day {day}",
            sentiment=("positive", "neutral", "negative")[day % 3],
        )
        meeting.stakeholders.set([met])
    factories.MeetingFactory(
        customer=hot, title="Only insights", occurred_at=now - dt.timedelta(hours=1), insights="!"
    )
    factories.MeetingFactory(customer=hot, title="Nothing said", occurred_at=now)
    factories.MeetingFactory(
        customer=hot,
        title="Deleted meeting",
        occurred_at=now,
        customer_said="Gone",
        deleted_at=now,
    ).stakeholders.set(
        [factories.StakeholderFactory(customer=hot, name="Del Deleted", influence=5)]
    )
    old = factories.MeetingFactory(
        customer=hot, title="Too old", occurred_at=now - dt.timedelta(days=91), customer_said="Old"
    )
    old.stakeholders.set(
        [
            factories.StakeholderFactory(
                customer=hot, name="Olga Old", buying_role=Stakeholder.BuyingRole.DECISION_MAKER
            )
        ]
    )
    factories.StakeholderFactory(customer=hot, name="Ian Influential", influence=4)
    factories.StakeholderFactory(customer=hot, name="Nick Nobody", influence=1)
    factories.StakeholderFactory(
        customer=hot,
        name="Gone Champion",
        buying_role=Stakeholder.BuyingRole.CHAMPION,
        deleted_at=now,
    )

    # More open action items than the summary lists, some undated, plus closed ones.
    ActionItem.objects.bulk_create(
        ActionItem(
            customer=hot,
            owner=actors.sales_a2,
            description=f"Hot step {i:03}",
            due_on=None if i % 10 == 0 else now.date() + dt.timedelta(days=i - 20),
        )
        for i in range(MAX_OPEN_ACTIONS + 5)
    )
    ActionItem.objects.bulk_create(
        ActionItem(
            customer=hot,
            owner=actors.sales_a2,
            description=f"Closed step {i}",
            status=ActionItem.Status.DONE,
            due_on=now.date() - dt.timedelta(days=50),
        )
        for i in range(3)
    )
    factories.PlanSectionFactory(customer=hot, body="Keep them happy", updated_at=now)
    factories.PlanSectionFactory(
        customer=hot, kind="area", area=area, body="   ", updated_at=now, updated_by=actors.spec_a
    )
    hot_customer = Customer.objects.select_related("lead").get(pk=hot.pk)
    _store(hot, build_summary(hot_customer, now=now), number=1, now=now)
    factories.GoalFactory(customer=hot, title="Later goal", priority=3)
    _store(hot, build_summary(hot_customer, now=now), number=2, now=now)
    factories.GoalFactory(customer=hot, title="Newest goal", priority=3)

    small = actors.customer_b
    factories.ActionItemFactory(customer=small, due_on=None, description="Call back")
    small_customer = Customer.objects.select_related("lead").get(pk=small.pk)
    _store(small, build_summary(small_customer, now=now), number=1, now=now)

    empty = factories.CustomerFactory(name="Empty Co", industry="")
    ids = [account.pk, hot.pk, small.pk, empty.pk]
    return list(Customer.objects.select_related("lead").filter(pk__in=ids).order_by("pk"))


def test_a_batch_gives_each_customer_what_its_own_build_gives(accounts, now):
    batch = build_summaries(accounts, now=now)
    assert list(batch) == [c.pk for c in accounts]
    for customer in accounts:
        alone = build_summary(customer, now=now)
        assert batch[customer.pk] == alone
        assert batch[customer.pk].content["customer"]["id"] == customer.pk


def test_a_batch_keeps_each_customers_limits_orderings_and_previous_version(actors, accounts, now):
    full, hot, small, _empty = (build_summaries(accounts, now=now)[c.pk] for c in accounts)
    content = hot.content
    # The newest MAX_HIGHLIGHTS of the window, newest first (the later pk first on a tie).
    titles = [h["title"] for h in content["highlights"]]
    assert len(titles) == MAX_HIGHLIGHTS
    assert titles[:3] == ["Only insights", "Hot meeting 00", "Hot meeting 01"]
    assert titles[-2:] == ["Hot meeting 12", "Hot meeting 14"]
    assert content["dialogue"] == {
        "window_days": 90,
        "total": 22,
        "positive": 7,
        "neutral": 9,
        "negative": 6,
    }
    soonest = ActionItem.objects.filter(customer=actors.customer_a2, status="open").order_by(
        "due_on", "pk"
    )[:MAX_OPEN_ACTIONS]
    assert [a["id"] for a in content["open_actions"]] == [a.pk for a in soonest]
    assert [a["description"] for a in content["open_actions"] if a["overdue"]][:2] == [
        "Hot step 001",
        "Hot step 002",
    ]
    assert content["action_totals"] == {"open": MAX_OPEN_ACTIONS + 5, "overdue": 18}
    assert [p["name"] for p in content["stakeholders_met"]] == ["Mia Met"]
    assert [p["name"] for p in content["key_not_met"]] == [
        "Del Deleted",
        "Ian Influential",
        "Olga Old",
    ]
    assert sorted(m["title"] for m in content["strategic_moves"]) == ["Dated move", "Undated move"]
    assert content["business_model"][0]["text"].endswith("…")
    assert [(g["title"], [p["title"] for p in g["problems"]]) for g in content["goals"]] == [
        ("Automate", ["Bad data", "Slow quotes"]),
        ("Grow", ["Slow quotes"]),
        ("Later goal", []),
        ("Newest goal", []),
    ]
    assert [p["title"] for p in content["goals"][1]["problems"][0]["proposals"]] == ["Quote bot"]
    quote_bot = content["proposals"][1]
    assert quote_bot["value"] == "12000.00 EUR"
    assert [(c["from"], c["effort_days"]) for c in quote_bot["contributions"]] == [
        ("Nordic Lifts", "4.5"),
        (actors.spec_a.display_name, None),
    ]
    assert [s["title"] for s in content["plan_sections"]] == ["Strategy"]
    assert content["plan"] == {"status": "Draft", "last_approved_at": None}
    assert hot.previous.number == 2
    assert change_texts(hot.changes) == ["Goal added: Newest goal"]
    assert small.is_unchanged
    assert full.previous is None
    assert "Beta meeting" not in full.markdown
    assert "Beta meeting" in small.markdown


def test_a_customer_without_records_gets_empty_sections(accounts, now):
    empty = accounts[-1]
    built = build_summaries(accounts, now=now)[empty.pk]
    assert built == build_summary(empty, now=now)
    content = built.content
    assert {key: value for key, value in content.items() if key != "customer"} == {
        "business_model": [],
        "strategic_moves": [],
        "goals": [],
        "dialogue": {"window_days": 90, "total": 0, "positive": 0, "neutral": 0, "negative": 0},
        "highlights": [],
        "stakeholders_met": [],
        "key_not_met": [],
        "open_actions": [],
        "action_totals": {"open": 0, "overdue": 0},
        "proposals": [],
        "plan": {"status": "Draft", "last_approved_at": None},
        "plan_sections": [],
    }
    assert change_texts(built.changes) == ["First summary of this account."]
    assert built.previous is None
    assert "_No goals recorded yet._" in built.markdown
    assert "0 meetings: 0 positive, 0 neutral, 0 negative." in built.markdown


def test_an_empty_batch_builds_nothing(db, django_assert_num_queries, now):
    with django_assert_num_queries(0):
        assert build_summaries([], now=now) == {}


def test_a_batch_runs_as_many_queries_for_five_customers_as_for_one(
    accounts, now, django_assert_num_queries
):
    # 17 queries per batch: previous versions, canvases, strategic moves, goals + blocking
    # problems + their proposals, meeting counts, highlights, stakeholders, open actions +
    # totals, proposals + problems + contributions, plans, plan sections + their items.
    with django_assert_num_queries(17):
        build_summaries(accounts[:1], now=now)
    fifth = factories.CustomerFactory(name="Fifth")
    factories.GoalFactory(customer=fifth)
    factories.ProposalFactory(customer=fifth)
    five = [*accounts, Customer.objects.select_related("lead").get(pk=fifth.pk)]
    with django_assert_num_queries(17):
        assert len(build_summaries(five, now=now)) == 5
    # One fewer when nothing in the batch has goals, problems, proposals or anything else (no
    # plan section, so no query for their items).
    with django_assert_num_queries(16):
        build_summaries(accounts[-1:], now=now)


def test_plain_text_in_the_summary_never_becomes_markup(actors, now):
    """Penetration test: a goal titled like a link became a live link in the summary."""
    customer = actors.customer_a
    factories.GoalFactory(customer=customer, title="[Session expired](https://evil.example/login)")
    factories.StakeholderFactory(
        customer=customer, name="**Bold** <img src=x>", buying_role="decision_maker"
    )
    built = _build(customer, now)
    html = str(built.html)
    assert "evil.example" in html  # shown as text
    assert "<a " not in html
    assert "<img" not in html
    assert "<strong>Bold</strong>" not in html
    assert "[Session expired](https://evil.example/login)" in html
