"""Writes of the strategy tools. Each records an account change in its transaction."""

from django.db import IntegrityError, transaction

from accounts.models import User
from core.versioning import StaleVersion
from customers import services as records
from customers.models import Customer
from strategy.models import Division, Offering, WhitespaceCell


@transaction.atomic
def save_whitespace_cell(
    customer: Customer,
    *,
    division: Division,
    offering: Offering,
    expected_version: int,
    fields: dict,
    m2m: dict,
    by: User,
) -> WhitespaceCell:
    """Create or change the cell of `division` x `offering`; `expected_version` 0 means the
    writer saw an empty cell. A stale version raises StaleVersion."""
    if division.customer_id != customer.pk:
        raise ValueError("The division belongs to another customer.")
    cell = (
        WhitespaceCell.objects.select_for_update()
        .filter(division=division, offering=offering)
        .first()
    )
    if cell is not None:
        return records.update_record(
            cell, by=by, expected_version=expected_version, changes=fields, m2m=m2m
        )
    if expected_version != 0:
        raise StaleVersion(WhitespaceCell(division=division, offering=offering), None)
    try:
        with transaction.atomic():
            return records.create_record(
                WhitespaceCell,
                customer=customer,
                by=by,
                fields={"division": division, "offering": offering, **fields},
                m2m=m2m,
            )
    except IntegrityError as exc:
        # Someone created the same cell a moment ago: the writer saw an empty cell.
        current = WhitespaceCell.objects.filter(division=division, offering=offering).first()
        raise StaleVersion(WhitespaceCell(division=division, offering=offering), current) from exc
