"""A demo shared space on Nordwind Logistics: two goals and a problem shared, a short plan with
steps on both sides, Katrin Vogel invited (no email is sent by the demo)."""

import datetime as dt
import secrets

from django.utils import timezone

from accounts.models import User
from customers.models import Customer, Goal, Problem, Stakeholder
from space.models import Guest, Milestone, PlanStep, SharedItem, SharedSpace

ACCOUNT = "Nordwind Logistics"


def seed(users: dict[str, User], customers: dict[str, Customer]) -> None:
    customer = customers.get(ACCOUNT)
    if customer is None or SharedSpace.objects.filter(customer=customer).exists():
        return
    lead = users["sales1"]
    space = SharedSpace.objects.create(
        customer=customer,
        created_by=lead,
        introduction=(
            "Our shared picture of the warehouse automation project, and who does what next."
        ),
    )
    for goal in Goal.objects.filter(customer=customer).order_by("priority", "title")[:2]:
        SharedItem.objects.create(space=space, goal=goal)
    problem = Problem.objects.filter(customer=customer).order_by("title").first()
    if problem is not None:
        SharedItem.objects.create(space=space, problem=problem)
    katrin = Stakeholder.objects.filter(customer=customer, name="Katrin Vogel").first()
    today = timezone.localdate()
    workshop = Milestone.objects.create(
        space=space, title="Throughput workshop in Hamburg", due_on=today + dt.timedelta(days=21)
    )
    PlanStep.objects.create(
        space=space,
        milestone=workshop,
        title="Share last quarter's gate waiting times",
        owner_stakeholder=katrin,
        owner_user=None if katrin else lead,
        due_on=today + dt.timedelta(days=7),
    )
    PlanStep.objects.create(
        space=space,
        milestone=workshop,
        title="Send the workshop agenda",
        owner_user=lead,
        due_on=today - dt.timedelta(days=2),
    )
    if katrin is not None:
        Guest.objects.create(
            space=space,
            stakeholder=katrin,
            email=katrin.email or "katrin.vogel@nordwind.example",
            invited_by=lead,
            link_nonce=secrets.token_urlsafe(24),
        )
