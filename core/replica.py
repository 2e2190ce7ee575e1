"""Reads from a PostgreSQL streaming replica, when `DATABASE_REPLICA_URL` is set.

Which reads: a GET or HEAD request's reads of the account data (the apps in
`settings.REPLICA_READ_APPS`: dashboards, lists, search, API GETs). Everything else reads the
primary: writes and the reads of a request that writes, sessions, users and tokens (so a
sign-in is never lost to lag), Celery jobs and management commands.

Read-your-writes: a user who has just written (an unsafe request that succeeded) reads from the
primary for `REPLICA_READ_YOUR_WRITES_SECONDS`, in every process (the mark is in the cache).

Bounded staleness and outages: each process asks the replica for its lag every
`REPLICA_LAG_CHECK_SECONDS` and reads the primary while the lag exceeds
`REPLICA_MAX_LAG_SECONDS`. A replica that cannot be reached is left alone for
`REPLICA_RETRY_SECONDS`; a read that fails on it mid-request is answered again from the primary,
never with a 500.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

REPLICA = "replica"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_request: ContextVar[HttpRequest | None] = ContextVar("replica_request", default=None)


class _ReplicaState:
    """This process's view of the replica: down until, lag checked at, lag too high."""

    down_until = 0.0
    lag_checked_at = 0.0
    lagging = False

    @classmethod
    def mark_down(cls) -> None:
        cls.down_until = time.monotonic() + settings.REPLICA_RETRY_SECONDS
        connections[REPLICA].close()

    @classmethod
    def usable(cls) -> bool:
        now = time.monotonic()
        if now < cls.down_until:
            return False
        if now - cls.lag_checked_at >= settings.REPLICA_LAG_CHECK_SECONDS:
            cls.lag_checked_at = now
            try:
                cls.lagging = replica_lag_seconds() > settings.REPLICA_MAX_LAG_SECONDS
            except DatabaseError:
                logger.warning("replica: unreachable, reading from the primary", exc_info=True)
                cls.mark_down()
                return False
        return not cls.lagging


def replica_lag_seconds() -> float:
    """How far the replica's replay is behind what it received (0 when it has caught up)."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
            " ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)"
            " END"
        )
        return float(cursor.fetchone()[0])


def _wrote_key(user_id: int) -> str:
    return f"replica:wrote:{user_id}"


def _user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


def _reads_from_replica() -> bool:
    """Decided once per request, at its first read of the account data."""
    request = _request.get()
    if request is None:
        return False
    decision = getattr(request, "_replica_reads", None)
    if decision is None:
        user_id = _user_id(request)
        wrote = user_id is not None and cache.get(_wrote_key(user_id)) is not None
        decision = not wrote and _ReplicaState.usable()
        request._replica_reads = decision
    return decision


class ReplicaRouter:
    """Account data read by a read-only request goes to the replica; all else to the primary."""

    def db_for_read(self, model, **hints) -> str:
        if model._meta.app_label in settings.REPLICA_READ_APPS and _reads_from_replica():
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints) -> str:
        # Explicit: an instance read from the replica is saved to the primary.
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # one database, two copies

    def allow_migrate(self, db, app_label, **hints) -> bool:
        return db == "default"


class ReplicaReadsMiddleware:
    """Marks read-only requests for the router and remembers who has just written.

    Last in MIDDLEWARE, so its process_exception is the first to see a view's error: a read
    that failed on the replica is answered again from the primary.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        safe = request.method in SAFE_METHODS
        token = _request.set(request if safe else None)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        user_id = _user_id(request)  # DRF sets the token's user on the request too
        if not safe and user_id is not None and response.status_code < 400:
            cache.set(_wrote_key(user_id), 1, settings.REPLICA_READ_YOUR_WRITES_SECONDS)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not getattr(request, "_replica_reads", False) or not isinstance(
            exception, DatabaseError
        ):
            return None
        replica = connections[REPLICA]
        if replica.connection is not None and replica.is_usable():
            return None  # the primary's error: the outage middleware answers it
        logger.warning("replica: a read failed, answering from the primary", exc_info=exception)
        _ReplicaState.mark_down()
        request._replica_reads = False
        match = request.resolver_match
        token = _request.set(request)
        try:
            response = match.func(request, *match.args, **match.kwargs)
            if callable(getattr(response, "render", None)):
                response = response.render()
        except DatabaseError:
            return None  # the primary failed too: the original error goes on (503)
        finally:
            _request.reset(token)
        return response
