"""The prep brief build rate (issue 24: "prep briefs at the same rate" as summaries).

Briefs have no nightly batch of their own (each is built the evening before its meeting, or
rebuilt when its account changes), so the rate is measured in one process: a planned meeting
for each of up to `limit` accounts, each with attendees, goals and problems, then every brief
built with the real builder, one after another. It is comparable to the summary rebuild with
one worker process of concurrency 1. Everything happens in a transaction that is rolled back:
the database is left as it was.
"""

import datetime as dt
import time
from typing import Any

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from customers.models import Customer, Goal, Problem, Stakeholder
from dialogue.models import PlannedMeeting
from insights.prep import build_prep_brief


def measure(limit: int = 500) -> dict[str, Any]:
    """Build one brief for each of up to `limit` accounts in this process; briefs per second."""
    now = timezone.now()
    # As in production: with DEBUG on, Django would also keep a log of every query.
    with override_settings(DEBUG=False), transaction.atomic():
        planned = _plan_meetings(limit, now)
        started = time.perf_counter()
        for pk in planned:
            build_prep_brief(pk, now=now)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return {
        "briefs": len(planned),
        "seconds": round(seconds, 1),
        "briefs_per_second": round(len(planned) / seconds, 1) if planned else 0,
        "processes": 1,
    }


def _plan_meetings(limit: int, now: dt.datetime) -> list[int]:
    customers = list(Customer.objects.order_by("pk").values_list("pk", "lead_id")[:limit])
    meetings = PlannedMeeting.objects.bulk_create(
        PlannedMeeting(
            customer_id=customer,
            owner_id=lead,
            starts_at=now + dt.timedelta(days=1),
            title="Bench: brief rate",
            agenda="Review the open problems.",
        )
        for customer, lead in customers
    )
    by_customer = {meeting.customer_id: meeting.pk for meeting in meetings}
    # A few of each account's attendees, goals and problems, as a lead would pick them.
    for model, relation in (
        (Stakeholder, PlannedMeeting.stakeholders),
        (Goal, PlannedMeeting.goals),
        (Problem, PlannedMeeting.problems),
    ):
        through = relation.through
        field = f"{model._meta.model_name}_id"
        rows = []
        for customer in by_customer:
            for pk in (
                model.objects.filter(customer_id=customer)
                .order_by("pk")
                .values_list("pk", flat=True)[:3]
            ):
                rows.append(through(plannedmeeting_id=by_customer[customer], **{field: pk}))
        through.objects.bulk_create(rows)
    return list(by_customer.values())
