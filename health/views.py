import json
from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from accounts.visibility import AccountAccess
from core.csv import csv_response
from customers.access import get_customer_for_user, require
from customers.models import Customer
from health import queries, services, words
from health.forms import SORT_FIELDS, AnnotationForm, DashboardFilterForm
from health.models import HealthSnapshot
from health.templatetags.health import signed, sparkline
from strategy.models import StoredScorecard

PAGE_SIZE = 25
# The account's history lists a day when the score moved this much since the last listed day.
CHANGE_STEP = 5


def dashboard_filter_form(data: object, scope: queries.DashboardScope) -> DashboardFilterForm:
    """The filter form with the lead and industry choices of the scope's accounts."""
    form = DashboardFilterForm(
        data, lead_choices=scope.lead_choices, industry_choices=scope.industry_choices
    )
    form.is_valid()
    return form


@login_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    """Health of every account the user sees, team charts, and the accounts needing attention."""
    scope = queries.dashboard_scope(request.user)
    form = dashboard_filter_form(request.GET or None, scope)
    params = form.cleaned_or_defaults()
    customers = queries.dashboard_customers(scope, **params)
    has_filters = any(params[key] for key in ("band", "industry")) or any(
        params[key] is not None for key in ("lead_id", "plan_max", "min_value")
    )
    paginator = Paginator(customers, PAGE_SIZE)
    if params["plan_max"] is None and params["min_value"] is None:
        # Counted by the tallies: no COUNT over every visible account.
        paginator.count = scope.count(
            lead_id=params["lead_id"], band=params["band"], industry=params["industry"]
        )
    page = paginator.get_page(request.GET.get("page"))
    rows = queries.dashboard_rows(page)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "table": _table_rows(rows),
        "columns": _sort_columns(params["sort"]),
        "has_filters": has_filters,
    }
    if request.htmx:
        return render(request, "health/dashboard.html#table", context)
    return render(request, "health/dashboard.html", context | _charts_context(scope))


def _charts_context(scope: queries.DashboardScope) -> dict:
    """The band counts, the team's score history and the accounts needing attention."""
    counts = scope.band_counts
    bands = Customer.HealthBand.values
    history = queries.team_history(scope, today=timezone.localdate())
    return {
        "band_counts": counts,
        "unscored": counts[""],
        "band_chart_json": _json(
            {
                "labels": [label for _value, label in Customer.HealthBand.choices],
                "values": [counts[band] for band in Customer.HealthBand.values],
            }
        ),
        "band_values": [
            {"band": band, "label": label, **scope.band_values[band]}
            for band, label in Customer.HealthBand.choices
        ],
        "value_chart_json": _json(
            {
                "labels": [label for _, label in Customer.HealthBand.choices],
                "names": {
                    "open_value": _("Open value"),
                    "weighted_value": _("Weighted value"),
                    "installed_value": _("Installed value"),
                },
                **{
                    kind: [float(scope.band_values[band][kind]) for band in bands]
                    for kind in queries.VALUE_KINDS
                },
            }
        ),
        "currency": settings.ORGANISATION_CURRENCY,
        "team_history": history,
        "history_chart_json": _json(
            {
                "labels": [
                    date_format(point["taken_on"], "SHORT_DATE_FORMAT") for point in history
                ],
                "average": [float(point["average"]) for point in history],
                "green": [point["green"] for point in history],
                "amber": [point["amber"] for point in history],
                "red": [point["red"] for point in history],
            }
        ),
        "attention": queries.needs_attention(scope),
    }


@login_required
@require_safe
def dashboard_csv(request: HttpRequest) -> HttpResponse:
    """The dashboard's table as CSV: every row matching the filters, in the table's order."""
    scope = queries.dashboard_scope(request.user)
    form = dashboard_filter_form(request.GET or None, scope)
    customers = queries.with_latest_components(
        queries.dashboard_customers(scope, **form.cleaned_or_defaults())
    )
    response, writer = csv_response(f"account-health-{timezone.localdate().isoformat()}.csv")
    writer.writerow(_csv_header())
    for row in queries.dashboard_rows(customers):
        customer, health = row.customer, row.health
        last_meeting = customer.last_meeting_at
        writer.writerow(
            [
                customer.name,
                customer.lead.display_name,
                customer.health_score,
                customer.get_health_band_display() if customer.health_band else "",
                health.trend_30d if health else None,
                timezone.localtime(last_meeting).date() if last_meeting else None,
                health.open_severe_problems if health else None,
                health.overdue_action_items if health else None,
                health.proposals_in_flight if health else None,
                ", ".join(health.area_names) if health else None,
                *_scorecard_cells(row.scorecard),
                queries.main_reason(customer.latest_components),
            ]
        )
    return response


def _csv_header() -> list[str]:
    currency = {"currency": settings.ORGANISATION_CURRENCY}
    return [
        _("Account"),
        _("Lead"),
        _("Health score"),
        _("Band"),
        _("30-day trend"),
        _("Last meeting"),
        _("Open severe problems"),
        _("Overdue action items"),
        _("Proposals in flight"),
        _("Areas involved"),
        _("Plan scorecard (%)"),
        _("Open value (%(currency)s)") % currency,
        _("Weighted value (%(currency)s)") % currency,
        _("Installed value per year (%(currency)s)") % currency,
        _("Main reason"),
    ]


def _scorecard_cells(scorecard: StoredScorecard | None) -> list:
    """The CSV's plan percentage and open, weighted and installed value of one account."""
    if scorecard is None:
        return [None, None, None, None]
    return [
        scorecard.percent,
        *(getattr(scorecard, kind) for kind in queries.VALUE_KINDS),
    ]


@login_required
@require_safe
def account(request: HttpRequest, pk: int) -> HttpResponse:
    """One account's score, its components with reasons, the history chart and comments."""
    customer, access = get_customer_for_user(request.user, pk)
    return render(request, "health/account.html", _account_context(customer, access))


@login_required
@require_POST
def annotate(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager comments on one day's score."""
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_annotate_score)
    today = timezone.localdate()
    history = queries.account_history(customer, today=today)
    form = AnnotationForm(request.POST, snapshots=history)
    if form.is_valid():
        snapshot = next(s for s in history if s.pk == form.cleaned_data["snapshot"])
        services.annotate_score(
            snapshot=snapshot, author=request.user, body=form.cleaned_data["body"]
        )
        if not request.htmx:
            messages.success(request, _("Your comment was added to the history."))
            return redirect("health:account", pk=customer.pk)
        return render(request, "health/account.html#history", _account_context(customer, access))
    context = _account_context(customer, access, form=form)
    if request.htmx:
        return render(request, "health/account.html#history", context)
    return render(request, "health/account.html", context, status=400)


@login_required
@require_POST
def refresh(request: HttpRequest, pk: int) -> HttpResponse:
    """Recompute the account's health now rather than waiting for the daily run."""
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_refresh)
    services.refresh_customer_health(customer.pk)
    messages.success(request, _("Health recomputed from the account's current records."))
    return redirect("health:account", pk=customer.pk)


def _account_context(
    customer: Customer, access: AccountAccess, *, form: AnnotationForm | None = None
) -> dict:
    today = timezone.localdate()
    history = queries.account_history(customer, today=today)
    latest = history[-1] if history else None
    since = history[0].taken_on if history else today
    by_snapshot: dict[int, list] = defaultdict(list)
    for annotation in queries.account_annotations(customer, since=since):
        by_snapshot[annotation.snapshot_id].append(annotation)
    # Newest first: the first and latest days, each change of band or of CHANGE_STEP points
    # since the day listed before it, and every commented day; each with what moved.
    changes = []
    shown = None
    for snapshot in history:
        notes = by_snapshot[snapshot.pk]
        if (
            shown is None
            or snapshot is latest
            or notes
            or snapshot.band != shown.band
            or abs(snapshot.score - shown.score) >= CHANGE_STEP
        ):
            changes.append(
                {
                    "snapshot": snapshot,
                    "delta": None if shown is None else snapshot.score - shown.score,
                    "moved": _moved_components(shown, snapshot),
                    "annotations": notes,
                }
            )
            shown = snapshot
    changes.reverse()
    return {
        "customer": customer,
        "access": access,
        "latest": latest,
        # The meter's low/high marks follow the bands, so browsers colour a weak component.
        "components": [
            {**c, "low": c.get("max_points", 0) * 0.4, "high": c.get("max_points", 0) * 0.7}
            for c in words.present_components(latest.components if latest else [])
        ],
        "changes": changes,
        "history_chart_json": _json(
            {
                "labels": [date_format(s.taken_on, "SHORT_DATE_FORMAT") for s in history],
                "scores": [s.score for s in history],
            }
        ),
        "can_annotate": access.can_annotate_score and bool(history),
        "can_refresh": access.can_refresh,
        "form": form or AnnotationForm(snapshots=history),
    }


def _moved_components(before: HealthSnapshot | None, after: HealthSnapshot) -> list[dict]:
    """The components whose points moved by a point or more, biggest move first."""
    if before is None:
        return []
    points_before = {c.get("key"): c.get("points", 0) for c in before.components}
    moved = []
    for component in after.components:
        delta = round(component.get("points", 0) - points_before.get(component.get("key"), 0), 1)
        if abs(delta) >= 1:
            moved.append(
                {
                    "name": words.component_name(component),
                    "delta": delta,
                    "reasons": words.reason_texts(component.get("reasons", [])),
                }
            )
    return sorted(moved, key=lambda item: -abs(item["delta"]))


def _table_rows(rows: list[queries.DashboardRow]) -> list[dict]:
    """Each table row's cells as text, worded here once: the template then reads plain values
    (a row of lookups, filters and links through nullable relations cost most of the page)."""
    dash = "—"
    table = []
    for row in rows:
        customer, health, scorecard = row.customer, row.health, row.scorecard
        last_meeting = customer.last_meeting_at and timezone.localtime(customer.last_meeting_at)
        cells = {
            "url": reverse("health:account", args=[customer.pk]),
            "name": customer.name,
            "industry": customer.industry,
            "lead": customer.lead.display_name,
            "band": customer.health_band,
            "band_text": customer.health_band
            and f"{customer.health_score} · {customer.get_health_band_display()}",
            "sparkline": sparkline(health.trend_points if health else None),
            "trend": signed(health.trend_30d if health else None),
            "last_meeting": last_meeting and date_format(last_meeting, "DATE_FORMAT"),
            "last_meeting_iso": last_meeting and last_meeting.isoformat(),
            "severe": health.open_severe_problems if health else dash,
            "overdue": health.overdue_action_items if health else dash,
            "in_flight": health.proposals_in_flight if health else dash,
            "areas": health.areas_involved if health else None,
            "area_names": ", ".join(health.area_names) if health else "",
            "plan": scorecard.percent if scorecard else None,
            "plan_url": reverse("strategy:scorecard", args=[customer.pk]),
        }
        for kind in queries.VALUE_KINDS:
            cells[kind] = floatformat(getattr(scorecard, kind), "0g") if scorecard else dash
        table.append(cells)
    return table


def _sort_columns(current: str) -> list[dict]:
    """Each column's sort link (toggling direction on the current column) and aria-sort."""
    columns = []
    for key, label in SORT_FIELDS.items():
        if current == key:
            next_sort, aria = f"-{key}", "ascending"
        elif current == f"-{key}":
            next_sort, aria = key, "descending"
        else:
            next_sort, aria = key, "none"
        columns.append({"key": key, "label": label, "next": next_sort, "aria_sort": aria})
    return columns


def _json(data: dict) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder)
