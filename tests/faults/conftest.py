"""Fixtures of the fault suite: a private Redis and the in-process Celery app pointed at it."""

import contextlib
import datetime as dt
from collections.abc import Iterator

import kombu.pools
import pytest

# See tests/insights/test_worker.py: importing the DRF views first avoids an import cycle when
# an in-process worker runs Django's checks.
import rest_framework.views  # noqa: F401
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from customers import changes
from customers.models import Customer
from insights.models import AccountSummary
from tests.faults.procs import RedisServer


@pytest.fixture(autouse=True)
def _needs_postgres_and_redis() -> None:
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("the fault suite needs PostgreSQL and REDIS_URL (CI always sets both)")


@contextlib.contextmanager
def broker_at(url: str) -> Iterator[None]:
    """Point the in-process Celery app (the web side that publishes) at another broker."""
    previous = celery_app.conf.broker_url, celery_app.conf.task_always_eager

    def reset_pools() -> None:
        # kombu keeps pools in a global registry keyed by connection: closing only the app's
        # pool would leave a closed pool there for the next test that uses the same broker.
        kombu.pools.reset()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    reset_pools()
    celery_app.conf.broker_url = url
    celery_app.conf.task_always_eager = False
    try:
        yield
    finally:
        reset_pools()
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = previous


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def private_broker(redis_server: RedisServer) -> Iterator[RedisServer]:
    with broker_at(redis_server.url):
        yield redis_server


@pytest.fixture
def short_sweep(monkeypatch) -> dt.timedelta:
    """A sweep period of 2 s instead of 60 s, so 'two sweep periods' fits in a test."""
    period = dt.timedelta(seconds=2)
    monkeypatch.setattr(changes, "SWEEP_AFTER", period)
    monkeypatch.setattr(changes, "PENDING_TTL", period * 3)
    return period


def summaries_current(customers: list[Customer]) -> bool:
    """Every customer's latest summary was built from its current data, and it is clean."""
    ids = [c.pk for c in customers]
    clean = Customer.objects.filter(pk__in=ids, summary_dirty_since__isnull=True).count()
    return clean == len(ids) and all(
        AccountSummary.objects.filter(customer_id=c.pk).exists() for c in customers
    )


def duplicate_versions(customers: list[Customer]) -> int:
    """Summary versions beyond one per distinct content (what a double build would leave)."""
    summaries = AccountSummary.objects.filter(customer__in=customers)
    return summaries.count() - summaries.values("customer_id", "content_hash").distinct().count()
