"""What each middleware in settings.MIDDLEWARE adds to the floor request (issue 24).

A stopwatch middleware sits before every middleware and after the last one, in one stack, so
nothing is removed and nothing that depends on another middleware breaks: a middleware's own
time is the time inside the stopwatch before it minus the time inside the one after it. The
innermost stopwatch times URL resolution, the `process_view` hooks and the floor view itself.
Also measured: the floor with no middleware at all, and whether the floor request writes the
session (the idle-timeout renewal in core.middleware writes at most once a minute).
"""

import statistics
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from accounts.models import User
from core.middleware import SESSION_RENEW_SECONDS, SESSION_SEEN_AT

FLOOR_URL = "/bench/floor/"
STOPWATCH = "bench.middleware.Stopwatch"
USER = "bench-sales1"
INNERMOST = "URL resolution, process_view hooks and the floor view"

# Stopwatches in the order Django makes them: the innermost first.
_stopwatches: list["Stopwatch"] = []


class Stopwatch:
    """Records how long each request spent inside it (everything after it in the stack)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.seconds: list[float] = []
        _stopwatches.append(self)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        self.seconds.append(time.perf_counter() - started)
        return response


def _ms(values: list[float]) -> dict[str, float]:
    from bench.runner import _percentile

    return {
        "p50_ms": round(statistics.median(values) * 1000, 3),
        "p95_ms": round(_percentile(values, 0.95) * 1000, 3),
    }


def measure(requests: int = 500, warmup: int = 20) -> dict[str, Any]:
    """Per-middleware cost on the floor request, the bare floor and the session writes."""
    with override_settings(ROOT_URLCONF="bench.urls", DEBUG=False):
        user = User.objects.get(username=USER)
        middleware = list(settings.MIDDLEWARE)
        timed = [item for name in middleware for item in (STOPWATCH, name)] + [STOPWATCH]
        with override_settings(MIDDLEWARE=timed):
            _stopwatches.clear()
            client = _signed_in(user)
            whole = _timed_floor(client, requests, warmup)
        outer_first = list(reversed(_stopwatches))
        inside = [watch.seconds[warmup:] for watch in outer_first]
        layers = [
            {"name": name, **_ms([a - b for a, b in zip(inside[i], inside[i + 1], strict=True)])}
            for i, name in enumerate(middleware)
        ]
        layers.append({"name": INNERMOST, **_ms(inside[-1])})
        with override_settings(MIDDLEWARE=[]):
            bare = _timed_floor(Client(), requests, warmup)
        return {
            "requests": requests,
            "floor": _ms(whole),
            "stack": _ms(inside[0]),
            "no_middleware": _ms(bare),
            "layers": layers,
            "session_writes": _session_writes(user),
        }


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    _seen(client, ago=0)
    return client


def _timed_floor(client: Client, requests: int, warmup: int) -> list[float]:
    timings = []
    for i in range(warmup + requests):
        started = time.perf_counter()
        response = client.get(FLOOR_URL)
        if i >= warmup:
            timings.append(time.perf_counter() - started)
    assert response.status_code == 200, response.status_code
    return timings


def _session_writes(user: User) -> dict[str, int]:
    """Statements writing django_session in one floor request: in steady state (the idle window
    renewed just now) and once the renewal is due (a minute later)."""
    client = _signed_in(user)
    client.get(FLOOR_URL)
    counts = {}
    for label, ago in (("steady", 0), ("renewal_due", SESSION_RENEW_SECONDS + 1)):
        _seen(client, ago=ago)
        with CaptureQueriesContext(connection) as captured:
            client.get(FLOOR_URL)
        counts[label] = sum(
            q["sql"].startswith(("UPDATE", "INSERT")) and '"django_session"' in q["sql"]
            for q in captured.captured_queries
        )
    return counts


def _seen(client: Client, *, ago: float) -> None:
    session = client.session
    session[SESSION_SEEN_AT] = time.time() - ago
    session.save()
