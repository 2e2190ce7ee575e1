"""Summary rebuild throughput: every account rebuilt by one real worker of concurrency 2."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.db.models import Max, Min
from django.utils import timezone

from config.celery import app as celery_app
from customers.models import Customer

ROOT = Path(__file__).resolve().parent.parent
BROKER = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
QUEUE = "accord-bench"


def measure(concurrency: int = 2, timeout: float = 900) -> dict[str, Any]:
    """Queue the nightly rebuild of every account and time the worker until all are built."""
    from insights.models import SummaryBuildState
    from insights.services import enqueue_all_rebuilds

    env = {**os.environ, "REDIS_URL": BROKER, "CELERY_QUEUE": QUEUE, "LOG_LEVEL": "WARNING"}
    subprocess.run(["redis-cli", "-u", BROKER, "flushdb"], check=True, capture_output=True)
    worker = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "config",
            "worker",
            "-Q",
            QUEUE,
            "-c",
            str(concurrency),
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    previous = (
        celery_app.conf.task_always_eager,
        celery_app.conf.broker_url,
        celery_app.conf.task_default_queue,
    )
    celery_app.conf.update(task_always_eager=False, broker_url=BROKER, task_default_queue=QUEUE)
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
        celery_app.conf.update(
            task_always_eager=previous[0], broker_url=previous[1], task_default_queue=previous[2]
        )
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
    built = SummaryBuildState.objects.filter(finished_at__gte=started).count()
    seconds = (span["last"] - span["first"]).total_seconds() if built else float("nan")
    return {
        "accounts": built,
        "of": Customer.objects.count(),
        "seconds": round(seconds, 1),
        "accounts_per_second": round(built / seconds, 1) if built else 0,
        "concurrency": concurrency,
    }
