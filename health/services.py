"""Writes of the health app: refreshing scores, snapshots and dashboard rows, annotations."""

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.localization import as_user_sees_it
from accounts.models import AccountMembership, Area, Notification, User
from accounts.services import notify
from accounts.visibility import managers_of
from customers.models import Customer
from customers.tallies import retally_customer
from dialogue.services import create_action_item
from health import words
from health.models import AccountHealth, HealthSnapshot, ScoreAnnotation
from health.scoring import HealthResult, compute_health
from solutions.models import Contribution

TREND_DAYS = 30
FOLLOW_UP_DUE_DAYS = 7


def refresh_customer_health(
    customer_id: int, *, now: dt.datetime | None = None
) -> HealthResult | None:
    """Score the account, upsert today's snapshot and dashboard row; act when it enters red.

    Idempotent: running it again on the same day replaces the day's snapshot and, because the
    previous band is then already red, creates no second follow-up.
    """
    now = now or timezone.now()
    customer = Customer.objects.select_related("lead").filter(pk=customer_id).first()
    if customer is None:
        return None
    result = compute_health(customer, now=now)
    area_names = _area_names(customer_id)
    today = timezone.localdate(now)
    with transaction.atomic():
        HealthSnapshot.objects.update_or_create(
            customer_id=customer_id,
            taken_on=today,
            defaults={
                "score": result.score,
                "band": result.band,
                "components": result.components_json(),
                "computed_at": now,
            },
        )
        # The row lock serialises concurrent refreshes of one account, so entering red is
        # seen, and acted on, by exactly one of them.
        row, created = AccountHealth.objects.select_for_update().get_or_create(
            customer_id=customer_id,
            defaults={"score": result.score, "band": result.band, "computed_at": now},
        )
        previous_band = customer.health_band if created else row.band
        scores = list(
            HealthSnapshot.objects.filter(
                customer_id=customer_id,
                taken_on__gt=today - dt.timedelta(days=TREND_DAYS),
                taken_on__lte=today,
            )
            .order_by("taken_on")
            .values_list("score", flat=True)
        )
        entered_red = result.band == Customer.HealthBand.RED and previous_band != result.band
        worsened = _BAND_RANK[result.band] > _BAND_RANK.get(previous_band, 0)
        row.score = result.score
        row.band = result.band
        row.trend_points = scores
        row.trend_30d = scores[-1] - scores[0] if len(scores) > 1 else None
        row.open_severe_problems = result.facts.open_severe_problems
        row.overdue_action_items = result.facts.overdue_action_items
        row.proposals_in_flight = result.facts.proposals_in_flight
        row.area_names = area_names
        row.areas_involved = len(area_names)
        row.computed_at = now
        if result.band != Customer.HealthBand.RED:
            row.red_since = None
        elif entered_red or row.red_since is None:
            row.red_since = today
        row.save()
        Customer.objects.filter(pk=customer_id).update(
            health_score=result.score, health_band=result.band, health_updated_at=now
        )
        if customer.health_band != result.band:
            retally_customer(customer_id)  # the dashboard's band counts
        if entered_red:
            _act_on_red(customer, result=result, today=today)
        if worsened and previous_band:
            _tell_lead(customer, result=result)
    return result


# Bands from best to worst: the lead hears when the account moves to a worse one.
_BAND_RANK = {
    Customer.HealthBand.GREEN: 0,
    Customer.HealthBand.AMBER: 1,
    Customer.HealthBand.RED: 2,
}


def _weakest_reason(result: HealthResult) -> str:
    """The weakest component's first reason, in the active language (the recipient's)."""
    weakest = min(result.components, key=lambda c: c.points / c.max_points if c.max_points else 1)
    return words.reason_text(weakest.reasons[0]) if weakest.reasons else ""


def _tell_lead(customer: Customer, *, result: HealthResult) -> None:
    """The lead hears when their account turns amber or red, with the main reason."""
    if customer.lead is None or not customer.lead.is_active:
        return

    def message() -> str:
        values = {"customer": customer.name, "score": result.score}
        reason = _weakest_reason(result)
        # Whole sentences per band: other languages inflect the colour.
        if result.band == Customer.HealthBand.RED:
            text = _("%(customer)s turned red (%(score)s/100)") % values
        else:
            text = _("%(customer)s turned amber (%(score)s/100)") % values
        return f"{text}: {reason}" if reason else text

    notify(
        [customer.lead],
        kind=Notification.Kind.HEALTH,
        message=message,
        url=reverse("health:account", args=[customer.pk]),
        customer_id=customer.pk,
    )


def backfill_snapshots(customer_id: int, *, days: int, now: dt.datetime, step: int = 1) -> int:
    """Record a snapshot every `step` days over the `days` days before `now`, as the data then
    stood (the days counted back from `now`, so weekly steps land on the team chart's days)."""
    snapshots = []
    for days_ago in range(days - days % step, 0, -step):
        moment = now - dt.timedelta(days=days_ago)
        result = compute_health(customer_id, now=moment)
        snapshots.append(
            HealthSnapshot(
                customer_id=customer_id,
                taken_on=timezone.localdate(moment),
                score=result.score,
                band=result.band,
                components=result.components_json(),
                computed_at=moment,
            )
        )
    HealthSnapshot.objects.bulk_create(
        snapshots,
        update_conflicts=True,
        unique_fields=["customer", "taken_on"],
        update_fields=["score", "band", "components", "computed_at"],
    )
    return len(snapshots)


def annotate_score(*, snapshot: HealthSnapshot, author: User, body: str) -> ScoreAnnotation:
    """Attach a manager's comment to a day's score; the account's lead is told."""
    annotation = ScoreAnnotation.objects.create(
        customer_id=snapshot.customer_id, snapshot=snapshot, author=author, body=body
    )
    customer = Customer.objects.select_related("lead").get(pk=snapshot.customer_id)
    if customer.lead_id != author.pk and customer.lead.is_active:
        notify(
            [customer.lead],
            kind=Notification.Kind.SCORE_COMMENT,
            message=lambda: (
                _("%(author)s commented on the health score of %(customer)s (%(day)s): %(comment)s")
                % {
                    "author": author.display_name,
                    "customer": customer.name,
                    "day": date_format(snapshot.taken_on, "SHORT_DATE_FORMAT"),
                    "comment": body,
                }
            ),
            url=reverse("health:account", args=[customer.pk]),
            customer_id=customer.pk,
        )
    return annotation


def _act_on_red(customer: Customer, *, result: HealthResult, today: dt.date) -> None:
    """One follow-up for the lead and one notification per manager, once per entry into red."""
    # A record the lead owns and edits: written once, in the lead's language.
    with as_user_sees_it(customer.lead):
        description = _(
            "Health turned red (%(score)s/100): review the reasons on the health page and agree "
            "the next step with the customer."
        ) % {"score": result.score}
    create_action_item(
        customer,
        created_by=None,
        owner=customer.lead,
        description=description[:500],
        due_on=today + dt.timedelta(days=FOLLOW_UP_DUE_DAYS),
    )

    def message() -> str:
        text = _("%(customer)s entered the red band (%(score)s/100)") % {
            "customer": customer.name,
            "score": result.score,
        }
        reason = _weakest_reason(result)
        return f"{text}: {reason}" if reason else text

    notify(
        managers_of(customer.pk, observers=True),
        kind=Notification.Kind.HEALTH,
        message=message,
        url=reverse("health:account", args=[customer.pk]),
        customer_id=customer.pk,
    )


def _area_names(customer_id: int) -> list[str]:
    """The internal areas on the account team or contributing to its live proposals."""
    on_team = AccountMembership.objects.filter(customer_id=customer_id, user__area=OuterRef("pk"))
    contributing = Contribution.objects.filter(
        proposal__customer_id=customer_id,
        proposal__deleted_at__isnull=True,
    ).filter(Q(area=OuterRef("pk")) | Q(area__isnull=True, specialist__area=OuterRef("pk")))
    return list(
        Area.objects.filter(Q(Exists(on_team)) | Q(Exists(contributing)))
        .order_by("name")
        .values_list("name", flat=True)
    )
