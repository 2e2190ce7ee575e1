import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from health.scoring import compute_health
from health.words import reason_texts
from strategy import scorecards
from strategy.models import AccountPlaybook, Playbook, StoredScorecard
from strategy.tasks import refresh_scorecard
from tests import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def playbook():
    engineering = factories.AreaFactory(name="Engineering")
    offering = factories.OfferingFactory(name="Telematics", area=engineering)
    playbook = Playbook.objects.create(
        name="Logistics, large",
        industry="Logistics",
        size="large",
        needs_strategy_section=True,
        required_roles=["decision_maker", "champion"],
        min_confirmed_goals=1,
        meeting_cadence_days=30,
    )
    playbook.required_areas.add(engineering)
    playbook.required_offerings.add(offering)
    return playbook


def _customer(**kwargs):
    lead = factories.UserFactory()
    return factories.CustomerFactory(lead=lead, industry="Logistics", size="large", **kwargs)


def _meet_everything(customer, playbook):
    engineering = playbook.required_areas.get()
    factories.PlanSectionFactory(customer=customer, kind="strategy", body="Grow")
    factories.PlanSectionFactory(customer=customer, kind="area", area=engineering, body="Fleet")
    for role in ("decision_maker", "champion"):
        factories.StakeholderFactory(customer=customer, buying_role=role, owner=customer.lead)
    goal = factories.GoalFactory(customer=customer, confirmed=True)
    factories.ProblemFactory(customer=customer).blocks_goals.add(goal)
    type(customer).objects.filter(pk=customer.pk).update(last_meeting_at=NOW - dt.timedelta(days=3))
    division = factories.DivisionFactory(customer=customer)
    factories.WhitespaceCellFactory(
        customer=customer, division=division, offering=playbook.required_offerings.get()
    )
    customer.refresh_from_db()


def test_segment_playbook_prefers_the_closest_fit(playbook):
    any_segment = Playbook.objects.create(name="Default")
    by_size = Playbook.objects.create(name="Large", size="large")
    customer = _customer()
    assert scorecards.playbook_for(customer) == (playbook, False)
    other = factories.CustomerFactory(industry="Retail", size="large")
    assert scorecards.playbook_for(other) == (by_size, False)
    small = factories.CustomerFactory(industry="Retail", size="small")
    assert scorecards.playbook_for(small) == (any_segment, False)
    Playbook.objects.all().update(is_active=False)
    assert scorecards.build_scorecard(small) is None


def test_an_account_that_meets_every_criterion(playbook):
    customer = _customer()
    _meet_everything(customer, playbook)
    card = scorecards.build_scorecard(customer, now=NOW)
    assert [(c.key, c.met) for c in card.criteria] == [
        ("section-strategy", True),
        (f"section-area-{playbook.required_areas.get().pk}", True),
        ("role-decision_maker", True),
        ("role-champion", True),
        ("goals", True),
        ("cadence", True),
        (f"whitespace-{playbook.required_offerings.get().pk}", True),
    ]
    assert card.percent == 100


def test_an_account_that_misses_each_criterion_says_why_and_where_to_fix_it(playbook):
    customer = _customer()
    # A decision maker without an owner, an unconfirmed goal, a meeting 40 days ago, one of
    # two divisions assessed.
    factories.StakeholderFactory(customer=customer, buying_role="decision_maker")
    goal = factories.GoalFactory(customer=customer, confirmed=False)
    factories.ProblemFactory(customer=customer).blocks_goals.add(goal)
    type(customer).objects.filter(pk=customer.pk).update(
        last_meeting_at=NOW - dt.timedelta(days=40)
    )
    customer.refresh_from_db()
    first = factories.DivisionFactory(customer=customer)
    factories.DivisionFactory(customer=customer)
    factories.WhitespaceCellFactory(
        customer=customer, division=first, offering=playbook.required_offerings.get()
    )
    card = scorecards.build_scorecard(customer, now=NOW)
    found = {c.key: c for c in card.criteria}
    area = playbook.required_areas.get()
    offering = playbook.required_offerings.get()
    assert not any(c.met for c in card.criteria)
    assert card.percent == 0
    assert found["section-strategy"].reason == "The strategy section is empty."
    assert found[f"section-area-{area.pk}"].reason == "No Engineering section yet."
    assert found["role-decision_maker"].reason == "The decision maker has no owner on our side."
    assert found["role-champion"].reason == "No stakeholder is a champion."
    assert found["goals"].reason == "0 of 1."
    assert found["cadence"].reason == "Last meeting 40 days ago."
    assert found[f"whitespace-{offering.pk}"].reason == "1 of 2 divisions assessed."
    # The criteria are worded when read: a German reader reads the same card in German (and
    # German keeps the role's capital letter).
    with translation.override("de"):
        assert found["role-champion"].reason == "Kein Ansprechpartner hat die Rolle „Fürsprecher“."
        assert found["role-decision_maker"].label == "Rolle „Entscheider“ ist abgedeckt"
    reasons = {"goals": found["goals"], "whitespace": found[f"whitespace-{offering.pk}"]}
    assert reasons["goals"].fix_url == reverse("customers:goals", args=[customer.pk])
    assert reasons["whitespace"].fix_url == reverse("strategy:whitespace", args=[customer.pk])


def test_scorecard_feeds_the_health_score_with_its_reasons(playbook, settings):
    elsewhere = factories.CustomerFactory(industry="Retail", size="small")
    without = compute_health(elsewhere, now=NOW)
    assert "plan" not in [c.key for c in without.components]
    customer = _customer()
    _meet_everything(customer, playbook)
    result = compute_health(customer, now=NOW)
    plan = next(c for c in result.components if c.key == "plan")
    assert (plan.points, plan.max_points) == (10, 10)
    assert reason_texts(plan.reasons) == ["Playbook “Logistics, large”: 7 of 7 criteria met."]
    # Missing the cadence: one criterion of seven; the reason names it.
    type(customer).objects.filter(pk=customer.pk).update(last_meeting_at=None)
    result = compute_health(customer.pk, now=NOW)
    plan = next(c for c in result.components if c.key == "plan")
    assert plan.points == round(10 * 86 / 100, 1)
    assert (
        reason_texts(plan.reasons)[1] == "A meeting at least every 30 days: No meeting logged yet."
    )
    settings.HEALTH_WEIGHTS = {**settings.HEALTH_WEIGHTS, "plan": 0}
    assert "plan" not in [c.key for c in compute_health(customer, now=NOW).components]


def test_the_change_feed_keeps_a_stored_scorecard(playbook):
    customer = _customer()
    assert refresh_scorecard(customer.pk) == 0
    _meet_everything(customer, playbook)
    refresh_scorecard(customer.pk)
    stored = StoredScorecard.objects.get(customer=customer)
    assert stored.playbook == playbook
    assert len(stored.criteria) == 7
    assert refresh_scorecard(10**9) is None


def test_the_lead_changes_the_playbook_and_others_cannot(client, actors, playbook):
    other = Playbook.objects.create(name="Light touch", min_confirmed_goals=0)
    customer = actors.customer_a
    url = reverse("strategy:choose-playbook", args=[customer.pk])
    client.force_login(actors.spec_a)
    assert client.post(url, {"playbook": other.pk}).status_code == 403
    client.force_login(actors.sales_b)
    assert client.post(url, {"playbook": other.pk}).status_code == 404
    assert client.get(reverse("strategy:scorecard", args=[customer.pk])).status_code == 404
    client.force_login(actors.sales_a)
    assert client.post(url, {"playbook": other.pk}).status_code == 302
    assert AccountPlaybook.objects.get(customer=customer).playbook == other
    page = client.get(reverse("strategy:scorecard", args=[customer.pk])).content.decode()
    assert "Light touch" in page
    assert "Chosen for this account by its lead." in page
    assert client.post(url, {"playbook": "x"}).status_code == 400
    assert client.post(url, {"playbook": ""}).status_code == 302
    assert not AccountPlaybook.objects.exists()


def test_a_plan_section_with_items_but_no_notes_counts_as_written(playbook):
    customer = _customer()
    strategy = factories.PlanSectionFactory(customer=customer, kind="strategy", body="")
    deleted = factories.PlanItemFactory(section=strategy)
    deleted.soft_delete(by=None)

    def strategy_met() -> bool:
        card = scorecards.build_scorecard(customer, now=NOW)
        return next(c.met for c in card.criteria if c.key == "section-strategy")

    assert strategy_met() is False  # only a deleted item: not written
    factories.PlanItemFactory(section=strategy)
    assert strategy_met() is True


def test_the_stored_scorecard_answers_each_caller_in_their_language(playbook):
    customer = _customer()
    refresh_scorecard(customer.pk)
    stored = StoredScorecard.objects.get(customer=customer)
    cadence = next(c for c in stored.criteria if c["key"] == "cadence")
    assert cadence["texts"]["de"]["label"] == "Mindestens alle 30 Tage ein Termin"
    client = APIClient()
    client.force_login(customer.lead)
    url = f"/api/scorecards/{customer.pk}/"

    def cadence_label() -> str:
        criteria = client.get(url).json()["criteria"]
        return next(c["label"] for c in criteria if c["key"] == "cadence")

    assert cadence_label() == "A meeting at least every 30 days"
    customer.lead.language = "de"
    customer.lead.save(update_fields=["language"])
    assert cadence_label() == "Mindestens alle 30 Tage ein Termin"
