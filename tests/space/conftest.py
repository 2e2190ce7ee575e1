"""A shared space on team A's account, with a guest, and a client signed in as that guest."""

import re
from dataclasses import dataclass

import pytest
from django.core import mail
from django.test import Client, TestCase

from customers.models import Goal, Problem, Stakeholder
from space import guests, services
from space.models import Guest, PlanStep, SharedSpace
from tests import factories
from tests.conftest import Actors


@dataclass
class Shared:
    space: SharedSpace
    goal: Goal
    problem: Problem
    katrin: Stakeholder
    guest: Guest
    step: PlanStep


def link_from_outbox() -> str:
    match = re.search(r"https?://[^/\s]+(/shared/link/[^\s]+/)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def sign_in_as_guest(link: str, client: Client | None = None) -> Client:
    """Follow an emailed link the way a browser does: open it, press Sign in."""
    client = client or Client()
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302, response.content
    assert response["Location"] == "/shared/"
    return client


def invite(space: SharedSpace, stakeholder: Stakeholder, by) -> Guest:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return guests.invite_guest(space, stakeholder=stakeholder, by=by)


@pytest.fixture
def shared(actors: Actors) -> Shared:
    customer = actors.customer_a
    space = services.open_space(customer, by=actors.sales_a)
    goal = factories.GoalFactory(
        customer=customer, title="Cut empty kilometres by 15%", description="INTERNAL-GOAL-NOTE"
    )
    problem = factories.ProblemFactory(
        customer=customer, title="Trucks queue at the Bremen gate", description="INTERNAL-PROB"
    )
    services.set_shared_records(space, goals=[goal], problems=[problem])
    katrin = factories.StakeholderFactory(
        customer=customer, name="Katrin Vogel", title="CEO", email="katrin@nordwind.example"
    )
    step = services.add_step(space, title="Send the gate data", owner_stakeholder=katrin)
    guest = invite(space, katrin, actors.sales_a)
    return Shared(space=space, goal=goal, problem=problem, katrin=katrin, guest=guest, step=step)


@pytest.fixture
def guest_client(shared: Shared) -> Client:
    return sign_in_as_guest(link_from_outbox())
