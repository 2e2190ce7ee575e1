"""Reads of the health app: the dashboard's rows, filters and team charts, and account history.

Every function here runs one or two queries, whatever the number of accounts, and reads only
stored values (scores, snapshots and the precomputed AccountHealth rows).
"""

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Avg, Count, F, OrderBy, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Round

from accounts.models import User
from customers.models import AccountTally, Customer
from customers.tallies import VALUE_KINDS, shares, viewer_id, visible_in_order
from health import words
from health.models import AccountHealth, HealthSnapshot, ScoreAnnotation
from strategy.models import StoredScorecard

HISTORY_DAYS = 90
TEAM_CHART_STEP_DAYS = 7
NEEDS_ATTENTION_LIMIT = 5
# An amber account whose score fell this many points in 30 days needs attention like a red one.
ATTENTION_DROP = 10
TEAM_HISTORY_CACHE_SECONDS = 10 * 60

# Sort key -> the columns it orders by; None-able columns put unscored accounts last.
SORT_COLUMNS = {
    "name": ("name",),
    "lead": ("lead__last_name", "lead__first_name", "lead__username"),
    "score": ("health_score",),
    "trend": ("health__trend_30d",),
    "last_meeting": ("last_meeting_at",),
    "severe": ("health__open_severe_problems",),
    "overdue": ("health__overdue_action_items",),
    "in_flight": ("health__proposals_in_flight",),
    "areas": ("health__areas_involved",),
    "plan": ("scorecard__percent",),
    "open_value": ("scorecard__open_value",),
    "weighted_value": ("scorecard__weighted_value",),
    "installed_value": ("scorecard__installed_value",),
}


@dataclass(frozen=True)
class DashboardRow:
    customer: Customer
    health: AccountHealth | None
    # The stored plan scorecard and value at stake; None before the change feed stored one.
    scorecard: StoredScorecard | None = None


@dataclass(frozen=True)
class DashboardScope:
    """The accounts a user's dashboard covers, with their counts per band and the filters'
    choices, read from the user's account tallies (customers/tallies.py): a few rows per lead,
    whatever the number of accounts. Rows are read through the visibility rule, row by row, in
    the page's order, so a page reads about as many accounts as it shows.
    """

    user: User
    lead_choices: list[tuple[int, str]]
    industry_choices: list[str]
    band_counts: dict[str, int]
    # Band -> the open, weighted and installed value of its accounts.
    band_values: dict[str, dict[str, Decimal]]
    # (lead id, industry, band) -> accounts: filtered pages' counts without a COUNT.
    groups: dict[tuple[int, str, str], int]
    # Accounts in all: with the user's share, how their pages test visibility.
    total: int = 0

    def customers(self) -> QuerySet[Customer]:
        return self.scoped(Customer.objects.all())

    def scoped(self, queryset: QuerySet) -> QuerySet:
        """`queryset`'s rows of the scope's accounts (its primary key is the customer's), for
        a read in an indexed order."""
        return visible_in_order(
            self.user, visible=sum(self.groups.values()), total=self.total, queryset=queryset
        )

    def count(self, *, lead_id: int | None = None, band: str = "", industry: str = "") -> int:
        """The accounts matching these filters, from the tallies."""
        return sum(
            n
            for (lead, group_industry, group_band), n in self.groups.items()
            if (lead_id is None or lead == lead_id)
            and (not band or group_band == band)
            and (not industry or group_industry == industry)
        )


def dashboard_scope(user: User) -> DashboardScope:
    """The user's visible accounts' filter choices and counts per band (two queries)."""
    _visible, total = shares(user)
    rows = (
        AccountTally.objects.filter(viewer_id=viewer_id(user))
        .annotate(
            first_name=F("lead__first_name"),
            last_name=F("lead__last_name"),
            username=F("lead__username"),
        )
        .values(
            "lead_id",
            "industry",
            "band",
            "accounts",
            "first_name",
            "last_name",
            "username",
            *VALUE_KINDS,
        )
    )
    leads: dict[int, tuple[str, str, str]] = {}
    industries: set[str] = set()
    counts = dict.fromkeys((*Customer.HealthBand.values, ""), 0)
    values = {band: dict.fromkeys(VALUE_KINDS, Decimal(0)) for band in counts}
    groups: dict[tuple[int, str, str], int] = {}
    for row in rows:
        first, last = row["first_name"] or "", row["last_name"] or ""
        name = f"{first} {last}".strip() or row["username"] or ""
        leads[row["lead_id"]] = (last.lower(), first.lower(), name)
        if row["industry"]:
            industries.add(row["industry"])
        counts[row["band"]] = counts.get(row["band"], 0) + row["accounts"]
        groups[(row["lead_id"], row["industry"], row["band"])] = row["accounts"]
        for kind in VALUE_KINDS:
            values.setdefault(row["band"], dict.fromkeys(VALUE_KINDS, Decimal(0)))
            values[row["band"]][kind] += row[kind] or 0
    return DashboardScope(
        user=user,
        lead_choices=[(pk, key[2]) for pk, key in sorted(leads.items(), key=lambda i: i[1])],
        industry_choices=sorted(industries),
        band_counts=counts,
        band_values=values,
        groups=groups,
        total=total,
    )


def dashboard_customers(
    scope: DashboardScope,
    *,
    lead_id: int | None = None,
    band: str = "",
    industry: str = "",
    plan_max: int | None = None,
    min_value: Decimal | None = None,
    sort: str,
) -> QuerySet[Customer]:
    """The dashboard's accounts, filtered and ordered, with their lead, stored health and
    stored scorecard (plan percentage and value at stake)."""
    queryset = scope.customers().select_related("lead", "health", "scorecard")
    if plan_max is not None:
        queryset = queryset.filter(scorecard__percent__lte=plan_max)
    if min_value is not None:
        queryset = queryset.filter(scorecard__open_value__gte=min_value)
    if lead_id is not None:
        queryset = queryset.filter(lead_id=lead_id)
    if band:
        queryset = queryset.filter(health_band=band)
    if industry:
        queryset = queryset.filter(industry=industry)
    descending = sort.startswith("-")
    ordering: list = [
        OrderBy(F(column), descending=descending, nulls_last=True)
        for column in SORT_COLUMNS[sort.removeprefix("-")]
    ]
    return queryset.order_by(*ordering, "name", "pk")


def dashboard_rows(customers: object) -> list[DashboardRow]:
    """Pair each customer with its dashboard row (None before its first score) and, where
    the query joined it, its stored scorecard."""
    rows = []
    for customer in customers:  # type: ignore[attr-defined]
        try:
            health = customer.health
        except AccountHealth.DoesNotExist:
            health = None
        scorecard = None
        if Customer.scorecard.is_cached(customer):  # type: ignore[attr-defined]
            scorecard = getattr(customer, "scorecard", None)
        rows.append(DashboardRow(customer=customer, health=health, scorecard=scorecard))
    return rows


def team_history(scope: DashboardScope, *, today: dt.date, days: int = HISTORY_DAYS) -> list[dict]:
    """Average score and band counts of the scope's accounts, one point a week over `days`.

    Past days never change and today's changes once a day, so the result is cached for a few
    minutes under a key made of the exact set of accounts: a change of visibility is a new key.
    """
    key = f"health:team-history:{today.isoformat()}:{days}:{_scope_digest(scope)}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    dates = {today - dt.timedelta(days=n) for n in range(0, days + 1, TEAM_CHART_STEP_DAYS)}
    dates.add(today - dt.timedelta(days=days))
    snapshots = HealthSnapshot.objects.filter(taken_on__in=dates)
    if not scope.user.is_admin:
        # `+ 0` keeps the planner on the (taken_on, customer) index: a few days' entries with
        # a hashed id test, rather than a year of rows for each customer.
        snapshots = snapshots.alias(of_customer=F("customer_id") + 0).filter(
            of_customer__in=scope.customers().values("pk")
        )
    history = list(
        snapshots.order_by("taken_on")
        .values("taken_on")
        .annotate(
            average=Round(Avg("score"), 1),
            green=Count("pk", filter=Q(band=Customer.HealthBand.GREEN)),
            amber=Count("pk", filter=Q(band=Customer.HealthBand.AMBER)),
            red=Count("pk", filter=Q(band=Customer.HealthBand.RED)),
        )
    )
    cache.set(key, history, TEAM_HISTORY_CACHE_SECONDS)
    return history


def _scope_digest(scope: DashboardScope) -> str:
    # The viewer and their tallies: a change of what they see changes the key.
    groups = sorted(scope.groups.items())
    return hashlib.sha256(f"{viewer_id(scope.user)}:{groups}".encode()).hexdigest()


@dataclass(frozen=True)
class AttentionRow:
    """An account on the manager's "Needs attention" list and why it is there."""

    customer: Customer
    health: AccountHealth | None
    reason: str

    @property
    def is_falling(self) -> bool:
        return self.customer.health_band == Customer.HealthBand.AMBER


def needs_attention(scope: DashboardScope, *, limit: int = NEEDS_ATTENTION_LIMIT) -> list:
    """Red accounts and amber ones falling fast (ATTENTION_DROP points in 30 days), those whose
    score dropped most first, each with its main reason (one query).

    The health rows are read in the order of their trend index, visibility tested row by row
    for readers who see many accounts, and the read stops at `limit` rows: the list costs about
    the same however many red accounts the reader sees (the band counts say how many).
    """
    latest_components = HealthSnapshot.objects.filter(customer=OuterRef("customer_id")).order_by(
        "-taken_on"
    )
    rows = (
        # AccountHealth's primary key is its customer's: the visibility rule applies as is.
        scope.scoped(AccountHealth.objects.all())
        .filter(
            Q(band=Customer.HealthBand.RED)
            | Q(band=Customer.HealthBand.AMBER, trend_30d__lte=-ATTENTION_DROP)
        )
        .select_related("customer__lead")
        .annotate(latest_components=Subquery(latest_components.values("components")[:1]))
        .order_by(F("trend_30d").asc(nulls_last=True), "score", "customer__name", "customer_id")[
            :limit
        ]
    )
    attention = []
    for health in rows:
        customer = health.customer
        customer.latest_components = health.latest_components
        reason = _attention_reason(DashboardRow(customer=customer, health=health))
        attention.append(AttentionRow(customer=customer, health=health, reason=reason))
    return attention


def with_latest_components(customers: QuerySet) -> QuerySet:
    """Customers annotated with their latest snapshot's components (a subquery, no extra
    query), for `main_reason`."""
    latest = HealthSnapshot.objects.filter(customer=OuterRef("pk")).order_by("-taken_on")
    return customers.annotate(latest_components=Subquery(latest.values("components")[:1]))


def main_reason(components: list | None) -> str:
    """The weakest component's first reason, in the reader's language."""
    weakest = min(
        (c for c in components or [] if c.get("max_points")),
        key=lambda c: c["points"] / c["max_points"],
        default=None,
    )
    return words.reason_text(weakest["reasons"][0]) if weakest and weakest.get("reasons") else ""


def _attention_reason(row: DashboardRow) -> str:
    """The weakest component's first reason, after the fall when the account is falling, in
    the reader's language."""
    reason = main_reason(row.customer.latest_components)
    if row.health is not None and row.health.trend_30d is not None and row.health.trend_30d < 0:
        fall = words.fall_text(-row.health.trend_30d)
        return f"{fall}; {reason}" if reason else fall
    return reason


def account_history(customer: Customer, *, today: dt.date, days: int = HISTORY_DAYS) -> list:
    """The customer's snapshots over the last `days` days, oldest first."""
    return list(
        HealthSnapshot.objects.filter(
            customer=customer, taken_on__gt=today - dt.timedelta(days=days)
        ).order_by("taken_on")
    )


def account_annotations(customer: Customer, *, since: dt.date) -> list[ScoreAnnotation]:
    """Managers' comments on the customer's scores since `since`, with their authors."""
    return list(
        ScoreAnnotation.objects.filter(customer=customer, snapshot__taken_on__gte=since)
        .select_related("author", "snapshot")
        .order_by("snapshot__taken_on", "created_at", "pk")
    )
