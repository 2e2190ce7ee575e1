"""Demo health: 90 days of snapshots for the demo customers, and one account that is red.

Idempotent: snapshots are upserted per day, the red account's records are created once, and
refreshing an account that is already red creates no second follow-up.
"""

import datetime as dt

from django.db.models import Subquery
from django.utils import timezone

from accounts.models import User
from customers.changes import record_account_change
from customers.models import Customer, Goal, Problem, Stakeholder
from dialogue.models import ActionItem, Meeting
from health import services
from health.queries import TEAM_CHART_STEP_DAYS

HISTORY_DAYS = 90
# The demo's past is scored once a week (the days the team chart shows): scoring each of 90
# days for every account made seeding take half a minute. The nightly job adds a daily
# snapshot from then on.
HISTORY_STEP_DAYS = TEAM_CHART_STEP_DAYS
# The account the demo shows in trouble: its dialogue went quiet and its critical problem has
# no proposal, so it drops through amber into red over the last weeks.
RED_ACCOUNT = "Lumen Retail"


def seed(users: dict[str, User], customers: dict[str, Customer]) -> None:
    now = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    red = customers.get(RED_ACCOUNT)
    if red is not None:
        _make_red(red, lead=red.lead, now=now)
    for customer in customers.values():
        services.backfill_snapshots(customer.pk, days=HISTORY_DAYS, now=now, step=HISTORY_STEP_DAYS)
        services.refresh_customer_health(customer.pk, now=now)


def _make_red(customer: Customer, *, lead: User, now: dt.datetime) -> None:
    """Records whose story ends in red: last dialogue 60+ days ago, critical problems unsolved."""
    if Meeting.objects.filter(customer=customer).exists():
        # Another app's demo already gave this account a dialogue; only add what makes it red.
        _add_trouble(customer, lead=lead, now=now)
        return
    buyer = Stakeholder.objects.create(
        customer=customer,
        name="Ines Valdés",
        title="Chief Operating Officer",
        buying_role=Stakeholder.BuyingRole.DECISION_MAKER,
        influence=5,
    )
    goal = Goal.objects.create(
        customer=customer,
        title="Cut store replenishment lead time to 24 hours",
        priority=1,
        metric="Hours from order to shelf",
    )
    Goal.objects.create(customer=customer, title="Open 12 stores in the Baltics", priority=2)
    problem = Problem.objects.create(
        customer=customer,
        title="Stock-outs on promotions",
        severity=Problem.Severity.CRITICAL,
        confirmed=True,
    )
    problem.blocks_goals.add(goal)
    for days_ago, title, with_topics in (
        (85, "Introduction with the COO", True),
        (70, "Product presentation", False),
        (62, "Pricing call", False),
    ):
        meeting = Meeting.objects.create(
            customer=customer,
            occurred_at=now - dt.timedelta(days=days_ago),
            title=title,
            author=lead,
        )
        if days_ago == 85:
            meeting.stakeholders.add(buyer)
        if with_topics:
            meeting.goals.add(goal)
            meeting.problems.add(problem)
    _add_trouble(customer, lead=lead, now=now)


def _add_trouble(customer: Customer, *, lead: User, now: dt.datetime) -> None:
    if Problem.objects.filter(customer=customer, title="Pricing errors at the tills").exists():
        return
    Problem.objects.create(
        customer=customer,
        title="Pricing errors at the tills",
        severity=Problem.Severity.CRITICAL,
    )
    today = timezone.localdate(now)
    for days_overdue, description in (
        (40, "Send the replenishment case study"),
        (21, "Book a workshop with the store operations team"),
    ):
        ActionItem.objects.create(
            customer=customer,
            owner=lead,
            description=description,
            due_on=today - dt.timedelta(days=days_overdue),
        )
    latest = Meeting.objects.filter(customer=customer).order_by("-occurred_at")
    Customer.objects.filter(pk=customer.pk, last_meeting_at__isnull=True).update(
        last_meeting_at=Subquery(latest.values("occurred_at")[:1])
    )
    record_account_change(customer.pk)
