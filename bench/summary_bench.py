"""Time the account summary builder on one customer with 500 meetings.

Run: DATABASE_URL=postgres://... .venv/bin/python -m bench.summary_bench [--meetings 500]

The dataset is created inside a transaction that is rolled back, so the database is left as
it was. Reports the median and worst build time over several runs, and the query count.
"""

import argparse
import datetime as dt
import os
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=500)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    # import-late: this file runs as a script; Django and the apps load after setup().
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from insights.builder import build_summary

    now = timezone.now()
    with transaction.atomic():
        customer = _dataset(meetings=args.meetings, now=now)
        build_summary(customer, now=now)  # warm caches (content types, prepared plans)
        timings, with_html = [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                built = build_summary(customer, now=now)
            timings.append((time.perf_counter() - started) * 1000)
            str(built.html)
            with_html.append((time.perf_counter() - started) * 1000)
        transaction.set_rollback(True)
    print(
        f"build_summary on {connection.vendor}: {args.meetings} meetings, {args.runs} runs: "
        f"median {statistics.median(timings):.1f} ms, worst {max(timings):.1f} ms, "
        f"{len(queries)} queries, markdown {len(built.markdown)} chars; "
        f"with the HTML rendering (done only when a new version is stored): "
        f"median {statistics.median(with_html):.1f} ms, worst {max(with_html):.1f} ms"
    )


def _dataset(*, meetings: int, now: dt.datetime) -> object:
    # import-late: this file runs as a script; the apps load after django.setup() in main().
    from accounts.models import AccountMembership, Area, User
    from customers.models import BusinessModel, Customer, Goal, Problem, Stakeholder
    from dialogue.models import ActionItem, Meeting
    from insights.models import PlanSection
    from solutions.models import Contribution, Proposal

    lead = User.objects.create(username=f"bench-summary-lead-{now.timestamp()}")
    specialist = User.objects.create(username=f"bench-summary-spec-{now.timestamp()}")
    area, _ = Area.objects.get_or_create(name="Engineering")
    customer = Customer.objects.create(name="Summary bench customer", lead=lead)
    AccountMembership.objects.create(customer=customer, user=lead, role=AccountMembership.Role.LEAD)
    BusinessModel.objects.create(
        customer=customer, value_proposition="Fast deliveries " * 20, key_partners="Carriers"
    )
    stakeholders = Stakeholder.objects.bulk_create(
        Stakeholder(customer=customer, name=f"Person {i}", influence=1 + i % 5) for i in range(40)
    )
    goals = Goal.objects.bulk_create(
        Goal(customer=customer, title=f"Goal {i}", priority=1 + i % 3) for i in range(20)
    )
    problems = Problem.objects.bulk_create(
        Problem(customer=customer, title=f"Problem {i}", severity="high") for i in range(40)
    )
    for i, problem in enumerate(problems):
        problem.blocks_goals.set([goals[i % 20]])
    rows = Meeting.objects.bulk_create(
        Meeting(
            customer=customer,
            title=f"Meeting {i}",
            occurred_at=now - dt.timedelta(days=i % 400, hours=i),
            author=lead,
            customer_said="We need shorter lead times. " * 10,
            insights="Budget opens in Q3. " * 5,
            sentiment=("positive", "neutral", "negative")[i % 3],
            notes="Long notes " * 200,
        )
        for i in range(meetings)
    )
    through = Meeting.stakeholders.through
    through.objects.bulk_create(
        through(meeting_id=m.pk, stakeholder_id=stakeholders[i % 40].pk) for i, m in enumerate(rows)
    )
    ActionItem.objects.bulk_create(
        ActionItem(
            customer=customer,
            description=f"Step {i}",
            owner=lead,
            due_on=now.date() + dt.timedelta(days=i - 30),
        )
        for i in range(60)
    )
    for i in range(15):
        proposal = Proposal.objects.create(customer=customer, title=f"Proposal {i}", owner=lead)
        proposal.problems.set(problems[i * 2 : i * 2 + 3])
        Contribution.objects.create(proposal=proposal, specialist=specialist, area=area)
    PlanSection.objects.create(
        customer=customer, kind="strategy", body="## Objectives\n\n- Grow", updated_at=now
    )
    return Customer.objects.select_related("lead").get(pk=customer.pk)


if __name__ == "__main__":
    main()
