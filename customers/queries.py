"""Reads of customers used by several views and the API."""

import unicodedata
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import Case, Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Lower

from accounts.models import AccountMembership, User
from accounts.visibility import annotate_access
from customers.models import (
    Customer,
    Goal,
    Option,
    Problem,
    Process,
    ProcessStep,
    Stakeholder,
    StrategicMove,
)


def customers_for_user(user: User) -> QuerySet[Customer]:
    """The customers `user` may see, with their lead and the user's own role annotated."""
    return annotate_access(Customer.objects.visible_to(user).select_related("lead"), user)


def live_stakeholders(customer: Customer) -> QuerySet[Stakeholder]:
    """The customer's stakeholders that have not been removed."""
    return Stakeholder.objects.filter(customer=customer, deleted_at__isnull=True)


def open_problems_prefetch() -> Prefetch:
    return Prefetch(
        "blocking_problems",
        queryset=Problem.objects.filter(status__in=Problem.OPEN_STATUSES).order_by(
            SEVERITY_ORDER, "title"
        ),
        to_attr="open_blocking_problems",
    )


# Most severe first, in SQL, so lists are ordered without touching rows in Python.
SEVERITY_ORDER = Case(
    When(severity=Problem.Severity.CRITICAL, then=Value(0)),
    When(severity=Problem.Severity.HIGH, then=Value(1)),
    When(severity=Problem.Severity.MEDIUM, then=Value(2)),
    default=Value(3),
)


def _count(queryset: QuerySet) -> Subquery:
    # One subquery per kind: joining them all would multiply the rows.
    counted = queryset.filter(customer=OuterRef("pk")).order_by().values("customer")
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")), 0)


@dataclass
class Overview:
    members: list[AccountMembership]
    top_goals: list[Goal]
    severe_problems: list[Problem]
    key_stakeholders: list[Stakeholder]
    recent_moves: list[StrategicMove]
    counts: dict[str, int]


def workspace_overview(customer: Customer) -> Overview:
    """The customer's picture on one screen, in a fixed number of queries."""
    members = list(customer.memberships.select_related("user").order_by("role", "user__username"))
    top_goals = list(
        Goal.objects.filter(customer=customer, status=Goal.Status.ACTIVE)
        .prefetch_related(open_problems_prefetch())
        .order_by("priority", "target_on", "title")[:5]
    )
    severe = list(
        Problem.objects.filter(
            customer=customer, severity__in=Problem.SEVERE, status__in=Problem.OPEN_STATUSES
        )
        .select_related("process_step__process", "raised_by")
        .order_by(SEVERITY_ORDER, "-updated_at")[:8]
    )
    key_people = list(
        live_stakeholders(customer)
        .filter(Q(buying_role__in=KEY_ROLES) | Q(influence__gte=4))
        .select_related("owner")
        .order_by("-influence", "name")[:8]
    )
    moves = list(StrategicMove.objects.filter(customer=customer).order_by("-created_at")[:5])
    counts = (
        Customer.objects.filter(pk=customer.pk)
        .annotate(
            n_goals=_count(Goal.objects.all()),
            n_problems=_count(Problem.objects.all()),
            n_stakeholders=_count(Stakeholder.objects.filter(deleted_at__isnull=True)),
            n_processes=_count(Process.objects.all()),
        )
        .values("n_goals", "n_problems", "n_stakeholders", "n_processes")
        .get()
    )
    return Overview(members, top_goals, severe, key_people, moves, counts)


KEY_ROLES = (Stakeholder.BuyingRole.DECISION_MAKER, Stakeholder.BuyingRole.CHAMPION)


@dataclass
class GoalsTree:
    goals: list[Goal]
    problems: list[Problem]
    unlinked: list[Problem]
    severe: list[Problem]


def goals_tree(customer: Customer) -> GoalsTree:
    """Goals with all the problems blocking them, problems blocking none, and severe open ones.

    Severe open problems carry `open_proposals` and `is_unaddressed` (no open proposal).
    """
    # Proposals (the solutions app, a layer above) point at the problems they solve; the
    # reverse relation reads them here without importing that app.
    proposal_model = Problem._meta.get_field("proposals").related_model
    proposals = Prefetch(
        "proposals",
        queryset=proposal_model._default_manager.filter(deleted_at__isnull=True).order_by("title"),
    )
    problem_qs = (
        Problem.objects.filter(customer=customer)
        .select_related("process_step__process", "raised_by")
        .prefetch_related(proposals)
        .order_by(SEVERITY_ORDER, "title")
    )
    goals = list(
        Goal.objects.filter(customer=customer)
        .prefetch_related(Prefetch("blocking_problems", queryset=problem_qs, to_attr="problems"))
        .order_by("priority", "title")
    )
    problems = list(
        problem_qs.annotate(
            goal_count=Count("blocks_goals", filter=Q(blocks_goals__deleted_at__isnull=True))
        )
    )
    unlinked = [p for p in problems if p.goal_count == 0]
    severe = [p for p in problems if p.is_severe_and_open]
    for goal in goals:
        linked = {p.pk for p in goal.problems}  # type: ignore[attr-defined]
        goal.linkable = [p for p in problems if p.pk not in linked]  # type: ignore[attr-defined]
    for problem in severe:
        problem.open_proposals = [  # type: ignore[attr-defined]
            p for p in problem.proposals.all() if p.is_open
        ]
        problem.is_unaddressed = not problem.open_proposals  # type: ignore[attr-defined]
    return GoalsTree(goals, problems, unlinked, severe)


def processes_with_steps(customer: Customer) -> list[Process]:
    """The customer's processes, steps in order, each step's pain points most severe first."""
    pain = Prefetch("pain_points", queryset=Problem.objects.order_by(SEVERITY_ORDER, "title"))
    steps = Prefetch(
        "steps",
        queryset=ProcessStep.objects.order_by("position").prefetch_related(pain),
    )
    return list(Process.objects.filter(customer=customer).prefetch_related(steps))


@dataclass
class OrgNode:
    person: Stakeholder
    reports: list["OrgNode"]


@dataclass
class StakeholderMap:
    people: list[Stakeholder]
    org_chart: list[OrgNode]
    influence_lines: list[tuple[Stakeholder, Stakeholder]]
    gaps: list[str]


def stakeholder_map(customer: Customer) -> StakeholderMap:
    """The buying centre: people, org chart, influence lines, and what is missing."""
    people = list(
        live_stakeholders(customer)
        .select_related("owner", "reports_to")
        .prefetch_related(
            Prefetch("influences", queryset=Stakeholder.objects.filter(deleted_at__isnull=True))
        )
        .order_by("name")
    )
    by_id = {p.pk: p for p in people}
    nodes = {p.pk: OrgNode(p, []) for p in people}
    roots = []
    for person in people:
        parent = nodes.get(person.reports_to_id) if person.reports_to_id else None
        (parent.reports if parent else roots).append(nodes[person.pk])
    # Loops cannot be saved, but a chart must never lose anyone: attach the unreached as roots.
    reached: set[int] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        reached.add(node.person.pk)
        stack.extend(node.reports)
    roots.extend(nodes[pk] for pk in by_id if pk not in reached)
    lines = [(p, other) for p in people for other in p.influences.all() if other.pk in by_id]
    roles = {p.buying_role for p in people}
    gaps = []
    if Stakeholder.BuyingRole.DECISION_MAKER not in roles:
        gaps.append("No decision maker identified.")
    if Stakeholder.BuyingRole.CHAMPION not in roles:
        gaps.append("No champion identified.")
    gaps.extend(
        f"{p.name} is a key stakeholder and nobody on our side owns the relationship."
        for p in people
        if p.is_key and p.owner_id is None
    )
    return StakeholderMap(people, roots, lines, gaps)


def strategy(customer: Customer) -> tuple[list[StrategicMove], list[Option]]:
    """Strategic moves, most recent first, and the customer's options with the goals they serve."""
    moves = list(StrategicMove.objects.filter(customer=customer).order_by("-created_at"))
    options = list(
        Option.objects.filter(customer=customer)
        .prefetch_related(Prefetch("serves_goals", queryset=Goal.objects.order_by("title")))
        .order_by("kind", "title")
    )
    return moves, options


def stakeholder_cycle(stakeholder_id: int | None, reports_to: Stakeholder | None) -> bool:
    """Whether making `stakeholder_id` report to `reports_to` would close a reporting loop."""
    if reports_to is None or stakeholder_id is None:
        return False
    parents = dict(
        Stakeholder.objects.filter(customer_id=reports_to.customer_id).values_list(
            "pk", "reports_to_id"
        )
    )
    seen: set[int] = set()
    current: int | None = reports_to.pk
    while current is not None and current not in seen:
        if current == stakeholder_id:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


# Trigram similarity (pg_trgm, customers 0006) from which an open problem counts as "the same".
SIMILAR_PROBLEM = 0.45


def _normalized(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c if c.isalnum() else " " for c in folded if not unicodedata.combining(c))
    return " ".join(letters.split())


def similar_open_problems(customer_id: int, title: str, *, limit: int = 3) -> list[Problem]:
    """Open problems of the account whose title is close to `title`, closest first: trigram
    similarity on PostgreSQL (pg_trgm), the same measure on the normalized titles elsewhere
    (SQLite)."""
    wanted = _normalized(title)
    if not wanted:
        return []
    candidates = Problem.objects.filter(
        customer_id=customer_id, status__in=Problem.OPEN_STATUSES
    ).order_by("pk")
    if connection.vendor == "postgresql":
        return list(
            candidates.annotate(similarity=TrigramSimilarity(Lower("title"), wanted))
            .filter(similarity__gte=SIMILAR_PROBLEM)
            .order_by("-similarity", "pk")[:limit]
        )
    # pg_trgm's measure, computed here: shared three-letter pieces of the padded words.
    mine = _trigrams(wanted)
    scored = []
    for problem in candidates.only("pk", "title", "severity", "status")[:500]:
        theirs = _trigrams(_normalized(problem.title))
        similarity = len(mine & theirs) / len(mine | theirs) if theirs else 0
        if similarity >= SIMILAR_PROBLEM:
            scored.append((-similarity, problem.pk, problem))
    return [problem for *_, problem in sorted(scored)[:limit]]


def _trigrams(text: str) -> set[str]:
    found = set()
    for word in text.split():
        padded = f"  {word} "
        found.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return found
