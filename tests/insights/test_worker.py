"""The summary pipeline through a real Celery worker and Redis (never eager mode)."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

# The in-process worker runs Django's checks at start-up; DRF's pagination check then imports
# core.api first, which imports rest_framework.views, which reads DRF's settings naming
# core.api: importing the views first breaks that cycle in a process without the URLconf.
import rest_framework.views  # noqa: F401
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from accounts.models import User
from config.celery import app as celery_app
from customers import changes
from customers import services as customer_services
from customers.models import Customer, Goal
from dialogue.models import Meeting
from insights import summaries
from insights.models import AccountSummary, SummaryBuildState
from insights.tasks import rebuild_summary_task, send_weekly_digests_task
from tests import factories

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (CI always sets it)"),
]

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _empty_queue():
    celery_app.control.purge()
    yield
    celery_app.control.purge()


def wait_for(condition, *, timeout: float, every: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


def versions(customer: Customer) -> int:
    return AccountSummary.objects.filter(customer=customer).count()


def settled(customer: Customer) -> bool:
    """Nothing left to build: clean, and no rebuild queued or running."""
    dirty = Customer.objects.filter(pk=customer.pk, summary_dirty_since__isnull=False).exists()
    state = SummaryBuildState.objects.filter(customer=customer).first()
    return not dirty and state is not None and state.status == "succeeded"


def worker():
    return start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10)


def test_saving_a_meeting_leads_to_a_new_summary_version_within_seconds(actors):
    customer = actors.customer_a
    with worker():
        started = time.monotonic()
        customer_services.create_record(
            Meeting,
            customer=customer,
            by=actors.sales_a,
            fields={
                "title": "Site visit",
                "occurred_at": timezone.now() - dt.timedelta(hours=1),
                "author": actors.sales_a,
                "customer_said": "We want to double throughput.",
            },
        )
        assert wait_for(lambda: versions(customer) == 1, timeout=15)
        elapsed = time.monotonic() - started
    summary = AccountSummary.objects.get(customer=customer)
    assert "We want to double throughput." in summary.markdown
    assert elapsed < 10


def test_a_burst_of_20_edits_gives_at_most_3_rebuilds(actors):
    customer = actors.customer_a
    goal = factories.GoalFactory(customer=customer, title="Goal 0")
    with worker():
        for i in range(1, 21):
            goal = customer_services.update_record(
                goal,
                by=actors.sales_a,
                expected_version=goal.version,
                changes={"title": f"Goal {i}"},
            )
        assert wait_for(lambda: settled(customer), timeout=30)
    state = SummaryBuildState.objects.get(customer=customer)
    assert 1 <= state.run_count <= 3
    latest = AccountSummary.objects.filter(customer=customer).order_by("-number").first()
    assert latest.content["goals"][0]["title"] == "Goal 20"
    assert latest.source_data_version == Customer.objects.get(pk=customer.pk).data_version


@pytest.fixture
def broker_unreachable(monkeypatch):
    """Publish rebuilds to a closed port, as if Redis were down (the real kombu failure path)."""
    real_apply_async = rebuild_summary_task.apply_async
    dead = celery_app.connection_for_write("redis://127.0.0.1:9/0")

    def publish_to_nowhere(*args, **kwargs):
        return real_apply_async(*args, connection=dead, **kwargs)

    monkeypatch.setattr(rebuild_summary_task, "apply_async", publish_to_nowhere)
    yield monkeypatch
    dead.release()


def test_with_the_broker_unreachable_the_save_succeeds_and_the_sweep_builds_later(
    actors, broker_unreachable
):
    customer = actors.customer_a
    started = time.monotonic()
    goal = customer_services.create_record(
        Goal, customer=customer, by=actors.sales_a, fields={"title": "Written during the outage"}
    )
    assert time.monotonic() - started < 5
    assert Goal.objects.filter(pk=goal.pk).exists()
    assert Customer.objects.get(pk=customer.pk).summary_dirty_since is not None
    assert versions(customer) == 0
    broker_unreachable.undo()  # the broker is back
    with worker():
        claimed = changes.sweep_account_changes(now=timezone.now() + dt.timedelta(minutes=2))
        assert customer.pk in claimed
        assert wait_for(lambda: versions(customer) == 1, timeout=15)
    assert "Written during the outage" in AccountSummary.objects.get(customer=customer).markdown


def test_weekly_digest_through_the_worker_lists_the_right_changes(actors):
    # Daily, so the digest goes out whatever today's weekday (weekly ones go on Mondays).
    User.objects.filter(pk=actors.sales_a.pk).update(digest_frequency=User.DigestFrequency.DAILY)
    summaries.rebuild_summary(actors.customer_a.pk)
    customer_services.create_record(
        Goal, customer=actors.customer_a, by=actors.sales_a, fields={"title": "Enter Norway"}
    )
    summaries.rebuild_summary(actors.customer_a.pk)
    with worker():
        result = send_weekly_digests_task.apply_async(ignore_result=False)
        assert result.get(timeout=30) >= 1
    to_lead = [m for m in mail.outbox if m.to == [actors.sales_a.email]]
    assert len(to_lead) == 1
    assert "Goal added: Enter Norway" in to_lead[0].body
    assert "Alpha Industries" in to_lead[0].body
    assert not [m for m in mail.outbox if m.to == [actors.sales_b.email]]


# --- A worker process we can kill ----------------------------------------------------------------


# `celery worker`, after importing rest_framework.views first (the import cycle noted above).
WORKER_LAUNCHER = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
import rest_framework.views
from tests.faults import inject
inject.install()
from celery.__main__ import main
sys.argv = ["celery", *sys.argv[1:]]
main()
"""


def _pool_children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


@pytest.fixture
def worker_process(tmp_path):
    """A real `celery worker` (prefork, one child) on the test database, with slow builds."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "ACCORD_FAULT_SUMMARY_BUILD_DELAY": "3",
    }
    if db.get("PASSWORD"):
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        )
    log = tmp_path / "worker.log"
    out = log.open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            WORKER_LAUNCHER,
            "-A",
            "config",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--loglevel=WARNING",
            "-Q",
            settings.CELERY_TASK_DEFAULT_QUEUE,
        ],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    try:
        assert wait_for(lambda: _pool_children(process.pid), timeout=30), log.read_text()
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        out.close()


@pytest.mark.slow
def test_a_build_killed_mid_run_runs_again_and_leaves_exactly_one_version(
    actors, worker_process, is_postgres
):
    if not is_postgres:
        pytest.skip("the worker process needs the PostgreSQL test database")
    customer = actors.customer_a
    customer_services.create_record(
        Goal, customer=customer, by=actors.sales_a, fields={"title": "Survives a crash"}
    )

    def running() -> bool:
        return SummaryBuildState.objects.filter(customer=customer, status="running").exists()

    assert wait_for(running, timeout=20)
    (child,) = _pool_children(worker_process.pid)
    os.kill(child, signal.SIGKILL)  # what the OOM killer does, mid-build
    assert wait_for(lambda: settled(customer), timeout=60)
    assert versions(customer) == 1
    state = SummaryBuildState.objects.get(customer=customer)
    assert state.run_count >= 2
    assert "Survives a crash" in AccountSummary.objects.get(customer=customer).markdown
