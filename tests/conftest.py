"""Shared fixtures: two teams of actors, the API client, and the strict CI checks."""

import logging
import os
import shutil
import uuid
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.db import connection
from django.test.testcases import QuietWSGIRequestHandler
from django.utils import translation
from rest_framework.test import APIClient

from accounts.models import AccountMembership, User
from config.celery import app as celery_app
from customers import changes, tallies
from customers.models import Customer
from tests import factories

pytest_plugins = ("celery.contrib.pytest",)

IN_CI = os.environ.get("CI", "").lower() == "true"

# The live server (browser tests, schemathesis) writes a response's headers and body in two
# sends; with Nagle's algorithm the body then waits for the client's delayed ACK of the headers,
# 40 ms per request. The flag is read per connection.
QuietWSGIRequestHandler.disable_nagle_algorithm = True


def pytest_sessionstart(session: pytest.Session) -> None:
    """Under CI a missing service or browser fails the run; it is never a skip."""
    if not IN_CI:
        return
    engine = settings.DATABASES["default"]["ENGINE"]
    if session.config.getoption("markexpr") == "sqlite":
        # make test's second pass: the tests marked `sqlite`, on the embedded default.
        if engine != "django.db.backends.sqlite3":
            raise pytest.UsageError("the -m sqlite pass must run on SQLite")
        return
    problems = []
    if engine != "django.db.backends.postgresql":
        problems.append("DATABASE_URL must point to PostgreSQL under CI")
    if not settings.REDIS_URL:
        problems.append("REDIS_URL must be set under CI")
    if not shutil.which("chromium") and not os.path.exists("/usr/bin/chromium"):
        problems.append("Debian's chromium must be installed under CI")
    if problems:
        raise pytest.UsageError("; ".join(problems))


@pytest.fixture(scope="session", autouse=True)
def _no_connection_outlives_the_run(django_db_setup, django_db_blocker):
    """Before the test database is dropped (django_db_setup's teardown, which runs after this
    one's): close what a live server's request threads may still hold open, since a browser's
    keep-alive connection can keep such a thread, and its database session, alive."""
    yield
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _eager_celery(request: pytest.FixtureRequest):
    """Tasks run in-process unless a test asks for a real worker (marker `worker`)."""
    if request.node.get_closest_marker("worker"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _broker_not_backing_off():
    # A test that fails a publish makes this process skip publishing for a while (the change
    # feed's backoff); the next test starts with the broker assumed up.
    changes._Broker.down_until = 0.0
    yield
    changes._Broker.down_until = 0.0


@pytest.fixture(autouse=True)
def _loggers_stay_enabled():
    """Fails the test that silences a logger (logging.config.dictConfig's default
    disable_existing_loggers=True does), instead of a later test that reads the log and finds
    nothing, on whichever machine happens to run the two in that order."""
    yield
    silenced = sorted(
        name
        for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger) and logger.disabled
    )
    for name in silenced:  # so only the test that did it fails
        logging.getLogger(name).disabled = False
    assert not silenced, f"this test left these loggers disabled: {silenced}"


@pytest.fixture(autouse=True)
def _default_language():
    # A request by a German user leaves German active in this thread (LocaleMiddleware does not
    # deactivate it); the next test starts in the default language.
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def is_postgres() -> bool:
    return connection.vendor == "postgresql"


@dataclass
class Actors:
    """Team A and team B, as in RELIABILITY.md's actor fixture."""

    sales_a: User
    spec_a: User
    viewer_a: User
    sales_a2: User
    mgr_a: User
    sales_b: User
    mgr_b: User
    admin: User
    outsider: User
    inactive: User
    customer_a: Customer
    customer_a2: Customer
    customer_b: Customer


@pytest.fixture
def actors(db) -> Actors:
    # Every tally group the writes touch is recomputed once, at the end: 136 queries instead of
    # 208, in the fixture most of the suite's tests set up.
    with tallies.deferred():
        return _actors()


def _actors() -> Actors:
    team_a = factories.TeamFactory(name="Team A")
    team_b = factories.TeamFactory(name="Team B")
    sales_a = factories.UserFactory(username="sales_a")
    sales_a2 = factories.UserFactory(username="sales_a2")
    spec_a = factories.UserFactory(username="spec_a", role=User.Role.SPECIALIST)
    viewer_a = factories.UserFactory(username="viewer_a", role=User.Role.SPECIALIST)
    sales_b = factories.UserFactory(username="sales_b")
    for user in (sales_a, sales_a2, spec_a, viewer_a):
        factories.TeamMemberFactory(team=team_a, user=user)
    factories.TeamMemberFactory(team=team_b, user=sales_b)
    customer_a = factories.CustomerFactory(name="Alpha Industries", lead=sales_a)
    customer_a2 = factories.CustomerFactory(name="Alpha Two", lead=sales_a2)
    customer_b = factories.CustomerFactory(name="Beta Holdings", lead=sales_b)
    factories.MembershipFactory(customer=customer_a, user=spec_a)
    factories.MembershipFactory(
        customer=customer_a, user=viewer_a, role=AccountMembership.Role.VIEWER
    )
    return Actors(
        sales_a=sales_a,
        spec_a=spec_a,
        viewer_a=viewer_a,
        sales_a2=sales_a2,
        mgr_a=team_a.manager,
        sales_b=sales_b,
        mgr_b=team_b.manager,
        admin=factories.UserFactory(
            username="admin_user", role=User.Role.ADMIN, is_staff=True, is_superuser=True
        ),
        outsider=factories.UserFactory(username="outsider"),
        inactive=factories.UserFactory(username="inactive", is_active=False),
        customer_a=customer_a,
        customer_a2=customer_a2,
        customer_b=customer_b,
    )


@pytest.fixture
def isolated_cache(settings) -> None:
    """A cache of the test's own: counters kept in Redis (rate limits) start from zero."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{uuid.uuid4().hex}",
        }
    }


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def api_as(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client
