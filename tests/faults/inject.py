"""Faults that test worker processes inject into the summary build. Test-only: production code
has no hooks; a worker launcher calls install(), which wraps the build when these environment
variables ask for it:

- ACCORD_FAULT_SUMMARY_BUILD_DELAY: seconds a build holds the account's lock (a slow build to
  kill mid-run);
- ACCORD_FAULT_SUMMARY_BUILD_FAILURES: "always" (a poison build) or N (the first N runs of an
  account's build fail, as a transient database error would);
- ACCORD_FAULT_BUILD_LOG: a file where each build appends when it starts and ends while it
  holds the lock, so a test can check that two builds of one account never overlap.
"""

import os
import time

from django.db import OperationalError

DELAY = "ACCORD_FAULT_SUMMARY_BUILD_DELAY"
FAILURES = "ACCORD_FAULT_SUMMARY_BUILD_FAILURES"
BUILD_LOG = "ACCORD_FAULT_BUILD_LOG"


def install() -> None:
    """Wrap insights.summaries.build_summary with the faults the environment asks for."""
    if not any(os.environ.get(name) for name in (DELAY, FAILURES, BUILD_LOG)):
        return
    from insights import summaries
    from insights.models import SummaryBuildState

    real_build = summaries.build_summary

    def log(event: str, customer_id: int) -> None:
        if path := os.environ.get(BUILD_LOG):
            with open(path, "a", encoding="utf-8") as out:
                out.write(f"{event} {customer_id} {os.getpid()} {time.time():.6f}\n")

    def fail(customer_id: int) -> None:
        failures = os.environ.get(FAILURES)
        if not failures:
            return
        runs = SummaryBuildState.objects.filter(customer_id=customer_id).values_list(
            "run_count", flat=True
        )
        if failures == "always" or runs.first() <= int(failures):
            raise OperationalError("injected fault")

    def build_summary(customer, *, now):  # type: ignore[no-untyped-def]
        log("start", customer.pk)
        if delay := os.environ.get(DELAY):
            time.sleep(float(delay))
        fail(customer.pk)
        built = real_build(customer, now=now)
        log("end", customer.pk)
        return built

    summaries.build_summary = build_summary
