"""Prometheus metrics: request counts and latencies by route, Celery task outcomes, the queue,
and the apps' own job figures, served at /metrics in Prometheus's text format.

Counters live in each process. gunicorn runs several workers and Celery several pool
processes, so in production each process writes its counters to files in
PROMETHEUS_MULTIPROC_DIR (prometheus_client's multiprocess mode; the systemd units give the web
and the worker a folder each) and /metrics adds up the files of every folder in
settings.METRICS_MULTIPROC_DIRS. Without that variable (development, tests) the counters are
this process's own.

Figures that live in the database or the broker (summary builds by state, accounts waiting for
a rebuild, queue length) are read when Prometheus scrapes, by the collectors named in
settings.METRICS_COLLECTORS (each app owns its figures; this module imports none of them).

/metrics is open only to a caller with the bearer token METRICS_TOKEN and/or an address in
METRICS_ALLOWED_NETWORKS; with neither set it does not exist (404).
"""

import glob
import hmac
import logging
import os
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from celery import signals
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import ResolverMatch
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

from core.proxy import address_in

logger = logging.getLogger("accord.metrics")
request_logger = logging.getLogger("accord.request")

# This process's metrics. In multiprocess mode they also write to PROMETHEUS_MULTIPROC_DIR.
REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "accord_http_requests",
    "HTTP requests answered, by route, method and status code.",
    ["route", "method", "status"],
    registry=REGISTRY,
)
REQUEST_SECONDS = Histogram(
    "accord_http_request_duration_seconds",
    "Time from the request reaching Django to the response leaving it, by route and method.",
    ["route", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=REGISTRY,
)
TASKS = Counter(
    "accord_celery_tasks",
    "Celery task runs that ended, by task and outcome (succeeded, failed, retried).",
    ["task", "outcome"],
    registry=REGISTRY,
)

UNMATCHED, STATIC = "(unmatched)", "(static)"
_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def route_label(match: ResolverMatch | None, path: str) -> str:
    """The URL pattern that answered (`customers/<int:pk>/`), never the path itself: one label
    value per route, however many ids there are."""
    if match is None or not match.route:
        return STATIC if path.startswith(settings.STATIC_URL) else UNMATCHED
    # DRF routers use regexes: api/^customers/(?P<pk>[^/.]+)/$ -> api/customers/<pk>/
    return _GROUP.sub(r"<\1>", match.route).replace("^", "").replace("$", "")


def _user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


class RequestTelemetryMiddleware:
    """Times every request, counts it by route, and writes the request log line (LOG_REQUESTS):
    request id, user id, method, path (no query string: it may hold search terms), route,
    status and duration."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.log_requests = getattr(settings, "LOG_REQUESTS", False)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        seconds = time.perf_counter() - started
        route = route_label(getattr(request, "resolver_match", None), request.path)
        method = request.method or "-"
        REQUESTS.labels(route, method, str(response.status_code)).inc()
        REQUEST_SECONDS.labels(route, method).observe(seconds)
        if self.log_requests:
            request_logger.info(
                "%s %s %s %.1fms",
                method,
                request.path,
                response.status_code,
                seconds * 1000,
                extra={
                    "request_id": getattr(request, "request_id", "-"),
                    "method": method,
                    "path": request.path,
                    "route": route,
                    "status": response.status_code,
                    "duration_ms": round(seconds * 1000, 1),
                    "user_id": _user_id(request),
                    "remote_addr": request.META.get("REMOTE_ADDR"),
                },
            )
        return response


# --- Celery task outcomes (counted in the process that ran the task) -------------------------


def _task_name(sender: Any) -> str:
    return getattr(sender, "name", None) or str(sender)


@signals.task_success.connect(dispatch_uid="accord_metrics_task_success")
def _task_succeeded(sender: Any = None, **kwargs: Any) -> None:
    TASKS.labels(_task_name(sender), "succeeded").inc()


@signals.task_failure.connect(dispatch_uid="accord_metrics_task_failure")
def _task_failed(sender: Any = None, **kwargs: Any) -> None:
    TASKS.labels(_task_name(sender), "failed").inc()


@signals.task_retry.connect(dispatch_uid="accord_metrics_task_retry")
def _task_retried(sender: Any = None, **kwargs: Any) -> None:
    TASKS.labels(_task_name(sender), "retried").inc()


# --- What is read when Prometheus scrapes ---------------------------------------------------


def broker_metrics() -> Iterable[Metric]:
    """The Celery queue's length and the messages taken but not yet acknowledged."""
    up = GaugeMetricFamily("accord_broker_up", "1 when the Celery broker (Redis) answered.")
    broker_url = settings.CELERY_BROKER_URL
    if not broker_url.startswith(("redis://", "rediss://")):
        return []  # eager Celery (no broker): nothing is queued
    import redis  # only with a Redis broker

    length = GaugeMetricFamily(
        "accord_celery_queue_length", "Tasks waiting in each Celery queue.", labels=["queue"]
    )
    unacked = GaugeMetricFamily(
        "accord_celery_unacked_messages",
        "Tasks a worker has taken and not yet finished (Redis's unacked hash).",
    )
    try:
        client = redis.Redis.from_url(broker_url, socket_timeout=1, socket_connect_timeout=1)
        with client:
            for queue in settings.CELERY_WORKLOAD_QUEUES.values():
                length.add_metric([queue], client.llen(queue))
            unacked.add_metric([], client.hlen("unacked"))
    except redis.RedisError:
        logger.warning("metrics: broker unreachable", exc_info=True)
        up.add_metric([], 0)
        return [up]
    up.add_metric([], 1)
    return [up, length, unacked]


class _LiveCollector:
    """Scrape-time figures: the broker's, then each app's (settings.METRICS_COLLECTORS)."""

    def collect(self) -> Iterable[Metric]:
        yield from broker_metrics()
        for path in getattr(settings, "METRICS_COLLECTORS", []):
            try:
                yield from import_string(path)()
            except Exception:
                # One app's figures failing (e.g. the database is down) must not hide the rest.
                logger.warning("metrics: collector %s failed", path, exc_info=True)


class _FilesCollector:
    """The counters that every process wrote to the multiprocess folders, added up."""

    def __init__(self, directories: list[str]) -> None:
        self.directories = directories

    def collect(self) -> Iterable[Metric]:
        files = [f for d in self.directories for f in glob.glob(os.path.join(d, "*.db"))]
        return MultiProcessCollector.merge(files, accumulate=True)


def multiproc_dirs() -> list[str]:
    """The folders to read counters from, empty when this process keeps its own."""
    configured = list(getattr(settings, "METRICS_MULTIPROC_DIRS", []))
    own = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not own:
        return []
    return configured if own in configured else [own, *configured]


def exposition() -> bytes:
    """Every metric in Prometheus's text format."""
    registry = CollectorRegistry(auto_describe=False)
    directories = multiproc_dirs()
    if directories:
        registry.register(_FilesCollector(directories))  # type: ignore[arg-type]
    else:
        for collector in (REQUESTS, REQUEST_SECONDS, TASKS):
            registry.register(collector)
    registry.register(_LiveCollector())  # type: ignore[arg-type]
    return generate_latest(registry)


def _refusal(status: int, detail: str) -> HttpResponse:
    response = HttpResponse(detail + "\n", status=status, content_type="text/plain")
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
    return response


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus's scrape target; see the module docstring for who may read it."""
    token = settings.METRICS_TOKEN
    networks = tuple(settings.METRICS_ALLOWED_NETWORKS)
    if not token and not networks:
        raise Http404("Metrics are not configured.")
    if networks and not address_in(request.META.get("REMOTE_ADDR", ""), networks):
        return _refusal(403, "Metrics are not served to this address.")
    if token:
        sent = request.headers.get("Authorization", "")
        scheme, _, value = sent.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            value.strip().encode(), token.encode()
        ):
            return _refusal(401, "Metrics need the bearer token (METRICS_TOKEN).")
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_PLAIN_0_0_4)
