"""F12-F13: a poison build stops after bounded retries and shows up for staff; a transient error
succeeds on attempt 4; the sweeper catches up after being down, and two at once never claim
the same account (RELIABILITY.md 1c)."""

import datetime as dt
import re
import threading
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connections
from django.test import Client
from django.utils import timezone

from config.celery import app as celery_app
from customers import changes
from customers import services as customer_services
from customers.models import Customer, Goal
from insights.models import AccountSummary, SummaryBuildState
from tests import factories
from tests.faults.conftest import summaries_current
from tests.faults.procs import Worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# Shorter waits than production (base 2 s, cap 300 s), still exponential with jitter.
FAST_BACKOFF = {"CELERY_RETRY_BACKOFF": "1", "CELERY_RETRY_BACKOFF_MAX": "6"}


def build_state(customer: Customer) -> SummaryBuildState:
    return SummaryBuildState.objects.get(customer=customer)


def attempts(customer: Customer) -> int:
    """Failed attempts so far (0 before the first build started)."""
    state = SummaryBuildState.objects.filter(customer=customer).first()
    return state.attempts if state else 0


def broker_is_empty(broker) -> bool:
    queue = celery_app.conf.task_default_queue
    return broker.cli("LLEN", queue) == "0" and broker.cli("HLEN", "unacked") == "0"


def test_f12_a_poison_build_stops_after_6_attempts_and_staff_see_the_error(
    actors, private_broker, tmp_path
):
    customer = actors.customer_a
    Customer.objects.update(health_band="red")
    log = tmp_path / "worker.log"
    worker = Worker(
        broker_url=private_broker.url,
        log=log,
        env={"ACCORD_FAULT_SUMMARY_BUILD_FAILURES": "always", **FAST_BACKOFF},
    ).start()
    try:
        customer_services.create_record(
            Goal, customer=customer, by=actors.sales_a, fields={"title": "Poison"}
        )
        assert wait_for(lambda: attempts(customer) >= 6, timeout=90, every=0.5)
        # No seventh attempt can come: Redis holds no message for the task any more, neither
        # queued nor held back by the worker for a retry. Checked twice a second apart, as a
        # message is in neither for an instant while the worker takes it.
        assert wait_for(lambda: broker_is_empty(private_broker), timeout=10)
        time.sleep(1)
        assert broker_is_empty(private_broker)
    finally:
        worker.stop()
    state = build_state(customer)
    assert state.run_count == 6  # the first run and max_retries=5 retries
    assert state.attempts == 6
    assert state.status == SummaryBuildState.Status.FAILED
    assert "injected fault" in state.last_error
    assert not AccountSummary.objects.filter(customer=customer).exists()
    waits = [float(s) for s in re.findall(r"Retry in (\d+(?:\.\d+)?)s", log.read_text())]
    assert len(waits) == 5
    assert max(waits) <= 6
    # The sweep leaves a build that keeps failing alone for an hour, instead of looping.
    later = timezone.now() + dt.timedelta(minutes=5)
    assert customer.pk not in changes.sweep_account_changes(now=later)
    client = Client()
    client.force_login(actors.admin)
    page = client.get("/admin/insights/summarybuildstate/", {"status__exact": "failed"})
    assert page.status_code == 200
    assert "injected fault" in page.content.decode()


def test_f12_a_build_failing_3_times_succeeds_on_attempt_4(actors, private_broker, tmp_path):
    customer = actors.customer_a
    Customer.objects.update(health_band="red")
    worker = Worker(
        broker_url=private_broker.url,
        log=tmp_path / "worker.log",
        env={"ACCORD_FAULT_SUMMARY_BUILD_FAILURES": "3", **FAST_BACKOFF},
    ).start()
    try:
        customer_services.create_record(
            Goal, customer=customer, by=actors.sales_a, fields={"title": "Transient"}
        )
        assert wait_for(lambda: summaries_current([customer]), timeout=60, every=0.3)
    finally:
        worker.stop()
    state = build_state(customer)
    assert state.run_count == 4
    assert state.status == SummaryBuildState.Status.SUCCEEDED
    assert state.attempts == 0
    assert AccountSummary.objects.filter(customer=customer).count() == 1


def test_f13_after_the_sweeper_was_down_two_sweepers_at_once_claim_each_account_once(
    actors, private_broker, short_sweep, monkeypatch
):
    customers = [actors.customer_a] + [
        factories.CustomerFactory(lead=actors.sales_a) for _ in range(29)
    ]
    Customer.objects.update(health_band="red")
    ten_minutes_ago = timezone.now() - dt.timedelta(minutes=10)
    for customer in customers:  # edited while beat was down: dirty, never queued
        Customer.objects.filter(pk=customer.pk).update(summary_dirty_since=ten_minutes_ago)

    # Hold each sweeper inside its claiming transaction, so the two really overlap.
    states = SummaryBuildState.objects
    real_bulk_create = states.bulk_create

    def slow_bulk_create(*args, **kwargs):
        time.sleep(0.5)
        return real_bulk_create(*args, **kwargs)

    monkeypatch.setattr(states, "bulk_create", slow_bulk_create)
    published = []
    real_publish = changes._send

    def counting_publish(customer_id, **kwargs):
        published.append(customer_id)
        return real_publish(customer_id, **kwargs)

    monkeypatch.setattr(changes, "_send", counting_publish)
    barrier = threading.Barrier(2)
    claims: list[list[int]] = [[], []]

    def sweeper(i: int) -> None:
        try:
            for _ in range(2):  # two sweep periods
                barrier.wait(timeout=30)
                claims[i] += changes.sweep_account_changes()
                time.sleep(short_sweep.total_seconds())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweeper, args=(i,)) for i in range(2)]
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert wait_for(lambda: summaries_current(customers), timeout=90, every=0.3)

    ids = sorted(c.pk for c in customers)
    assert set(claims[0]).isdisjoint(claims[1])
    assert sorted(claims[0] + claims[1]) == ids
    assert sorted(published) == ids
    for customer in customers:
        assert build_state(customer).run_count == 1
        assert AccountSummary.objects.filter(customer=customer).count() == 1
