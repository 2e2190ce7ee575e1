"""The explainable health score: weighted components, each with its points and reasons.

`compute_health` is a plain function of the stored data and a clock, so tests pin the clock.
It runs seven aggregate queries per customer, whatever the account's size, and the plan
scorecard's (two when no playbook applies).
"""

import datetime as dt
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from customers.models import Customer, Goal, Problem, Stakeholder
from dialogue.models import ActionItem, Meeting, PlannedMeeting
from health.words import COMPONENT_NAMES, Reason, reason
from solutions.models import Proposal
from strategy.scorecards import Criterion, build_scorecard

RECENT_DAYS = 90
# Dialogue recency: full points up to this many days since the last meeting, none from ZERO.
RECENCY_FULL_DAYS = 14
RECENCY_ZERO_DAYS = 90
DECISION_MAKER_FULL_DAYS = 30
CHAMPION_FULL_DAYS = 45
# A planned meeting that passed without an outcome is the owner's to log for this many days
# (flagged on their home page); after that it counts against the account's recency.
UNLOGGED_GRACE_DAYS = 14
KEY_PERSON_ZERO_DAYS = 120
# Proposals still alive: an accepted one is being delivered and counts as solving the problem.
ACTIVE_PROPOSAL_STATUSES = (
    Proposal.Status.DRAFT,
    Proposal.Status.IN_REVIEW,
    Proposal.Status.PRESENTED,
    Proposal.Status.ACCEPTED,
)


@dataclass(frozen=True)
class Component:
    key: str
    name: str
    weight: int
    points: float
    max_points: int
    # Stored without words (health.words.reason), worded for each reader.
    reasons: list[Reason]


@dataclass(frozen=True)
class HealthFacts:
    """Counts the dashboard shows beside the score, gathered by the same queries."""

    last_meeting_at: dt.datetime | None = None
    open_severe_problems: int = 0
    overdue_action_items: int = 0
    proposals_in_flight: int = 0


@dataclass(frozen=True)
class HealthResult:
    score: int
    band: str
    components: list[Component]
    facts: HealthFacts = field(default_factory=HealthFacts)

    def components_json(self) -> list[dict]:
        return [asdict(component) for component in self.components]


def band_for(score: int) -> str:
    """Green at HEALTH_GREEN_AT and above, amber from HEALTH_AMBER_AT, red below."""
    if score >= settings.HEALTH_GREEN_AT:
        return Customer.HealthBand.GREEN
    if score >= settings.HEALTH_AMBER_AT:
        return Customer.HealthBand.AMBER
    return Customer.HealthBand.RED


def compute_health(customer: Customer | int, *, now: dt.datetime) -> HealthResult:
    """Score a customer's account as of `now` from its stored records."""
    customer_id = customer if isinstance(customer, int) else customer.pk
    today = timezone.localdate(now)
    weights: dict[str, int] = settings.HEALTH_WEIGHTS
    meetings = _meeting_facts(customer_id, now)
    people = _stakeholder_facts(customer_id, now)
    goals = _goal_facts(customer_id)
    problems = _problem_facts(customer_id)
    proposals = _proposal_facts(customer_id, now)
    actions = _action_item_facts(customer_id, today)

    scorers = {
        "recency": lambda: _recency(meetings, now, unlogged=_unlogged_plans(customer_id, now)),
        "engagement": lambda: _engagement(people, now),
        "understanding": lambda: _understanding(goals, problems),
        "solution": lambda: _solution(problems, proposals),
        "execution": lambda: _execution(actions, today),
        "balance": lambda: _balance(meetings),
    }
    components = []
    for key, score_component in scorers.items():
        weight = int(weights.get(key, 0))
        share, reasons = score_component()
        components.append(
            Component(
                key=key,
                name=str(COMPONENT_NAMES[key]),
                weight=weight,
                points=round(weight * share, 1),
                max_points=weight,
                reasons=reasons,
            )
        )
    plan = _plan_quality(customer, int(weights.get("plan", 0)), now)
    if plan is not None:
        components.append(plan)
    total_weight = sum(component.max_points for component in components)
    earned = sum(component.points for component in components)
    score = round(100 * earned / total_weight) if total_weight else 0
    score = max(0, min(100, score))
    facts = HealthFacts(
        last_meeting_at=meetings["last"],
        open_severe_problems=problems["critical"] + problems["high"],
        overdue_action_items=actions["overdue"],
        proposals_in_flight=proposals["in_flight"],
    )
    return HealthResult(score=score, band=band_for(score), components=components, facts=facts)


def _plan_quality(customer: Customer | int, weight: int, now: dt.datetime) -> Component | None:
    """The plan scorecard against the account's playbook; no component when none applies."""
    if not weight:
        return None
    if isinstance(customer, int):
        customer = Customer.objects.get(pk=customer)
    card = build_scorecard(customer, now=now)
    if card is None:
        return None
    missed = [c for c in card.criteria if not c.met]
    reasons = [
        reason("plan_playbook", name=card.playbook.name, met=card.met, total=len(card.criteria))
    ]
    # The scorecard words its criteria when read; they are kept here in every language.
    reasons += [
        reason("plan_criterion", criterion=c.key, texts=_in_every_language(c)) for c in missed
    ]
    return Component(
        key="plan",
        name=str(COMPONENT_NAMES["plan"]),
        weight=weight,
        points=round(weight * card.percent / 100, 1),
        max_points=weight,
        reasons=reasons,
    )


def _in_every_language(criterion: Criterion) -> dict[str, str]:
    texts = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            try:
                texts[language] = f"{criterion.label}: {criterion.reason}"
            except (KeyError, TypeError, ValueError):
                continue  # a broken translation: that language's readers get English
    return texts


# Gathering: one aggregate query each.


def _meeting_facts(customer_id: int, now: dt.datetime) -> dict:
    recent = Q(occurred_at__gte=now - dt.timedelta(days=RECENT_DAYS))
    records_customer_topics = Q(
        Exists(
            Meeting.goals.through.objects.filter(
                meeting_id=OuterRef("pk"), goal__deleted_at__isnull=True
            )
        )
    ) | Q(
        Exists(
            Meeting.problems.through.objects.filter(
                meeting_id=OuterRef("pk"), problem__deleted_at__isnull=True
            )
        )
    )
    return Meeting.objects.filter(
        customer_id=customer_id, deleted_at__isnull=True, occurred_at__lte=now
    ).aggregate(
        last=Max("occurred_at"),
        recent=Count("pk", filter=recent),
        recent_with_topics=Count("pk", filter=recent & records_customer_topics),
    )


def _unlogged_plans(customer_id: int, now: dt.datetime) -> int:
    return PlannedMeeting.objects.filter(
        customer_id=customer_id,
        deleted_at__isnull=True,
        status=PlannedMeeting.Status.PLANNED,
        starts_at__lt=now - dt.timedelta(days=UNLOGGED_GRACE_DAYS),
        starts_at__gte=now - dt.timedelta(days=RECENT_DAYS),
    ).count()


def _stakeholder_facts(customer_id: int, now: dt.datetime) -> dict:
    decision_maker = Q(buying_role=Stakeholder.BuyingRole.DECISION_MAKER)
    champion = Q(buying_role=Stakeholder.BuyingRole.CHAMPION)
    met = Q(meetings__deleted_at__isnull=True, meetings__occurred_at__lte=now)
    return Stakeholder.objects.filter(customer_id=customer_id, deleted_at__isnull=True).aggregate(
        total=Count("pk", distinct=True),
        decision_makers=Count("pk", distinct=True, filter=decision_maker),
        champions=Count("pk", distinct=True, filter=champion),
        decision_maker_last=Max("meetings__occurred_at", filter=decision_maker & met),
        champion_last=Max("meetings__occurred_at", filter=champion & met),
    )


def _goal_facts(customer_id: int) -> dict:
    has_problem = Exists(
        Problem.blocks_goals.through.objects.filter(
            goal_id=OuterRef("pk"), problem__deleted_at__isnull=True
        )
    )
    # A goal the customer confirmed (in the shared space, or said themselves) is understood
    # even before a problem is linked to it.
    return Goal.objects.filter(customer_id=customer_id, status=Goal.Status.ACTIVE).aggregate(
        total=Count("pk"),
        linked=Count("pk", filter=Q(has_problem)),
        confirmed_count=Count("pk", filter=Q(confirmed=True)),
        understood=Count("pk", filter=Q(has_problem) | Q(confirmed=True)),
    )


def _problem_facts(customer_id: int) -> dict:
    has_proposal = Q(
        Exists(
            Proposal.problems.through.objects.filter(
                problem_id=OuterRef("pk"),
                proposal__deleted_at__isnull=True,
                proposal__status__in=ACTIVE_PROPOSAL_STATUSES,
            )
        )
    )
    is_open = Q(status__in=Problem.OPEN_STATUSES)
    critical = is_open & Q(severity=Problem.Severity.CRITICAL)
    high = is_open & Q(severity=Problem.Severity.HIGH)
    # An open problem the customer confirmed (in the shared space, or said themselves) counts
    # towards problem understanding; one provenance line explains it.
    confirmed = is_open & Q(confirmed=True)
    return Problem.objects.filter(customer_id=customer_id).aggregate(
        critical=Count("pk", filter=critical),
        critical_covered=Count("pk", filter=critical & has_proposal),
        high=Count("pk", filter=high),
        high_covered=Count("pk", filter=high & has_proposal),
        confirmed_count=Count("pk", filter=confirmed),
        confirmed_source=Max("source", filter=confirmed & ~Q(source="")),
    )


def _proposal_facts(customer_id: int, now: dt.datetime) -> dict:
    stuck_before = now - dt.timedelta(days=settings.HEALTH_REVIEW_STUCK_DAYS)
    in_review = Q(status=Proposal.Status.IN_REVIEW)
    return (
        Proposal.objects.filter(customer_id=customer_id, deleted_at__isnull=True)
        .annotate(in_status_since=Coalesce("status_changed_at", "created_at"))
        .aggregate(
            in_flight=Count("pk", filter=Q(status__in=Proposal.OPEN_STATUSES)),
            stuck=Count("pk", filter=in_review & Q(in_status_since__lt=stuck_before)),
            oldest_review=Min("in_status_since", filter=in_review),
        )
    )


def _action_item_facts(customer_id: int, today: dt.date) -> dict:
    overdue = Q(due_on__lt=today)
    return ActionItem.objects.filter(
        customer_id=customer_id, status=ActionItem.Status.OPEN
    ).aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=overdue),
        oldest_due=Min("due_on", filter=overdue),
    )


# Scoring: each returns the share of the component's points earned (0-1) and its reasons.


def _recency(meetings: dict, now: dt.datetime, *, unlogged: int = 0) -> tuple[float, list[Reason]]:
    # A plan nobody logged says the dialogue may be thinner than the log shows.
    unlogged_reasons = [reason("unlogged_plans", count=unlogged)] if unlogged else []
    if meetings["last"] is None:
        return 0.0, [reason("no_meetings"), *unlogged_reasons]
    days = (now - meetings["last"]).days
    share = _linear(days, RECENCY_FULL_DAYS, RECENCY_ZERO_DAYS)
    if days <= RECENCY_FULL_DAYS:
        return share, [reason("last_meeting", days=days), *unlogged_reasons]
    return share, [reason("no_meeting_in", days=days), *unlogged_reasons]


def _engagement(people: dict, now: dt.datetime) -> tuple[float, list[Reason]]:
    if not people["total"]:
        return 0.0, [reason("no_stakeholders")]
    dm_share, dm_reason = _key_person(
        Stakeholder.BuyingRole.DECISION_MAKER.value,
        people["decision_makers"],
        people["decision_maker_last"],
        now,
        DECISION_MAKER_FULL_DAYS,
    )
    champion_share, champion_reason = _key_person(
        Stakeholder.BuyingRole.CHAMPION.value,
        people["champions"],
        people["champion_last"],
        now,
        CHAMPION_FULL_DAYS,
    )
    return (dm_share + champion_share) / 2, [dm_reason, champion_reason]


def _key_person(
    role: str, count: int, last_met: dt.datetime | None, now: dt.datetime, full_days: int
) -> tuple[float, Reason]:
    if not count:
        return 0.0, reason("no_key_person", role=role)
    if last_met is None:
        return 0.0, reason("key_person_not_met", role=role)
    days = (now - last_met).days
    share = _linear(days, full_days, KEY_PERSON_ZERO_DAYS)
    if days <= full_days:
        return share, reason("key_person_met", role=role, days=days)
    return share, reason("key_person_not_met_in", role=role, days=days)


def _understanding(goals: dict, problems: dict) -> tuple[float, list[Reason]]:
    """Understood active goals (a linked problem, or confirmed by the customer), where each
    open problem the customer confirmed counts as one more understood item."""
    total, linked = goals["total"], goals["linked"]
    confirmed, understood = goals.get("confirmed_count", 0), goals.get("understood", linked)
    if not total:
        return 0.0, [reason("no_active_goals")]
    if linked == total:
        reasons = [reason("goals_all_linked", total=total)]
    else:
        reasons = [reason("goals_unlinked", unlinked=total - linked, total=total)]
    if confirmed:
        reasons.append(reason("goals_confirmed", confirmed=confirmed, total=total))
    confirmed_problems = problems.get("confirmed_count", 0)
    if confirmed_problems:
        source = problems.get("confirmed_source") or ""
        reasons.append(reason("problems_confirmed", count=confirmed_problems, source=source))
    return (understood + confirmed_problems) / (total + confirmed_problems), reasons


def _solution(problems: dict, proposals: dict) -> tuple[float, list[Reason]]:
    reasons = []
    severe = problems["critical"] + problems["high"]
    covered = problems["critical_covered"] + problems["high_covered"]
    if not severe:
        coverage = 1.0
        reasons.append(reason("no_severe_problems"))
    else:
        coverage = covered / severe
        for severity in ("critical", "high"):
            uncovered = problems[severity] - problems[f"{severity}_covered"]
            if uncovered:
                reasons.append(
                    reason(
                        "severe_uncovered",
                        severity=severity,
                        uncovered=uncovered,
                        total=problems[severity],
                    )
                )
        if covered == severe:
            reasons.append(reason("severe_all_covered", total=severe))
    stuck = proposals["stuck"]
    if stuck:
        reasons.append(
            reason("proposals_stuck", count=stuck, days=settings.HEALTH_REVIEW_STUCK_DAYS)
        )
    return 0.75 * coverage + (0.0 if stuck else 0.25), reasons


def _execution(actions: dict, today: dt.date) -> tuple[float, list[Reason]]:
    open_items, overdue = actions["open"], actions["overdue"]
    if not open_items:
        return 1.0, [reason("no_open_actions")]
    if not overdue:
        return 1.0, [reason("none_overdue", open=open_items)]
    days = (today - actions["oldest_due"]).days
    return 1 - overdue / open_items, [
        reason("overdue", overdue=overdue, open=open_items, days=days)
    ]


def _balance(meetings: dict) -> tuple[float, list[Reason]]:
    recent, with_topics = meetings["recent"], meetings["recent_with_topics"]
    if not recent:
        return 0.0, [reason("no_recent_meetings", days=RECENT_DAYS)]
    return with_topics / recent, [
        reason("balance", with_topics=with_topics, recent=recent, days=RECENT_DAYS)
    ]


def _linear(days: int, full_until: int, zero_from: int) -> float:
    if days <= full_until:
        return 1.0
    if days >= zero_from:
        return 0.0
    return (zero_from - days) / (zero_from - full_until)
