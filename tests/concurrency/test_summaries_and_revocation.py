"""C06-C08: a summary built while the account changes is superseded; the same job delivered
twice at once stores one version; a member removed during their request sees nothing after."""

import threading
import time

import pytest

from customers import services as customer_services
from customers.models import Customer, Goal
from dialogue import api as dialogue_api
from insights import summaries
from insights.models import AccountSummary
from tests import factories
from tests.concurrency.helpers import Racers, race
from tests.conftest import api_as

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _red(actors):
    # A build ends with the health refresh, which edits an account entering red.
    Customer.objects.update(health_band="red")


def test_c06_an_edit_during_a_build_is_never_left_stale(actors, monkeypatch):
    customer = actors.customer_a
    inside, release = threading.Event(), threading.Event()
    real_build_summary = summaries.build_summary

    def build_then_hold_the_first(*args, **kwargs):
        built = real_build_summary(*args, **kwargs)
        if not inside.is_set():  # the first build has read the old data; now hold it
            inside.set()
            assert release.wait(timeout=30)
        return built

    monkeypatch.setattr(summaries, "build_summary", build_then_hold_the_first)
    first_version = Customer.objects.get(pk=customer.pk).data_version

    def build(i: int):
        return summaries.rebuild_summary(customer.pk)

    builder = threading.Thread(target=race, args=(1, build))
    builder.start()
    assert inside.wait(timeout=30)
    customer_services.create_record(
        Goal, customer=customer, by=actors.sales_a, fields={"title": "Added mid-build"}
    )
    release.set()
    builder.join(timeout=60)

    stored = Customer.objects.get(pk=customer.pk)
    versions = AccountSummary.objects.filter(customer=customer).order_by("number")
    assert [s.source_data_version for s in versions] == [first_version, stored.data_version]
    assert stored.summary_dirty_since is None
    assert versions.first().content["goals"] == []
    assert versions.last().content["goals"][0]["title"] == "Added mid-build"


def test_c07_the_same_job_twice_at_once_stores_one_version_10_of_10(actors, monkeypatch):
    real_build_summary = summaries.build_summary

    def slow_build(*args, **kwargs):
        time.sleep(0.3)  # the builds overlap: both start before either finishes
        return real_build_summary(*args, **kwargs)

    monkeypatch.setattr(summaries, "build_summary", slow_build)
    outcomes = []
    with Racers(2) as racers:
        for _ in range(10):
            customer = factories.CustomerFactory(lead=actors.sales_a, health_band="red")
            results = racers.race(lambda i, c=customer: summaries.rebuild_summary(c.pk).outcome)
            outcomes.append(
                sorted(results) == ["busy", "created"]
                and AccountSummary.objects.filter(customer=customer).count() == 1
            )
    assert outcomes.count(True) == 10


def test_c08_a_member_removed_during_their_list_request_sees_nothing_after(actors, monkeypatch):
    factories.MeetingFactory.create_batch(3, customer=actors.customer_a)
    scoped, revoked = threading.Event(), threading.Event()
    real_meetings_for_api = dialogue_api.queries.meetings_for_api

    def meetings_for_api_then_wait(user):
        queryset = real_meetings_for_api(user)
        scoped.set()  # the request has decided whom it serves; the revocation commits now
        assert revoked.wait(timeout=30)
        return queryset

    monkeypatch.setattr(dialogue_api.queries, "meetings_for_api", meetings_for_api_then_wait)
    client = api_as(actors.spec_a)
    response: list = []
    request = threading.Thread(
        target=race, args=(1, lambda i: response.append(client.get("/api/meetings/")))
    )
    request.start()
    assert scoped.wait(timeout=30)
    customer_services.remove_membership(actors.customer_a, user=actors.spec_a)
    revoked.set()
    request.join(timeout=30)

    body = response[0].json()
    assert response[0].status_code == 200
    assert body["count"] == len(body["results"]) == 0
    monkeypatch.undo()
    assert client.get(f"/api/customers/{actors.customer_a.pk}/").status_code == 404
