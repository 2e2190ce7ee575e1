"""The other team's account as a target, and clients signed in as each actor."""

from typing import Any

import pytest
from django.db import models
from django.test import Client

from accounts.models import AccountMembership, User
from customers.models import Customer
from tests import factories
from tests.conftest import Actors
from tests.security.routes import build

ACTOR_NAMES = (
    "sales_a",
    "spec_a",
    "viewer_a",
    "sales_a2",
    "mgr_a",
    "sales_b",
    "mgr_b",
    "admin",
    "outsider",
)


class Target:
    """One account and lazily built records under it."""

    def __init__(self, customer: Customer, owner: User) -> None:
        self.customer = customer
        self.owner = owner
        self._objects: dict[Any, models.Model] = {}

    def obj(self, model: type[models.Model]) -> models.Model:
        if model._meta.label == "insights.AccountSummary":
            return self.summary()
        if model not in self._objects:
            self._objects[model] = build(model, self.customer)
        return self._objects[model]

    def owned(self, model: type[models.Model], owner_field: str) -> models.Model:
        key = (model, owner_field)
        if key not in self._objects:
            self._objects[key] = build(model, self.customer, **{owner_field: self.owner})
        return self._objects[key]

    def summary(self) -> models.Model:
        """A stored summary version of the account (built directly: no factory needed)."""
        from django.utils import timezone

        from insights.models import AccountSummary

        if "summary" not in self._objects:
            self._objects["summary"] = AccountSummary.objects.create(
                customer=self.customer,
                number=1,
                source_data_version=self.customer.data_version,
                content={},
                markdown="Summary",
                html="<p>Summary</p>",
                content_hash=f"security-test-{self.customer.pk}",
                built_at=timezone.now(),
            )
        return self._objects["summary"]

    def area(self) -> models.Model:
        if "area" not in self._objects:
            self._objects["area"] = factories.AreaFactory(name="Engineering")
        return self._objects["area"]

    def member(self) -> AccountMembership:
        if "member" not in self._objects:
            self._objects["member"] = factories.MembershipFactory(customer=self.customer)
        return self._objects["member"]


@pytest.fixture
def target_b(actors: Actors) -> Target:
    return Target(actors.customer_b, actors.sales_b)


@pytest.fixture
def target_a(actors: Actors) -> Target:
    return Target(actors.customer_a, actors.sales_a)


class Clients(dict):
    """A session client per actor name (and `anon`), signed in on first use; exceptions
    are answered as 500s instead of raised, so one test can collect every failure."""

    def __init__(self, actors: Actors) -> None:
        super().__init__()
        self.actors = actors

    def __missing__(self, name: str) -> Client:
        client = Client(raise_request_exception=False)
        if name != "anon":
            client.force_login(getattr(self.actors, name))
        self[name] = client
        return client


@pytest.fixture
def clients(actors: Actors) -> Clients:
    return Clients(actors)
