"""Scrape-time metrics of the summary pipeline (core/metrics.py reads them at /metrics)."""

from collections.abc import Iterable

from django.db.models import Count, Max
from prometheus_client.core import GaugeMetricFamily, Metric

from insights.models import SummaryBuildState


def collect() -> Iterable[Metric]:
    """Accounts by the state of their last summary build, and the last successful build."""
    states = GaugeMetricFamily(
        "accord_summary_builds",
        "Accounts by the state of their summary build (failed: gave up after its retries).",
        labels=["state"],
    )
    counts = dict(
        SummaryBuildState.objects.values_list("status").annotate(n=Count("pk")).order_by()
    )
    for state in SummaryBuildState.Status.values:
        states.add_metric([state], counts.get(state, 0))
    last = SummaryBuildState.objects.aggregate(at=Max("last_success_at"))["at"]
    success = GaugeMetricFamily(
        "accord_summary_last_success_timestamp_seconds",
        "When a summary was last built successfully (Unix time; 0 if never).",
    )
    success.add_metric([], last.timestamp() if last else 0.0)
    return [states, success]
