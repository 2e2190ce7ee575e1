import datetime as dt

import pytest

from accounts.models import Area
from customers.models import Customer, Goal, Problem, Stakeholder
from dialogue.models import ActionItem, Meeting
from insights.models import AccountPlan
from solutions.models import Contribution
from tests import factories

NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def actors(actors):
    # A summary build ends with the health refresh, which adds a follow-up action item when an
    # account enters red; starting red keeps these tests about the summary alone.
    Customer.objects.update(health_band="red")
    return actors


@pytest.fixture
def now() -> dt.datetime:
    return NOW


@pytest.fixture
def account(actors):
    """customer_a with one of everything the summary shows, at fixed dates around NOW."""
    customer = actors.customer_a
    area = Area.objects.create(name="Engineering")
    actors.spec_a.area = area
    actors.spec_a.save(update_fields=["area"])
    factories.BusinessModelFactory(
        customer=customer, value_proposition="Same-day spare parts", key_partners="Carriers"
    )
    factories.StrategicMoveFactory(customer=customer, title="Open a Polish hub")
    factories.StrategicMoveFactory(customer=customer, title="Old idea", status="abandoned")
    goal = factories.GoalFactory(customer=customer, title="Cut lead time", priority=1)
    factories.GoalFactory(customer=customer, title="Dropped goal", status=Goal.Status.DROPPED)
    problem = factories.ProblemFactory(
        customer=customer, title="Manual picking", severity=Problem.Severity.HIGH
    )
    problem.blocks_goals.set([goal])
    proposal = factories.ProposalFactory(customer=customer, title="Pick-by-light")
    proposal.problems.set([problem])
    Contribution.objects.create(
        proposal=proposal, specialist=actors.spec_a, area=area, status="in_progress"
    )
    factories.ProposalFactory(
        customer=customer, title="Deleted proposal", deleted_at=NOW - dt.timedelta(days=1)
    )
    ceo = factories.StakeholderFactory(
        customer=customer, name="Clara CEO", buying_role=Stakeholder.BuyingRole.DECISION_MAKER
    )
    champion = factories.StakeholderFactory(
        customer=customer, name="Chris Champion", buying_role=Stakeholder.BuyingRole.CHAMPION
    )
    user = factories.StakeholderFactory(customer=customer, name="Uma User", influence=2)
    recent = factories.MeetingFactory(
        customer=customer,
        title="Quarterly review",
        occurred_at=NOW - dt.timedelta(days=10),
        customer_said="Lead times hurt us.",
        insights="Budget opens in Q3.",
        sentiment=Meeting.Sentiment.POSITIVE,
    )
    recent.stakeholders.set([champion, user])
    old = factories.MeetingFactory(
        customer=customer,
        title="Kick-off",
        occurred_at=NOW - dt.timedelta(days=200),
        customer_said="Long ago",
    )
    old.stakeholders.set([ceo])
    factories.MeetingFactory(
        customer=customer, title="Plain call", occurred_at=NOW - dt.timedelta(days=5)
    )
    factories.ActionItemFactory(
        customer=customer, description="Send the offer", due_on=NOW.date() - dt.timedelta(days=2)
    )
    factories.ActionItemFactory(
        customer=customer, description="Book site visit", due_on=NOW.date() + dt.timedelta(days=5)
    )
    factories.ActionItemFactory(
        customer=customer, description="Done already", status=ActionItem.Status.DONE
    )
    factories.PlanSectionFactory(customer=customer, body="Grow the **service** business")
    factories.PlanSectionFactory(
        customer=customer, kind="area", area=area, body="Survey the site", updated_by=actors.spec_a
    )
    AccountPlan.objects.create(
        customer=customer, status=AccountPlan.Status.APPROVED, last_approved_at=NOW
    )
    # Another customer's records never leak into this summary.
    factories.MeetingFactory(customer=actors.customer_b, title="Beta meeting", customer_said="x")
    return customer
