"""Scrape-time metrics of the change feed (core/metrics.py reads them at /metrics)."""

from collections.abc import Iterable

from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric

from customers.models import Customer


def collect() -> Iterable[Metric]:
    """Accounts changed since their last summary build, and how long the oldest has waited."""
    figures = Customer.objects.filter(summary_dirty_since__isnull=False).aggregate(
        count=Count("pk"), oldest=Min("summary_dirty_since")
    )
    dirty = GaugeMetricFamily(
        "accord_accounts_changed",
        "Accounts changed since their summary was last built (the change feed's backlog).",
    )
    dirty.add_metric([], figures["count"])
    waited = GaugeMetricFamily(
        "accord_accounts_changed_oldest_seconds",
        "How long the longest-waiting changed account has waited for its rebuild.",
    )
    oldest = figures["oldest"]
    waited.add_metric([], (timezone.now() - oldest).total_seconds() if oldest else 0.0)
    return [dirty, waited]
