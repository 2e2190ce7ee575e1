"""Writes of the strategy tools. Each records an account change in its transaction."""

from django.db import IntegrityError, models, transaction

from accounts.models import User
from core.versioning import StaleVersion
from customers import services as records
from customers.changes import record_account_change
from customers.models import Customer
from solutions.models import Proposal
from strategy.analysis import SOURCES, source_of, staleness
from strategy.models import (
    AccountPlaybook,
    AnalysisItem,
    Division,
    Offering,
    Playbook,
    ProposalValue,
    WhitespaceCell,
)


def _save_one[M: models.Model](
    model: type[M],
    key: dict,
    *,
    customer: Customer,
    expected_version: int,
    fields: dict,
    m2m: dict | None,
    by: User,
) -> M:
    """Create or change the one `model` row matching `key`; `expected_version` 0 means the
    writer saw none. A stale version, or a row created meanwhile, raises StaleVersion."""
    record = model._default_manager.select_for_update().filter(**key).first()
    if record is not None:
        return records.update_record(
            record, by=by, expected_version=expected_version, changes=fields, m2m=m2m
        )
    if expected_version != 0:
        raise StaleVersion(model(**key), None)
    try:
        with transaction.atomic():
            return records.create_record(
                model, customer=customer, by=by, fields={**key, **fields}, m2m=m2m
            )
    except IntegrityError as exc:
        # Someone created the same row a moment ago: the writer saw none.
        current = model._default_manager.filter(**key).first()
        raise StaleVersion(model(**key), current) from exc


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
    key = {"division": division, "offering": offering}
    return _save_one(
        WhitespaceCell,
        key,
        customer=customer,
        expected_version=expected_version,
        fields=fields,
        m2m=m2m,
        by=by,
    )


@transaction.atomic
def save_proposal_value(
    proposal: Proposal, *, expected_version: int, fields: dict, by: User
) -> ProposalValue:
    """Set the value at stake of a proposal (amount, currency and rate, recurrence, decision
    date, probability); its history keeps every earlier estimate."""
    return _save_one(
        ProposalValue,
        {"proposal": proposal},
        customer=proposal.customer,
        expected_version=expected_version,
        fields=fields,
        m2m=None,
        by=by,
    )


def _link(source: models.Model | None) -> dict:
    if source is None:
        return {}
    kind = next(k for k, (model, _f) in SOURCES.items() if isinstance(source, model))
    field = SOURCES[kind][1]
    return {field: source, "source_kind": kind, "source_version": source.version}


@transaction.atomic
def add_analysis_item(
    customer: Customer,
    *,
    category: str,
    text: str,
    by: User,
    source: models.Model | None = None,
    is_suggested: bool = False,
    is_ignored: bool = False,
) -> AnalysisItem:
    """Write a SWOT or PESTLE item, optionally linked to one of the customer's records."""
    if source is not None and source.customer_id != customer.pk:  # type: ignore[attr-defined]
        raise ValueError("The source belongs to another customer.")
    fields = {
        "category": category,
        "text": text,
        "is_suggested": is_suggested,
        "is_ignored": is_ignored,
        "created_by": by,
        **_link(source),
    }
    return records.create_record(AnalysisItem, customer=customer, by=by, fields=fields)


def accept_suggestion(
    customer: Customer, *, source: models.Model, category: str, by: User
) -> AnalysisItem:
    """Take a suggestion into the SWOT: an item linked to its source, worded as the source."""
    return add_analysis_item(
        customer, category=category, text=str(source), by=by, source=source, is_suggested=True
    )


def ignore_suggestion(customer: Customer, *, source: models.Model, by: User) -> AnalysisItem:
    """Not this one: kept as an ignored item so it is not suggested again."""
    return add_analysis_item(
        customer,
        category=AnalysisItem.Category.WEAKNESS,
        text=str(source),
        by=by,
        source=source,
        is_suggested=True,
        is_ignored=True,
    )


@transaction.atomic
def mark_item_reviewed(item: AnalysisItem, *, by: User) -> AnalysisItem:
    """The team looked at the item again: a changed source becomes current; a closed or
    deleted source is unlinked, the item's words stay."""
    source = source_of(item)
    if source is not None and staleness(item) == "changed":
        changes: dict = {"source_version": source.version}
    else:
        changes = {field: None for _model, field in SOURCES.values()}
        changes.update(source_kind="", source_version=None)
    return records.update_record(item, by=by, expected_version=item.version, changes=changes)


@transaction.atomic
def choose_playbook(customer: Customer, *, playbook: Playbook | None, by: User) -> None:
    """Set the account's playbook; None returns it to its segment's playbook."""
    if playbook is None:
        AccountPlaybook.objects.filter(customer=customer).delete()
    else:
        choice = AccountPlaybook.objects.filter(customer=customer).first() or AccountPlaybook(
            customer=customer
        )
        choice.playbook = playbook
        choice.chosen_by = by
        choice._history_user = by  # type: ignore[attr-defined]
        choice.save()
    record_account_change(customer.pk)
