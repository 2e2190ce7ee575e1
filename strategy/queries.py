"""Reads of the strategy tools: the whitespace grid with its totals."""

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from django.db.models import QuerySet, Sum

from accounts.models import Area
from customers.models import Customer
from solutions.models import Proposal
from strategy.models import Division, Offering, WhitespaceCell


def live_divisions(customer: Customer) -> QuerySet[Division]:
    """The customer's divisions that are not in the trash, by name."""
    return Division.objects.filter(customer=customer, deleted_at__isnull=True)


def catalogue(area_id: int | None = None) -> QuerySet[Offering]:
    """Active offerings (with their area), in the grid's order; only one area's when given."""
    offerings = Offering.objects.filter(is_active=True).select_related("area")
    if area_id is not None:
        offerings = offerings.filter(area_id=area_id)
    return offerings.order_by("area__name", "position", "name", "id")


def offering_areas() -> QuerySet[Area]:
    """Areas that have an active offering: the grid's filter."""
    return Area.objects.filter(offerings__is_active=True).distinct().order_by("name")


@dataclass
class Totals:
    """What a row or column of the grid adds up to."""

    installed_value: Decimal = Decimal(0)
    installed: int = 0
    proposed: int = 0
    opportunities: int = 0
    competitor: int = 0
    assessed: int = 0

    def add(self, cell: WhitespaceCell) -> None:
        Status = WhitespaceCell.Status
        if not cell.status:
            return
        self.assessed += 1
        if cell.status == Status.INSTALLED:
            self.installed += 1
            self.installed_value += cell.annual_value or 0
        elif cell.status == Status.PROPOSED:
            self.proposed += 1
        elif cell.status == Status.OPPORTUNITY:
            self.opportunities += 1
        elif cell.status == Status.COMPETITOR:
            self.competitor += 1


@dataclass
class GridCell:
    division: Division
    offering: Offering
    cell: WhitespaceCell | None
    # The status's label, in the request's language (see whitespace_grid).
    label: str = ""

    @property
    def status(self) -> str:
        return self.cell.status if self.cell else ""

    @property
    def version(self) -> int:
        return self.cell.version if self.cell else 0


@dataclass
class GridRow:
    division: Division
    cells: list[GridCell]
    totals: Totals = field(default_factory=Totals)


@dataclass
class Grid:
    areas: list[tuple[Area, int]]
    offerings: list[Offering]
    rows: list[GridRow]
    column_totals: list[Totals]
    totals: Totals

    @property
    def size(self) -> int:
        return len(self.rows) * len(self.offerings)


def whitespace_grid(customer: Customer, *, area_id: int | None = None) -> Grid:
    """Divisions x active offerings with each cell and the totals (three queries, any size)."""
    divisions = list(live_divisions(customer).select_related("head"))
    offerings = list(catalogue(area_id))
    cells = {
        (c.division_id, c.offering_id): c
        for c in WhitespaceCell.objects.filter(
            customer=customer, offering__in=[o.pk for o in offerings]
        ).select_related("proposal")
    }
    column_totals = [Totals() for _ in offerings]
    totals = Totals()
    # Translated once per grid: get_status_display() translates every status's label on each
    # call, and a large account's grid shows a few hundred cells.
    labels = {value: str(label) for value, label in WhitespaceCell.Status.choices}
    rows = []
    for division in divisions:
        row = GridRow(division, [])
        for offering, column in zip(offerings, column_totals, strict=True):
            cell = cells.get((division.pk, offering.pk))
            status = cell.status if cell else ""
            row.cells.append(GridCell(division, offering, cell, labels.get(status, status)))
            if cell is not None:
                row.totals.add(cell)
                column.add(cell)
                totals.add(cell)
        rows.append(row)
    areas = [(area, len(list(group))) for area, group in groupby(offerings, key=lambda o: o.area)]
    return Grid(areas, offerings, rows, column_totals, totals)


def installed_value(customer: Customer) -> Decimal:
    """The value per year of what the customer has installed from us, over live divisions."""
    cells = WhitespaceCell.objects.filter(
        customer=customer,
        status=WhitespaceCell.Status.INSTALLED,
        division__deleted_at__isnull=True,
    )
    return cells.aggregate(total=Sum("annual_value"))["total"] or Decimal(0)


def assessed_cells(customer: Customer) -> QuerySet[WhitespaceCell]:
    """The customer's assessed cells of live divisions, with everything the CSV shows."""
    return (
        WhitespaceCell.objects.filter(customer=customer, division__deleted_at__isnull=True)
        .exclude(status="")
        .select_related("division", "offering__area", "proposal")
        .prefetch_related("goals", "problems")
        .order_by("division__name", "offering__area__name", "offering__position", "offering__name")
    )


@dataclass
class ValueAtStake:
    """An account's open proposal value, its probability-weighted value and what it has
    installed from us, all in the organisation's currency."""

    proposals: list
    open_value: Decimal
    weighted_value: Decimal
    installed_value: Decimal
    unvalued: int


def value_at_stake(customer: Customer) -> ValueAtStake:
    """The account's open proposals with their estimates, and the totals (two queries)."""
    proposals = list(
        Proposal.objects.filter(
            customer=customer, deleted_at__isnull=True, status__in=Proposal.OPEN_STATUSES
        )
        .select_related("estimate")
        .order_by("title", "id")
    )
    estimates = [p.estimate for p in proposals if hasattr(p, "estimate")]
    return ValueAtStake(
        proposals=proposals,
        open_value=sum((e.organisation_amount for e in estimates), Decimal(0)),
        weighted_value=sum((e.weighted_amount for e in estimates), Decimal(0)),
        installed_value=installed_value(customer),
        unvalued=len(proposals) - len(estimates),
    )
