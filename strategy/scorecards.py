"""Playbooks and plan scorecards: how an account's plan measures up to its segment's playbook.

`build_scorecard` is a plain function of the stored data and a clock. Each criterion says
whether it is met, why, and where to fix it; the percentage is the share of criteria met.
The change feed keeps a StoredScorecard per account for the dashboard (with the account's
value at stake); the health score's
plan-quality component reads the same function.
"""

import datetime as dt
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise, lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from customers.models import Customer, Goal, Problem, Stakeholder
from customers.tallies import VALUE_KINDS, retally_customer
from insights.models import PlanItem, PlanSection
from strategy.models import AccountPlaybook, Playbook, StoredScorecard, WhitespaceCell
from strategy.queries import value_at_stake


def _worded(message: Promise, params: dict[str, object]) -> str:
    return str(message) % {k: str(v) if isinstance(v, Promise) else v for k, v in params.items()}


# A criterion's words are looked up when read, so a reader gets their language and the health
# score can keep a missed criterion in every language.
_said = lazy(_worded, str)


def _in_sentence(label: Promise) -> str:
    # English reads the role mid-sentence in lower case; German keeps its nouns capitalised.
    if (get_language() or "en").startswith("de"):
        return str(label)
    return str(label).lower()


_role_name = lazy(_in_sentence, str)


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    met: bool
    reason: str
    fix_url: str


@dataclass(frozen=True)
class Scorecard:
    playbook: Playbook
    is_chosen: bool
    criteria: list[Criterion]

    @property
    def percent(self) -> int:
        if not self.criteria:
            return 100
        return round(100 * sum(c.met for c in self.criteria) / len(self.criteria))

    @property
    def met(self) -> int:
        return sum(c.met for c in self.criteria)


def segment_playbook(customer: Customer) -> Playbook | None:
    """The active playbook that fits the customer's segment best: industry and size, then
    industry, then size, then one for any segment (one query)."""
    candidates = (
        Playbook.objects.filter(is_active=True)
        .filter(Q(industry__iexact=customer.industry) | Q(industry=""))
        .filter(Q(size=customer.size) | Q(size=""))
    )

    def fit(playbook: Playbook) -> tuple:
        return (bool(playbook.industry), bool(playbook.size), -playbook.pk)

    return max(candidates, key=fit, default=None)


def playbook_for(customer: Customer) -> tuple[Playbook | None, bool]:
    """The account's playbook, and whether the lead chose it (else its segment's)."""
    choice = (
        AccountPlaybook.objects.filter(customer=customer, playbook__is_active=True)
        .select_related("playbook")
        .first()
    )
    if choice is not None:
        return choice.playbook, True
    return segment_playbook(customer), False


def build_scorecard(customer: Customer, *, now: dt.datetime | None = None) -> Scorecard | None:
    """The account's scorecard against its playbook; None when no playbook applies."""
    playbook, is_chosen = playbook_for(customer)
    if playbook is None:
        return None
    now = now or timezone.now()
    criteria = [
        *_plan_sections(customer, playbook),
        *_buying_roles(customer, playbook),
        _confirmed_goals(customer, playbook),
        _meeting_cadence(customer, playbook, now),
        *_whitespace(customer, playbook),
    ]
    return Scorecard(playbook, is_chosen, criteria)


def _plan_sections(customer: Customer, playbook: Playbook) -> list[Criterion]:
    areas = list(playbook.required_areas.all())
    if not (playbook.needs_strategy_section or areas):
        return []
    # Written: notes, or at least one structured item (an objective, an offer, ...).
    has_items = Exists(PlanItem.objects.filter(section=OuterRef("pk")))
    written = PlanSection.objects.filter(customer=customer).filter(~Q(body="") | has_items)
    done = {(kind, area_id) for kind, area_id in written.values_list("kind", "area_id")}
    url = reverse("insights:plan", args=[customer.pk])
    found = []
    if playbook.needs_strategy_section:
        met = (PlanSection.Kind.STRATEGY, None) in done
        found.append(
            Criterion(
                "section-strategy",
                _("The lead's strategy section is written"),
                met,
                _("Written.") if met else _("The strategy section is empty."),
                url,
            )
        )
    for area in areas:
        met = (PlanSection.Kind.AREA, area.pk) in done
        found.append(
            Criterion(
                f"section-area-{area.pk}",
                _said(_("The %(area)s section is written"), {"area": area.name}),
                met,
                _("Written.") if met else _said(_("No %(area)s section yet."), {"area": area.name}),
                url,
            )
        )
    return found


def _buying_roles(customer: Customer, playbook: Playbook) -> list[Criterion]:
    labels = dict(Stakeholder.BuyingRole.choices)
    roles = [r for r in playbook.required_roles if r in labels]
    if not roles:
        return []
    people = Stakeholder.objects.filter(
        customer=customer, deleted_at__isnull=True, buying_role__in=roles
    ).values_list("buying_role", "owner_id")
    covered: dict[str, bool] = {}
    for role, owner_id in people:
        covered[role] = covered.get(role, False) or owner_id is not None
    url = reverse("customers:stakeholders", args=[customer.pk])
    found = []
    for role in roles:
        label = _role_name(labels[role])
        met = covered.get(role, False)
        if met:
            reason = _said(_("A %(role)s with an owner on our side."), {"role": label})
        elif role in covered:
            reason = _said(_("The %(role)s has no owner on our side."), {"role": label})
        else:
            reason = _said(_("No stakeholder is a %(role)s."), {"role": label})
        found.append(
            Criterion(
                f"role-{role}",
                _said(_("A %(role)s is covered"), {"role": label}),
                met,
                reason,
                url,
            )
        )
    return found


def _confirmed_goals(customer: Customer, playbook: Playbook) -> Criterion:
    has_problem = Exists(Problem.blocks_goals.through.objects.filter(goal_id=OuterRef("pk")))
    count = (
        Goal.objects.filter(customer=customer, status=Goal.Status.ACTIVE, confirmed=True)
        .filter(has_problem)
        .count()
    )
    wanted = playbook.min_confirmed_goals
    return Criterion(
        "goals",
        _said(_("At least %(n)d confirmed goals with linked problems"), {"n": wanted}),
        count >= wanted,
        _said(_("%(count)d of %(n)d."), {"count": count, "n": wanted}),
        reverse("customers:goals", args=[customer.pk]),
    )


def _meeting_cadence(customer: Customer, playbook: Playbook, now: dt.datetime) -> Criterion:
    days = playbook.meeting_cadence_days
    last = customer.last_meeting_at
    met = last is not None and last >= now - dt.timedelta(days=days)
    if last is None:
        reason = _("No meeting logged yet.")
    else:
        reason = _said(_("Last meeting %(days)d days ago."), {"days": (now - last).days})
    return Criterion(
        "cadence",
        _said(_("A meeting at least every %(days)d days"), {"days": days}),
        met,
        reason,
        reverse("dialogue:log-meeting", args=[customer.pk]),
    )


def _whitespace(customer: Customer, playbook: Playbook) -> list[Criterion]:
    offerings = list(playbook.required_offerings.all())
    if not offerings:
        return []
    division_ids = list(
        customer.divisions.filter(deleted_at__isnull=True).values_list("pk", flat=True)
    )
    assessed = set(
        WhitespaceCell.objects.filter(
            customer=customer, offering__in=offerings, division_id__in=division_ids
        )
        .exclude(status="")
        .values_list("offering_id", "division_id")
    )
    url = reverse("strategy:whitespace", args=[customer.pk])
    found = []
    for offering in offerings:
        done = sum((offering.pk, d) in assessed for d in division_ids)
        met = bool(division_ids) and done == len(division_ids)
        if not division_ids:
            reason = _("No divisions yet.")
        else:
            reason = _said(
                _("%(done)d of %(all)d divisions assessed."),
                {"done": done, "all": len(division_ids)},
            )
        found.append(
            Criterion(
                f"whitespace-{offering.pk}",
                _said(_("%(offering)s assessed in every division"), {"offering": offering.name}),
                met,
                reason,
                url,
            )
        )
    return found


def _stored_criterion(criterion: Criterion) -> dict:
    """A criterion as kept: its words in every language (`criterion_in_language` picks the
    reader's), the site's language as `label` and `reason`."""
    texts = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            try:
                texts[language] = {"label": str(criterion.label), "reason": str(criterion.reason)}
            except (KeyError, TypeError, ValueError):
                continue  # a broken translation: that language's readers get the site's
    with translation.override(settings.LANGUAGE_CODE):
        default = {"label": str(criterion.label), "reason": str(criterion.reason)}
    return {**asdict(criterion), **default, "texts": texts}


def criterion_in_language(stored: dict) -> dict:
    """A stored criterion worded in the active language (one stored before its words were kept
    in every language reads as it is)."""
    texts = stored.get("texts") or {}
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    words = texts.get(language) or {}
    return {k: v for k, v in {**stored, **words}.items() if k != "texts"}


def store_scorecard(customer_id: int, *, now: dt.datetime | None = None) -> StoredScorecard | None:
    """Compute and keep the account's scorecard and value at stake (idempotent: the last write
    wins)."""
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        return None
    card = build_scorecard(customer, now=now)
    value = value_at_stake(customer)
    values = {
        "playbook": card.playbook if card else None,
        "percent": card.percent if card else None,
        "criteria": [_stored_criterion(c) for c in card.criteria] if card else [],
        "open_value": value.open_value,
        "weighted_value": value.weighted_value,
        "installed_value": value.installed_value,
        "computed_at": now or timezone.now(),
    }
    before = StoredScorecard.objects.filter(customer=customer).values_list(*VALUE_KINDS).first()
    try:
        with transaction.atomic():
            stored, _created = StoredScorecard.objects.update_or_create(
                customer=customer, defaults=values
            )
    except IntegrityError:
        # Two refreshes of a new account raced to create its row: the other one created it.
        StoredScorecard.objects.filter(customer=customer).update(**values)
        stored = StoredScorecard.objects.get(customer=customer)
    if before != tuple(values[kind] for kind in VALUE_KINDS):
        retally_customer(customer_id)  # the dashboard's value at stake per band
    return stored
