"""The benchmark dataset: a realistic, reproducible sales organisation at a given scale.

At scale 1.0: 5,000 customers, 50,000 stakeholders, 20,000 goals, 40,000 problems, 250,000
meetings, 300,000 action items, 20,000 proposals, 60,000 contributions and 100,000 comments,
two to four divisions per customer with their whitespace cells over a 12-offering catalogue
and the value of every open proposal (bench/strategy_data.py), with ten "hot" customers
carrying 2,000 meetings, 200 stakeholders, 300 proposals and six divisions each.
Loaded with COPY; history tables are left empty (they only matter for the record history pages).
"""

import contextlib
import datetime as dt
import logging
import multiprocessing
import os
import random
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, connections, transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import AccountMembership, Area, Team, TeamMember, User
from bench.copy import Copier, next_id, reset_sequence
from bench.strategy_data import load_strategy
from config.celery import app as celery_app
from customers.models import Customer, Goal, Problem, Process, ProcessStep, Stakeholder
from customers.tallies import rebuild_tallies
from dialogue.models import ActionItem, Meeting
from health.models import HealthSnapshot
from health.services import refresh_customer_health
from insights.summaries import rebuild_summary
from solutions.models import Comment, Contribution, Partner, Proposal
from strategy.scorecards import store_scorecard

PASSWORD = "accord-demo"
HOT_CUSTOMERS = 10
# Summaries are built in one process per core from this many customers on.
PARALLEL_BUILDS_FROM = 200

INDUSTRIES = [
    "Logistics",
    "Medical devices",
    "Food processing",
    "Aerospace",
    "Retail",
    "Chemicals",
    "Energy",
    "Automotive",
    "Pharma",
    "Telecom",
    "Banking",
    "Paper",
]
WORDS = [
    "delivery",
    "delay",
    "forecast",
    "capacity",
    "warehouse",
    "margin",
    "compliance",
    "audit",
    "pricing",
    "churn",
    "onboarding",
    "integration",
    "downtime",
    "maintenance",
    "supplier",
    "quality",
    "recall",
    "inventory",
    "route",
    "budget",
    "expansion",
    "automation",
    "training",
    "contract",
    "renewal",
    "energy",
    "emissions",
    "packaging",
    "scheduling",
    "visibility",
    "throughput",
    "backlog",
    "certification",
    "reporting",
    "migration",
]
MEETING_KINDS = ["Review", "Workshop", "Call", "Visit"]
SAID = [
    "We cannot see where our shipments are.",
    "Our budget is frozen until Q3.",
    "The board wants emissions down by a third.",
    "We lose a day at every handover.",
    "Your competitor offered a pilot for free.",
    "Quality complaints doubled this year.",
    "We need this live before the peak season.",
    "IT will not approve another vendor.",
]


@dataclass
class Scale:
    customers: int
    stakeholders: int
    goals: int
    problems: int
    meetings: int
    action_items: int
    proposals: int
    contributions: int
    comments: int

    @classmethod
    def of(cls, factor: float) -> "Scale":
        def n(base: int) -> int:
            return max(int(base * factor), 1)

        return cls(
            n(5_000),
            n(50_000),
            n(20_000),
            n(40_000),
            n(250_000),
            n(300_000),
            n(20_000),
            n(60_000),
            n(100_000),
        )


@dataclass
class Loaded:
    counts: dict[str, int] = field(default_factory=dict)
    hot_customer_ids: list[int] = field(default_factory=list)
    typical_customer_id: int = 0


def _fast_commits() -> None:
    # A benchmark load can be redone from its seed, so it need not wait for each WAL flush.
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _spread(total: int, buckets: int, hot: int, hot_share: int, rng: random.Random) -> list[int]:
    """Distribute `total` over buckets: the first `hot` get `hot_share` each, the rest share."""
    hot_total = min(hot * hot_share, total // 2)
    per_hot = hot_total // max(hot, 1)
    rest = total - per_hot * hot
    others = buckets - hot
    counts = [per_hot] * hot + [rest // others] * others
    for i in rng.sample(range(hot, buckets), rest - (rest // others) * others):
        counts[i] += 1
    return counts


def _users(rng: random.Random) -> dict[str, list[User]]:
    password = make_password(PASSWORD)
    areas = [
        Area.objects.get_or_create(name=name)[0]
        for name in ("Engineering", "Finance", "Logistics", "Legal", "Service")
    ]
    users: dict[str, list[User]] = {"sales": [], "spec": [], "manager": []}
    for role, prefix, count in (
        (User.Role.SALESPERSON, "bench-sales", 30),
        (User.Role.SPECIALIST, "bench-spec", 15),
        (User.Role.MANAGER, "bench-manager", 5),
    ):
        for i in range(1, count + 1):
            user, _ = User.objects.get_or_create(
                username=f"{prefix}{i}",
                defaults={
                    "role": role,
                    "password": password,
                    "first_name": prefix.split("-")[1].title(),
                    "last_name": str(i),
                    "email": f"{prefix}{i}@bench.example",
                    "area": areas[i % len(areas)] if role == User.Role.SPECIALIST else None,
                },
            )
            users[
                {
                    User.Role.SALESPERSON: "sales",
                    User.Role.SPECIALIST: "spec",
                    User.Role.MANAGER: "manager",
                }[role]
            ].append(user)
    for t, manager in enumerate(users["manager"]):
        team, _ = Team.objects.get_or_create(
            name=f"Bench team {t + 1}", defaults={"manager": manager}
        )
        for user in users["sales"][t * 6 : (t + 1) * 6] + users["spec"][t * 3 : (t + 1) * 3]:
            TeamMember.objects.get_or_create(team=team, user=user)
    return users


def load(factor: float = 1.0, seed: int = 42, log: Callable[[str], None] = print) -> Loaded:
    """Load the dataset into an empty PostgreSQL database (bench users may already exist)."""
    if connection.vendor != "postgresql":
        raise RuntimeError("The benchmark dataset needs PostgreSQL (set DATABASE_URL).")
    if Customer.objects.filter(name__startswith="Bench ").exists():
        raise RuntimeError("This database already holds a benchmark dataset; use a fresh one.")
    rng = random.Random(seed)
    scale = Scale.of(factor)
    _fast_commits()
    now = timezone.now().replace(microsecond=0)
    today = now.date()
    loaded = Loaded()
    with transaction.atomic():
        users = _users(rng)
        sales, specs = users["sales"], users["spec"]
        team_of_sales = {u.pk: i // 6 for i, u in enumerate(sales)}

        # Customers: round-robin over salespeople, so bench-sales1 leads hot customer 1.
        customers = Copier(Customer)
        members = Copier(AccountMembership)
        cid0 = next_id(Customer)
        lead_of: dict[int, int] = {}
        specs_of: dict[int, list[int]] = {}
        member_id = next_id(AccountMembership)
        for i in range(scale.customers):
            cid = cid0 + i
            lead = sales[i % len(sales)]
            team = team_of_sales[lead.pk]
            team_specs = specs[team * 3 : (team + 1) * 3]
            chosen = rng.sample(team_specs, k=rng.randint(1, 2))
            lead_of[cid] = lead.pk
            specs_of[cid] = [s.pk for s in chosen]
            customers.add(
                {
                    "id": cid,
                    "name": f"Bench {rng.choice(INDUSTRIES)} {i + 1:05d}",
                    "industry": rng.choice(INDUSTRIES),
                    "website": f"https://c{i + 1}.bench.example",
                    "size": rng.choice(["small", "medium", "large", "enterprise"]),
                    "lead_id": lead.pk,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                    "data_version": 1,
                }
            )
            members.add(
                {
                    "id": member_id,
                    "customer_id": cid,
                    "user_id": lead.pk,
                    "role": AccountMembership.Role.LEAD,
                    "created_at": now,
                }
            )
            member_id += 1
            for spec in chosen:
                members.add(
                    {
                        "id": member_id,
                        "customer_id": cid,
                        "user_id": spec.pk,
                        "role": AccountMembership.Role.SPECIALIST,
                        "created_at": now,
                    }
                )
                member_id += 1
        customers.flush()
        members.flush()
        customer_ids = list(range(cid0, cid0 + scale.customers))
        loaded.hot_customer_ids = customer_ids[:HOT_CUSTOMERS]
        loaded.typical_customer_id = (
            customer_ids[HOT_CUSTOMERS + len(sales)]
            if len(customer_ids) > HOT_CUSTOMERS + len(sales)
            else customer_ids[-1]
        )
        log(f"customers: {scale.customers}")

        hot = min(HOT_CUSTOMERS, scale.customers // 2)

        # Stakeholders, goals, problems, processes.
        per_customer_sh = _spread(scale.stakeholders, scale.customers, hot, 200, rng)
        stakeholders = Copier(Stakeholder)
        sh_of: dict[int, list[int]] = {}
        sid = next_id(Stakeholder)
        roles = [
            "decision_maker",
            "champion",
            "influencer",
            "user",
            "user",
            "gatekeeper",
            "blocker",
        ]
        for cid, count in zip(customer_ids, per_customer_sh, strict=True):
            ids = []
            for j in range(count):
                stakeholders.add(
                    {
                        "id": sid,
                        "customer_id": cid,
                        "name": f"Contact {cid}-{j + 1}",
                        "title": rng.choice(
                            [
                                "CFO",
                                "COO",
                                "Head of Logistics",
                                "Plant manager",
                                "IT director",
                                "Buyer",
                                "CEO",
                            ]
                        ),
                        "email": f"contact{sid}@customer.example",
                        "buying_role": roles[j % len(roles)],
                        "influence": rng.randint(1, 5),
                        "attitude": rng.choice(["supporter", "neutral", "detractor"]),
                        "reports_to_id": ids[0] if j > 0 and ids else None,
                        "owner_id": lead_of[cid] if j % 3 == 0 else None,
                        "created_at": now,
                        "updated_at": now,
                        "version": 1,
                    }
                )
                ids.append(sid)
                sid += 1
            sh_of[cid] = ids
        stakeholders.flush()
        log(f"stakeholders: {stakeholders.total}")

        goals = Copier(Goal)
        goal_of: dict[int, list[int]] = {}
        gid = next_id(Goal)
        for cid, count in zip(
            customer_ids, _spread(scale.goals, scale.customers, 0, 0, rng), strict=True
        ):
            ids = []
            for _ in range(count):
                goals.add(
                    {
                        "id": gid,
                        "customer_id": cid,
                        "title": _sentence(rng, 4)[:200],
                        "description": _sentence(rng, 20),
                        "priority": rng.randint(1, 3),
                        "target_on": today + dt.timedelta(days=rng.randint(30, 720)),
                        "metric": "On-time delivery %",
                        "status": rng.choice(["active", "active", "active", "achieved", "dropped"]),
                        "confirmed": rng.random() < 0.6,
                        "created_at": now,
                        "updated_at": now,
                        "version": 1,
                    }
                )
                ids.append(gid)
                gid += 1
            goal_of[cid] = ids
        goals.flush()

        processes = Copier(Process)
        steps = Copier(ProcessStep)
        step_of: dict[int, list[int]] = {}
        pid = next_id(Process)
        stid = next_id(ProcessStep)
        for cid in customer_ids:
            processes.add(
                {
                    "id": pid,
                    "customer_id": cid,
                    "name": "Order to delivery",
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            )
            ids = []
            for position, name in enumerate(["Order", "Plan", "Pick", "Ship", "Invoice"], 1):
                steps.add({"id": stid, "process_id": pid, "position": position, "name": name})
                ids.append(stid)
                stid += 1
            step_of[cid] = ids
            pid += 1
        processes.flush()
        steps.flush()

        problems = Copier(Problem)
        blocks = Copier(Problem.blocks_goals.through)
        problem_of: dict[int, list[int]] = {}
        prid = next_id(Problem)
        for cid, count in zip(
            customer_ids, _spread(scale.problems, scale.customers, 0, 0, rng), strict=True
        ):
            ids = []
            for _ in range(count):
                problems.add(
                    {
                        "id": prid,
                        "customer_id": cid,
                        "title": _sentence(rng, 5)[:200],
                        "description": _sentence(rng, 25),
                        "severity": rng.choice(["low", "medium", "medium", "high", "critical"]),
                        "status": rng.choice(
                            ["open", "open", "being_addressed", "solved", "parked"]
                        ),
                        "process_step_id": rng.choice(step_of[cid]) if rng.random() < 0.5 else None,
                        "raised_by_id": rng.choice(sh_of[cid])
                        if sh_of[cid] and rng.random() < 0.5
                        else None,
                        "confirmed": rng.random() < 0.5,
                        "created_at": now,
                        "updated_at": now,
                        "version": 1,
                    }
                )
                if goal_of[cid]:
                    blocks.add({"problem_id": prid, "goal_id": rng.choice(goal_of[cid])})
                ids.append(prid)
                prid += 1
            problem_of[cid] = ids
        problems.flush()
        blocks.flush()
        log(f"goals: {goals.total}, problems: {problems.total}")

        # Meetings with attendees and the goals and problems discussed.
        meetings = Copier(Meeting)
        m_sh = Copier(Meeting.stakeholders.through)
        m_users = Copier(Meeting.internal_attendees.through)
        m_goals = Copier(Meeting.goals.through)
        m_problems = Copier(Meeting.problems.through)
        mid = next_id(Meeting)
        meeting_of: dict[int, list[int]] = {}
        for cid, count in zip(
            customer_ids, _spread(scale.meetings, scale.customers, hot, 2000, rng), strict=True
        ):
            ids = []
            for _ in range(count):
                occurred = now - dt.timedelta(minutes=rng.randint(60, 3 * 365 * 24 * 60))
                meetings.add(
                    {
                        "id": mid,
                        "customer_id": cid,
                        "occurred_at": occurred,
                        "kind": rng.choice(["meeting", "call", "visit", "workshop", "email"]),
                        "title": f"{rng.choice(MEETING_KINDS)}: {rng.choice(WORDS)}",
                        "notes": _sentence(rng, 40),
                        "customer_said": rng.choice(SAID),
                        "insights": _sentence(rng, 12),
                        "sentiment": rng.choice(["positive", "neutral", "neutral", "negative"]),
                        "author_id": lead_of[cid],
                        "created_at": occurred,
                        "updated_at": occurred,
                        "version": 1,
                    }
                )
                for s in rng.sample(sh_of[cid], k=min(2, len(sh_of[cid]))):
                    m_sh.add({"meeting_id": mid, "stakeholder_id": s})
                m_users.add({"meeting_id": mid, "user_id": lead_of[cid]})
                if goal_of[cid] and rng.random() < 0.6:
                    m_goals.add({"meeting_id": mid, "goal_id": rng.choice(goal_of[cid])})
                if problem_of[cid] and rng.random() < 0.6:
                    m_problems.add({"meeting_id": mid, "problem_id": rng.choice(problem_of[cid])})
                ids.append(mid)
                mid += 1
            meeting_of[cid] = ids
        for copier in (meetings, m_sh, m_users, m_goals, m_problems):
            copier.flush()
        log(f"meetings: {meetings.total} (+{m_sh.total} attendees)")

        items = Copier(ActionItem)
        aid = next_id(ActionItem)
        for cid, count in zip(
            customer_ids, _spread(scale.action_items, scale.customers, 0, 0, rng), strict=True
        ):
            owners = [lead_of[cid], *specs_of[cid]]
            for _ in range(count):
                status = rng.choice(["done", "done", "done", "open", "cancelled"])
                due = today + dt.timedelta(days=rng.randint(-120, 60))
                items.add(
                    {
                        "id": aid,
                        "customer_id": cid,
                        "meeting_id": rng.choice(meeting_of[cid])
                        if meeting_of[cid] and rng.random() < 0.7
                        else None,
                        "description": _sentence(rng, 6)[:500],
                        "owner_id": rng.choice(owners),
                        "due_on": due,
                        "status": status,
                        "completed_at": now - dt.timedelta(days=rng.randint(1, 300))
                        if status == "done"
                        else None,
                        "created_by_id": lead_of[cid],
                        "created_at": now,
                        "updated_at": now,
                        "version": 1,
                    }
                )
                aid += 1
        items.flush()
        log(f"action items: {items.total}")

        # Partners, proposals, contributions, comments.
        partners = [
            Partner.objects.get_or_create(name=f"Bench partner {i}", defaults={"market": m})[0]
            for i, m in enumerate(["Nordics", "DACH", "Benelux", "Iberia", "UK"], 1)
        ]
        proposals = Copier(Proposal)
        p_problems = Copier(Proposal.problems.through)
        contributions = Copier(Contribution)
        comments = Copier(Comment)
        ppid = next_id(Proposal)
        coid = next_id(Contribution)
        cmid = next_id(Comment)
        proposal_counts = _spread(scale.proposals, scale.customers, hot, 300, rng)
        contributions_left = scale.contributions
        comments_left = scale.comments
        per_proposal_contrib = max(scale.contributions // max(scale.proposals, 1), 1)
        per_proposal_comments = max(scale.comments // max(scale.proposals, 1), 1)
        for cid, count in zip(customer_ids, proposal_counts, strict=True):
            for _ in range(count):
                status = rng.choice(
                    ["draft", "in_review", "presented", "accepted", "rejected", "withdrawn"]
                )
                changed = now - dt.timedelta(days=rng.randint(0, 400))
                proposals.add(
                    {
                        "id": ppid,
                        "customer_id": cid,
                        "title": f"Proposal: {_sentence(rng, 4)}"[:200],
                        "summary": _sentence(rng, 60),
                        "owner_id": lead_of[cid],
                        "value": rng.randint(10, 900) * 1000,
                        "currency": "EUR",
                        "status": status,
                        "status_changed_at": changed,
                        "created_by_id": lead_of[cid],
                        "created_at": changed,
                        "updated_at": changed,
                        "version": 1,
                    }
                )
                if problem_of[cid]:
                    for problem in rng.sample(problem_of[cid], k=min(2, len(problem_of[cid]))):
                        p_problems.add({"proposal_id": ppid, "problem_id": problem})
                for k in range(min(per_proposal_contrib, contributions_left)):
                    by_partner = k == 2
                    c_status = rng.choice(["requested", "in_progress", "done", "done", "declined"])
                    contributions.add(
                        {
                            "id": coid,
                            "proposal_id": ppid,
                            "specialist_id": None if by_partner else rng.choice(specs_of[cid]),
                            "partner_id": rng.choice(partners).pk if by_partner else None,
                            "request": "Estimate effort and cost",
                            "description": _sentence(rng, 20),
                            "effort_days": rng.randint(1, 40),
                            "cost_estimate": rng.randint(1, 90) * 1000,
                            "status": c_status,
                            "decline_reason": "No capacity" if c_status == "declined" else "",
                            "requested_by_id": lead_of[cid],
                            "requested_at": changed,
                            "answered_at": None
                            if c_status == "requested"
                            else changed + dt.timedelta(days=2),
                            "updated_at": changed,
                            "version": 1,
                        }
                    )
                    coid += 1
                    contributions_left -= 1
                for _k in range(min(per_proposal_comments, comments_left)):
                    author = rng.choice([lead_of[cid], *specs_of[cid]])
                    comments.add(
                        {
                            "id": cmid,
                            "customer_id": cid,
                            "proposal_id": ppid,
                            "author_id": author,
                            "body": _sentence(rng, 18),
                            "created_at": changed,
                            "updated_at": changed,
                            "version": 1,
                        }
                    )
                    cmid += 1
                    comments_left -= 1
                ppid += 1
        for copier in (proposals, p_problems, contributions, comments):
            copier.flush()
        log(
            f"proposals: {proposals.total}, contributions: {contributions.total}, "
            f"comments: {comments.total}"
        )
        strategy_counts = load_strategy(customer_ids, set(customer_ids[:hot]), rng, now, log)

        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE customers_customer c SET last_meeting_at = m.last FROM "
                "(SELECT customer_id, MAX(occurred_at) AS last FROM dialogue_meeting "
                "GROUP BY customer_id) m WHERE m.customer_id = c.id"
            )
        for model in (
            Customer,
            AccountMembership,
            Stakeholder,
            Goal,
            Process,
            ProcessStep,
            Problem,
            Meeting,
            ActionItem,
            Proposal,
            Contribution,
            Comment,
        ):
            reset_sequence(model)
        loaded.counts = {
            "customers": scale.customers,
            "stakeholders": stakeholders.total,
            "goals": goals.total,
            "problems": problems.total,
            "meetings": meetings.total,
            "meeting_attendees": m_sh.total,
            "action_items": items.total,
            "proposals": proposals.total,
            "contributions": contributions.total,
            "comments": comments.total,
            **strategy_counts,
        }
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return loaded


@contextlib.contextmanager
def _eager_quiet_jobs() -> Iterator[None]:
    """Run the jobs a build triggers in this process, without their logs and emails.

    The health refresh that follows each build runs here, not through a queue that may have no
    worker during the load; thousands of eager tasks would flood the console with log lines and
    red-band emails.
    """

    celery_logger = logging.getLogger("celery")
    previous = (celery_app.conf.task_always_eager, celery_logger.level)
    celery_app.conf.task_always_eager = True
    celery_logger.setLevel(logging.WARNING)
    try:
        with override_settings(
            MAILERS={"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
        ):
            yield
    finally:
        celery_app.conf.task_always_eager = previous[0]
        celery_logger.setLevel(previous[1])


def _build_summaries(customer_ids: list[int], now: dt.datetime) -> int:

    with _eager_quiet_jobs():
        _fast_commits()
        built = 0
        for cid in customer_ids:
            built += rebuild_summary(cid, now=now).outcome == "created"
            # The dashboard's plan and value columns, as the change feed stores them.
            store_scorecard(cid, now=now)
            # Today's score and the dashboard's health row, as the daily job writes them
            # (an account that enters red gets its follow-up item, as it would live).
            refresh_customer_health(cid, now=now)
        return built


def _settle() -> None:
    """Statistics and the visibility map as autovacuum leaves a live database after a while,
    so index-only scans read no heap pages (a fresh COPY has every page unmarked)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def score_unscored(log: Callable[[str], None] = print) -> int:
    """Give the bench accounts that have no dashboard health row their score, as the daily job
    would: datasets loaded before seed_bench scored them had none, so the dashboards' band
    counts and "needs attention" list read empty."""
    now = timezone.now()
    _fast_commits()
    unscored = list(
        Customer.objects.filter(name__startswith="Bench ", health__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    scored = _in_workers(_scores, unscored, now)
    log(f"health rows: {scored} accounts scored")
    _settle()
    return len(unscored)


def _scores(customer_ids: list[int], now: dt.datetime) -> int:
    with _eager_quiet_jobs():
        _fast_commits()
        for cid in customer_ids:
            refresh_customer_health(cid, now=now)
    return len(customer_ids)


def _in_child(
    job: Callable[[list[int], dt.datetime], int], ids: list[int], now: dt.datetime
) -> int:
    done = job(ids, now)
    connections.close_all()
    return done


def _in_workers(
    job: Callable[[list[int], dt.datetime], int], customer_ids: list[int], now: dt.datetime
) -> int:
    """Run `job` over the accounts in one process per core, as the worker pool would; a few
    accounts (the test suite's smoke run) here, without forking."""
    if len(customer_ids) < PARALLEL_BUILDS_FROM:
        return job(customer_ids, now)
    connections.close_all()
    workers = max(os.cpu_count() or 1, 1)
    chunks = [customer_ids[i::workers] for i in range(workers)]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        return sum(pool.map(_in_child, [job] * workers, chunks, [now] * workers))


def derive(
    *, seed: int = 42, days: int = 365, log: Callable[[str], None] = print
) -> dict[str, int]:
    """Add what Accord computes: a year of daily health snapshots and every current summary.

    Past snapshots are a seeded random walk (recomputing a year of history from scratch would
    measure nothing); today's snapshot, the dashboard rows and the summaries come from the real
    services, exactly as the jobs produce them.
    """

    rng = random.Random(seed + 1)
    now = timezone.now()
    _fast_commits()
    today = timezone.localdate(now)
    customer_ids = list(
        Customer.objects.filter(name__startswith="Bench ")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    snapshots = Copier(HealthSnapshot)
    start = next_id(HealthSnapshot)
    for cid in customer_ids:
        score = rng.randint(20, 95)
        for days_ago in range(days, 0, -1):
            score = min(max(score + rng.randint(-4, 4), 0), 100)
            band = "green" if score >= 70 else "amber" if score >= 40 else "red"
            moment = now - dt.timedelta(days=days_ago)
            snapshots.add(
                {
                    "id": start + snapshots.total + snapshots.pending,
                    "customer_id": cid,
                    "taken_on": today - dt.timedelta(days=days_ago),
                    "score": score,
                    "band": band,
                    "components": [],
                    "computed_at": moment,
                }
            )
    snapshots.flush()
    reset_sequence(HealthSnapshot)
    log(f"health snapshots: {snapshots.total}")
    built = _in_workers(_build_summaries, customer_ids, now)
    log(f"summaries: {built}")
    # The memberships were copied, not made by the services: tally what each viewer sees.
    log(f"account tallies: {rebuild_tallies()} viewers")
    _settle()
    return {"health_snapshots": snapshots.total, "summaries": built}
