"""C01-C02: two users save the same record at once; exactly one wins, the other gets 409
(pages: the conflict message with their input kept). The check is the conditional UPDATE."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from customers import services as customer_services
from customers.models import Customer, Goal
from tests import factories
from tests.concurrency.helpers import Racers
from tests.conftest import api_as

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROUNDS = 100


def test_c01_api_two_patches_of_one_version_one_200_one_409_100_of_100(actors):
    goal = factories.GoalFactory(customer=actors.customer_a, title="Start")
    clients = [api_as(actors.sales_a), api_as(actors.spec_a)]
    outcomes = []
    with Racers(2) as racers:
        for round_no in range(ROUNDS):
            version = Goal.objects.get(pk=goal.pk).version
            titles = [f"A{round_no}", f"B{round_no}"]

            def patch(i: int, version=version, titles=titles):
                return clients[i].patch(
                    f"/api/goals/{goal.pk}/",
                    {"title": titles[i], "version": version},
                    format="json",
                )

            responses = racers.race(patch)
            statuses = [r.status_code for r in responses]
            stored = Goal.objects.get(pk=goal.pk)
            winner = statuses.index(200) if 200 in statuses else None
            outcomes.append(
                sorted(statuses) == [200, 409]
                and stored.version == version + 1
                and stored.title == titles[winner]
            )
    assert outcomes.count(True) == ROUNDS


def test_c01_page_two_saves_of_one_version_one_redirect_one_conflict_keeping_input(actors):
    customer = actors.customer_a
    clients = []
    for user in (actors.sales_a, actors.mgr_a):
        client = Client()
        client.force_login(user)
        clients.append(client)
    url = reverse("customers:edit", args=[customer.pk])
    outcomes = []
    with Racers(2) as racers:
        for round_no in range(ROUNDS):
            version = Customer.objects.get(pk=customer.pk).version
            names = [f"Alpha by lead {round_no}", f"Alpha by manager {round_no}"]

            def save(i: int, version=version, names=names):
                data = {"name": names[i], "industry": "", "website": "", "size": ""}
                data["version"] = version
                data["description"] = f"Typed by {i}"
                return clients[i].post(url, data)

            responses = racers.race(save)
            statuses = [r.status_code for r in responses]
            if sorted(statuses) != [302, 409]:
                outcomes.append(False)
                continue
            loser = statuses.index(409)
            page = responses[loser].content.decode()
            stored = Customer.objects.get(pk=customer.pk)
            outcomes.append(
                "Someone else changed this" in page
                and names[loser] in page  # the loser's input is kept in the form
                and stored.name == names[1 - loser]
                and stored.version == version + 1
            )
    assert outcomes.count(True) == ROUNDS


def test_c02_a_delay_between_read_and_write_loses_no_update(actors, monkeypatch):
    real_save_versioned = customer_services.save_versioned

    def slow_save_versioned(*args, **kwargs):
        time.sleep(0.2)  # both writers have read the same version by now
        return real_save_versioned(*args, **kwargs)

    monkeypatch.setattr(customer_services, "save_versioned", slow_save_versioned)
    goal = factories.GoalFactory(customer=actors.customer_a, title="Start")
    clients = [api_as(actors.sales_a), api_as(actors.spec_a)]
    lost = 0
    with Racers(2) as racers:
        for round_no in range(10):
            version = Goal.objects.get(pk=goal.pk).version

            def patch(i: int, version=version, round_no=round_no):
                return clients[i].patch(
                    f"/api/goals/{goal.pk}/",
                    {"title": f"{i}-{round_no}", "version": version},
                    format="json",
                )

            statuses = sorted(r.status_code for r in racers.race(patch))
            lost += statuses != [200, 409] or Goal.objects.get(pk=goal.pk).version != version + 1
    assert lost == 0
