"""Summary rebuild throughput: every account rebuilt by real workers (one of concurrency 2, the
target's shape; then one and two worker processes of concurrency 1, to show it scales out by
processes)."""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import redis
from django.db.models import Max, Min, OuterRef, Subquery
from django.utils import timezone

from bench.children import database_url
from config.celery import app as celery_app
from customers.models import Customer
from insights.models import AccountSummary, SummaryBuildState
from insights.summaries import enqueue_all_rebuilds

ROOT = Path(__file__).resolve().parent.parent
BROKER = (
    os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14"
)


@contextlib.contextmanager
def jobs_on_broker() -> Iterator[str]:
    """Send Celery jobs to a queue of their own on the broker instead of running them eagerly.

    The page probes use it so a write costs what it costs in production (the summary and health
    jobs it enqueues run on a worker, not inside the request); the throughput measure points
    its worker at the queue. The queue is deleted afterwards; nothing else on the broker is.
    """
    queue = f"accord-bench-{uuid.uuid4().hex[:12]}"
    conf = celery_app.conf
    previous = {
        name: conf[name]
        for name in ("task_always_eager", "broker_url", "task_default_queue", "task_routes")
    }
    # Every job on the one bench queue (no workload routing), so nothing is left behind.
    conf.update(
        task_always_eager=False, broker_url=BROKER, task_default_queue=queue, task_routes={}
    )
    celery_app.amqp.flush_routes()
    try:
        yield queue
    finally:
        conf.update(previous)
        celery_app.amqp.flush_routes()
        client = redis.Redis.from_url(BROKER)
        client.delete(queue, *client.keys(f"{queue}*"))


def measure(concurrency: int = 2, workers: int = 1, timeout: float = 900) -> dict[str, Any]:
    """Queue the nightly rebuild of every account and time the workers until all are built."""
    with jobs_on_broker() as queue:
        return _measure(queue, concurrency, workers, timeout)


def _start_worker(queue: str, concurrency: int, env: dict[str, str], n: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            *("-A", "config", "worker", "-Q", queue, "-c", str(concurrency)),
            *("-n", f"bench{n}-{queue}@%h", "--loglevel=WARNING"),
            *("--without-gossip", "--without-mingle"),
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


def _stop_worker(worker: subprocess.Popen) -> None:
    # A warm shutdown of the main process lets its pool children finish and exit.
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)


def _make_every_summary_stale() -> None:
    """The costliest night: no account's content equals its stored summary, so every build
    stores a new version (renders its markdown, sanitizes the HTML, inserts the row). Without
    this, a run on the day the dataset was loaded would mostly find nothing changed."""

    latest = (
        AccountSummary.objects.filter(customer=OuterRef("customer"))
        .order_by("-number")
        .values("pk")[:1]
    )
    AccountSummary.objects.filter(pk=Subquery(latest)).update(content={"stale": True})


def _measure(queue: str, concurrency: int, workers: int, timeout: float) -> dict[str, Any]:

    _make_every_summary_stale()

    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": BROKER,
        "CELERY_QUEUE": queue,
        "LOG_LEVEL": "WARNING",
        # As in production: with DEBUG on, Django would also keep a log of every query.
        "DEBUG": "false",
        "ACCORD_TESTING": "0",
    }
    processes = [_start_worker(queue, concurrency, env, n) for n in range(workers)]
    try:
        started = timezone.now()
        accounts = enqueue_all_rebuilds()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = SummaryBuildState.objects.filter(finished_at__gte=started).count()
            if done >= accounts:
                break
            time.sleep(1)
        span = SummaryBuildState.objects.filter(finished_at__gte=started).aggregate(
            first=Min("started_at"), last=Max("finished_at")
        )
    finally:
        for worker in processes:
            _stop_worker(worker)
    built = SummaryBuildState.objects.filter(finished_at__gte=started).count()
    new_versions = AccountSummary.objects.filter(built_at__range=(started, timezone.now())).count()
    seconds = (span["last"] - span["first"]).total_seconds() if built else float("nan")
    return {
        "accounts": built,
        "of": Customer.objects.count(),
        "seconds": round(seconds, 1),
        "accounts_per_second": round(built / seconds, 1) if built else 0,
        "new_versions": new_versions,
        "concurrency": concurrency,
        "workers": workers,
    }
