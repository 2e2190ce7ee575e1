"""Scrape-time metrics of the health jobs (core/metrics.py reads them at /metrics)."""

from collections.abc import Iterable

from django.db.models import Count, Max, Q
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric

from customers.models import Customer
from health.models import AccountHealth


def collect() -> Iterable[Metric]:
    """The last health refresh, and accounts whose score was not refreshed today."""
    today = timezone.localdate()
    figures = AccountHealth.objects.aggregate(
        last=Max("computed_at"), today=Count("pk", filter=Q(computed_at__date=today))
    )
    last = GaugeMetricFamily(
        "accord_health_last_refresh_timestamp_seconds",
        "When an account's health score was last computed (Unix time; 0 if never).",
    )
    last.add_metric([], figures["last"].timestamp() if figures["last"] else 0.0)
    stale = GaugeMetricFamily(
        "accord_health_not_refreshed_today",
        "Accounts whose health was not computed today (the daily job refreshes every one).",
    )
    stale.add_metric([], max(Customer.objects.count() - figures["today"], 0))
    return [last, stale]
