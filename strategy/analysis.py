"""SWOT and PESTLE: the items, the suggestions Accord draws from the model, and staleness.

Suggestions are computed, not stored: open severe problems are weaknesses, strategic moves
under way are opportunities or threats, options are opportunities. Accepting one stores an
item linked to its source at the source's current version; ignoring one stores an ignored item,
so neither is suggested again. An item whose source changed since, was closed or deleted shows
it until someone marks it reviewed.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from customers.models import Customer, Goal, Option, Problem, StrategicMove
from strategy.models import AnalysisItem

Category = AnalysisItem.Category

# Source kind -> (model, the item's field); the kind is what forms and URLs carry.
SOURCES: dict[str, tuple[type[models.Model], str]] = {
    "problem": (Problem, "problem"),
    "move": (StrategicMove, "strategic_move"),
    "option": (Option, "option"),
    "goal": (Goal, "goal"),
}
CLOSED_MOVES = (StrategicMove.Status.DONE, StrategicMove.Status.ABANDONED)
CLOSED_GOALS = (Goal.Status.ACHIEVED, Goal.Status.DROPPED)


@dataclass(frozen=True)
class Suggestion:
    kind: str
    record: models.Model
    categories: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class ItemView:
    item: AnalysisItem
    source: models.Model | None
    source_kind: str
    state: str  # "", "changed", "closed" or "removed"

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS.get(self.state, ""))


STATE_LABELS = {
    "changed": _("its source changed since it was accepted"),
    "closed": _("its source is closed"),
    "removed": _("its source was deleted"),
}


def source_of(item: AnalysisItem) -> models.Model | None:
    return item.problem or item.strategic_move or item.option or item.goal


def staleness(item: AnalysisItem) -> str:
    """Why the team should look at the item again ("" when its source is as they saw it)."""
    source = source_of(item)
    if source is None:
        return "removed" if item.source_kind else ""
    if isinstance(source, Problem) and source.status not in Problem.OPEN_STATUSES:
        return "closed"
    if isinstance(source, StrategicMove) and source.status in CLOSED_MOVES:
        return "closed"
    if isinstance(source, Goal) and source.status in CLOSED_GOALS:
        return "closed"
    if source.version != item.source_version:
        return "changed"
    return ""


def live_items(customer: Customer) -> QuerySet[AnalysisItem]:
    """The account's SWOT and PESTLE items (not ignored, not deleted), with their sources."""
    return AnalysisItem.objects.filter(
        customer=customer, deleted_at__isnull=True, is_ignored=False
    ).select_related("problem", "strategic_move", "option", "goal")


def item_views(customer: Customer) -> dict[str, list[ItemView]]:
    """Items by category, each with its source and whether it is stale (one query)."""
    grouped: dict[str, list[ItemView]] = {value: [] for value in Category.values}
    for item in live_items(customer):
        grouped[item.category].append(
            ItemView(item, source_of(item), item.source_kind, staleness(item))
        )
    return grouped


def suggestions(customer: Customer) -> list[Suggestion]:
    """What the model suggests that no item (live, ignored or deleted) took yet (four queries)."""
    taken: dict[str, set[int]] = {kind: set() for kind in SOURCES}
    rows = AnalysisItem._base_manager.filter(customer=customer).values_list(
        "problem_id", "strategic_move_id", "option_id"
    )
    for problem_id, move_id, option_id in rows:
        taken["problem"].add(problem_id)
        taken["move"].add(move_id)
        taken["option"].add(option_id)
    found = []
    problems = Problem.objects.filter(
        customer=customer, severity__in=Problem.SEVERE, status__in=Problem.OPEN_STATUSES
    ).exclude(pk__in=[pk for pk in taken["problem"] if pk])
    for problem in problems.order_by("-severity", "title"):
        why = _("an open %(severity)s problem") % {
            "severity": problem.get_severity_display().lower()
        }
        found.append(Suggestion("problem", problem, (Category.WEAKNESS,), why))
    moves = (
        StrategicMove.objects.filter(customer=customer)
        .exclude(status__in=CLOSED_MOVES)
        .exclude(pk__in=[pk for pk in taken["move"] if pk])
    )
    for move in moves.order_by("title"):
        why = _("a strategic move (%(kind)s, %(status)s)") % {
            "kind": move.get_kind_display().lower(),
            "status": move.get_status_display().lower(),
        }
        found.append(Suggestion("move", move, (Category.OPPORTUNITY, Category.THREAT), why))
    options = Option.objects.filter(customer=customer).exclude(
        pk__in=[pk for pk in taken["option"] if pk]
    )
    for option in options.order_by("title"):
        why = _("one of the customer's %(kind)s options") % {
            "kind": option.get_kind_display().lower()
        }
        found.append(Suggestion("option", option, (Category.OPPORTUNITY,), why))
    return found


def find_source(customer: Customer, kind: str, pk: int) -> models.Model | None:
    """The customer's record of that kind, or None (another customer's id finds nothing)."""
    if kind not in SOURCES:
        return None
    model, _field = SOURCES[kind]
    return model._default_manager.filter(customer=customer, pk=pk).first()
