"""Reads of the health app: the dashboard's rows, filters and team charts, and account history.

Every function here runs one query, whatever the number of accounts, and reads only stored
values (scores, snapshots and the precomputed AccountHealth rows).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, F, OrderBy, Q, QuerySet
from django.db.models.functions import Round

from accounts.models import User
from customers.models import Customer
from health.models import AccountHealth, HealthSnapshot, ScoreAnnotation

HISTORY_DAYS = 90
TEAM_CHART_STEP_DAYS = 7
NEEDS_ATTENTION_LIMIT = 5

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
}


@dataclass(frozen=True)
class DashboardRow:
    customer: Customer
    health: AccountHealth | None


def visible_customers(user: User) -> QuerySet[Customer]:
    return Customer.objects.visible_to(user)


def dashboard_customers(
    user: User, *, lead_id: int | None = None, band: str = "", industry: str = "", sort: str
) -> QuerySet[Customer]:
    """The dashboard's accounts for `user`, filtered and ordered, with their stored health."""
    queryset = visible_customers(user).select_related("lead", "health")
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
    """Pair each customer with its dashboard row (None before its first score)."""
    rows = []
    for customer in customers:  # type: ignore[attr-defined]
        try:
            health = customer.health
        except AccountHealth.DoesNotExist:
            health = None
        rows.append(DashboardRow(customer=customer, health=health))
    return rows


def lead_choices(user: User) -> list[tuple[int, str]]:
    """The leads of the accounts `user` sees, for the lead filter."""
    leads = User.objects.filter(pk__in=visible_customers(user).values("lead_id"))
    return [(lead.pk, lead.display_name) for lead in leads.order_by("last_name", "first_name")]


def industry_choices(user: User) -> list[str]:
    """The industries of the accounts `user` sees, for the industry filter."""
    return list(
        visible_customers(user)
        .exclude(industry="")
        .order_by("industry")
        .values_list("industry", flat=True)
        .distinct()
    )


def band_counts(user: User) -> dict[str, int]:
    """How many of the visible accounts are in each band now ("" = not scored yet)."""
    counts = dict.fromkeys((*Customer.HealthBand.values, ""), 0)
    rows = visible_customers(user).order_by().values("health_band").annotate(n=Count("pk"))
    for row in rows:
        counts[row["health_band"]] = row["n"]
    return counts


def team_history(user: User, *, today: dt.date, days: int = HISTORY_DAYS) -> list[dict]:
    """Average score and band counts of the visible accounts, one point a week over `days`.

    Weekly points keep the aggregation small (14 days' rows rather than 90) for large teams.
    """
    dates = {today - dt.timedelta(days=n) for n in range(0, days + 1, TEAM_CHART_STEP_DAYS)}
    dates.add(today - dt.timedelta(days=days))
    snapshots = HealthSnapshot.objects.filter(taken_on__in=dates)
    if not user.is_admin:
        snapshots = snapshots.filter(customer__in=visible_customers(user).values("pk"))
    return list(
        snapshots.order_by("taken_on")
        .values("taken_on")
        .annotate(
            average=Round(Avg("score"), 1),
            green=Count("pk", filter=Q(band=Customer.HealthBand.GREEN)),
            amber=Count("pk", filter=Q(band=Customer.HealthBand.AMBER)),
            red=Count("pk", filter=Q(band=Customer.HealthBand.RED)),
        )
    )


def needs_attention(user: User, *, limit: int = NEEDS_ATTENTION_LIMIT) -> list[DashboardRow]:
    """Red accounts, those whose score dropped most in 30 days first."""
    customers = (
        visible_customers(user)
        .filter(health_band=Customer.HealthBand.RED)
        .select_related("lead", "health")
        .order_by(F("health__trend_30d").asc(nulls_last=True), "health_score", "name")[:limit]
    )
    return dashboard_rows(customers)


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
