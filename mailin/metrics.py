"""Scrape-time metrics of inbound email (core/metrics.py reads them at /metrics)."""

from collections.abc import Iterable

from prometheus_client.core import CounterMetricFamily, Metric

from mailin.models import DroppedMailCount


def collect() -> Iterable[Metric]:
    """Emails dropped since the start, by reason (unknown sender, SPF/DKIM, spam)."""
    dropped = CounterMetricFamily(
        "accord_inbound_emails_dropped",
        "Emails that arrived for Accord and were dropped, by reason.",
        labels=["reason"],
    )
    counts = dict(DroppedMailCount.objects.values_list("reason", "count"))
    for reason in DroppedMailCount.Reason.values:
        dropped.add_metric([reason], counts.get(reason, 0))
    return [dropped]
