"""F05-F08: real `celery worker` processes killed, terminated or outrun by the visibility timeout.
Every summary is built exactly once in effect, none is lost (RELIABILITY.md 1c)."""

import random
import time

import pytest
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from customers import services as customer_services
from customers.models import Customer, Goal
from insights.models import AccountSummary, SummaryBuildState
from insights.tasks import rebuild_summary_task
from tests import factories
from tests.faults.conftest import summaries_current
from tests.faults.procs import Worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def red_accounts(actors):
    """n accounts led by sales_a; red already, so a build's health refresh edits nothing."""

    def make(n: int) -> list[Customer]:
        more = [factories.CustomerFactory(lead=actors.sales_a) for _ in range(n - 1)]
        Customer.objects.update(health_band="red")
        return [actors.customer_a, *more]

    return make


def running(customer: Customer) -> bool:
    return SummaryBuildState.objects.filter(customer=customer, status="running").exists()


def edit(actors, customer: Customer, title: str) -> None:
    customer_services.create_record(
        Goal, customer=customer, by=actors.sales_a, fields={"title": title}
    )


def test_f05_a_pool_child_killed_mid_build_is_rebuilt_3_of_3_times(
    actors, red_accounts, private_broker, tmp_path
):
    customers = red_accounts(3)
    worker = Worker(
        broker_url=private_broker.url,
        log=tmp_path / "worker.log",
        env={"ACCORD_FAULT_SUMMARY_BUILD_DELAY": "2"},
    ).start()
    killed = 0
    try:
        for customer in customers:
            edit(actors, customer, "Survives the OOM killer")
            assert wait_for(lambda c=customer: running(c), timeout=20)
            worker.kill_child()
            killed += 1
            assert wait_for(lambda c=customer: summaries_current([c]), timeout=40)
    finally:
        worker.stop()
    assert killed == 3
    for customer in customers:
        assert AccountSummary.objects.filter(customer=customer).count() == 1
        assert SummaryBuildState.objects.get(customer=customer).run_count >= 2


def test_f06_a_whole_worker_killed_is_redelivered_after_the_visibility_timeout(
    actors, red_accounts, private_broker, tmp_path
):
    (customer,) = red_accounts(1)
    options = {
        "broker_url": private_broker.url,
        "log": tmp_path / "worker.log",
        "visibility_timeout": 6,
        "time_limit": 5,
        "env": {"ACCORD_FAULT_SUMMARY_BUILD_DELAY": "3"},
    }
    first = Worker(**options).start()
    edit(actors, customer, "Survives a host crash")
    try:
        assert wait_for(lambda: running(customer), timeout=20)
        killed_at = time.monotonic()
        first.kill_all()
        # The edit's messages (one per change-feed consumer: the summary rebuild and the health
        # refresh) wait in Redis's unacked hash; nothing is built while no worker runs.
        assert private_broker.cli("HLEN", "unacked") == str(len(settings.ACCOUNT_CHANGE_CONSUMERS))
        second = Worker(**options).start()
        try:
            assert wait_for(lambda: summaries_current([customer]), timeout=60)
            recovered_after = time.monotonic() - killed_at
        finally:
            second.stop()
    finally:
        first.stop()
    assert AccountSummary.objects.filter(customer=customer).count() == 1
    # VT, one restore sweep (settings: every 10 s with unacked_restore_throttle=1; kombu's
    # default throttle of 10 would make it 100 s), a worker start and a build.
    assert recovered_after < 6 + 10 + 15


def test_f07_a_build_slower_than_the_visibility_timeout_never_overlaps_itself(
    actors, red_accounts, private_broker, tmp_path
):
    (customer,) = red_accounts(1)
    worker = Worker(
        broker_url=private_broker.url,
        log=tmp_path / "worker.log",
        concurrency=2,
        visibility_timeout=2,
        time_limit=30,
        env={
            "ACCORD_FAULT_SUMMARY_BUILD_DELAY": "7",
            "ACCORD_FAULT_BUILD_LOG": str(tmp_path / "builds.log"),
        },
        transport_options={"unacked_restore_interval": 1, "unacked_restore_throttle": 1},
    ).start()
    try:
        edit(actors, customer, "Slow to build")
        assert wait_for(lambda: summaries_current([customer]), timeout=60)
        # The redelivered copy ran while the first build still held the lock, and gave up.
        assert wait_for(
            lambda: SummaryBuildState.objects.get(customer=customer).run_count >= 2, timeout=20
        )
    finally:
        worker.stop()
    assert AccountSummary.objects.filter(customer=customer).count() == 1
    assert "busy" in (tmp_path / "worker.log").read_text()
    # Builds that held the account's lock, in time order: start, end, start, end, never nested.
    events = [line.split() for line in (tmp_path / "builds.log").read_text().splitlines()]
    events.sort(key=lambda e: float(e[3]))
    assert [e[0] for e in events] == ["start", "end"] * (len(events) // 2)
    assert len(events) >= 2


def test_f08_20_sigterm_restarts_during_a_stream_of_200_tasks_lose_none(
    actors, red_accounts, private_broker, tmp_path
):
    log = tmp_path / "worker.log"
    worker = Worker(
        broker_url=private_broker.url, log=log, env={"ACCORD_FAULT_SUMMARY_BUILD_DELAY": "0.1"}
    )
    # What is left after the restarts is drained by a worker without the delay (it only made
    # each SIGTERM likely to land mid-build) and with two pool processes.
    drain = Worker(broker_url=private_broker.url, log=log, concurrency=2)
    rng = random.Random(8)
    try:
        worker.prepare()  # Django imports in the background while the accounts are created
        customers = red_accounts(200)
        Customer.objects.filter(pk__in=[c.pk for c in customers]).update(
            data_version=F("data_version") + 1, summary_dirty_since=timezone.now()
        )
        stream = iter(customers)
        for restart in range(20):
            for customer in [next(stream) for _ in range(10)]:
                rebuild_summary_task.apply_async(args=[customer.pk])
            worker.start()
            # The next process imports Django meanwhile; it runs Celery once this one has exited.
            (worker if restart < 19 else drain).prepare()
            time.sleep(rng.uniform(0, 1.5))
            worker.terminate()
        drain.start()
        assert wait_for(lambda: summaries_current(customers), timeout=120, every=0.5)
    finally:
        worker.stop()
        drain.stop()
    assert AccountSummary.objects.filter(customer__in=customers).count() == 200
    assert (
        AccountSummary.objects.filter(customer__in=customers)
        .values("customer_id")
        .distinct()
        .count()
        == 200
    )
    # No sweep ran here: every build came from a message that survived the restarts.
