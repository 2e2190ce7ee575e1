"""The account's trash: every record people create (meetings, proposals, comments, the
customer's picture, action items, divisions, SWOT and PESTLE items) is soft-deleted
(core.softdelete), listed here with who deleted it and when, restored with its links by the
lead or a manager for RETENTION, and then purged by a daily beat task. Partner companies,
shared by every account, have a trash of their own."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.softdelete import SoftDeletable
from customers.changes import record_account_change
from customers.models import (
    Customer,
    Goal,
    Option,
    Problem,
    Process,
    ProcessStep,
    Stakeholder,
    StrategicMove,
)
from customers.services import place_restored_step
from dialogue.models import ActionItem, Meeting
from dialogue.services import refresh_last_meeting_at
from insights.models import PlanItem, PlanSection
from insights.plans import can_restore_section, note_item_restored
from solutions.models import Comment, Contribution, Partner, Proposal
from strategy.models import AnalysisItem, Division

RETENTION = dt.timedelta(days=30)

# URL slug -> model; the order is the trash page's order of kinds.
TRASHABLE: dict[str, type[models.Model]] = {
    "meetings": Meeting,
    "proposals": Proposal,
    "comments": Comment,
    "contributions": Contribution,
    "goals": Goal,
    "problems": Problem,
    "stakeholders": Stakeholder,
    "divisions": Division,
    "analysis-items": AnalysisItem,
    "action-items": ActionItem,
    "moves": StrategicMove,
    "options": Option,
    "processes": Process,
    "steps": ProcessStep,
    "plan-sections": PlanSection,
    "plan-items": PlanItem,
}
KIND_LABELS: dict[str, object] = {
    "meetings": gettext_lazy("Meeting"),
    "proposals": gettext_lazy("Proposal"),
    "comments": gettext_lazy("Comment"),
    "contributions": gettext_lazy("Contribution"),
    "goals": gettext_lazy("Goal"),
    "problems": gettext_lazy("Problem"),
    "stakeholders": gettext_lazy("Stakeholder"),
    "action-items": gettext_lazy("Action item"),
    "moves": gettext_lazy("Strategic move"),
    "options": gettext_lazy("Option"),
    "processes": gettext_lazy("Process"),
    "steps": gettext_lazy("Process step"),
    "divisions": gettext_lazy("Division"),
    "analysis-items": gettext_lazy("SWOT/PESTLE item"),
    "plan-sections": gettext_lazy("Plan section"),
    "plan-items": gettext_lazy("Plan item"),
}
# The path from each kind to its customer, and what the trash page shows with its label.
CUSTOMER_PATH = {ProcessStep: "process__customer", Contribution: "proposal__customer"}
RELATED = {
    Contribution: ("proposal", Contribution.specialist.field.name, "partner"),
    Comment: ("author", "proposal"),
    ProcessStep: ("process",),
    PlanSection: ("area",),
    PlanItem: ("section__area",),
}
# Apps above this one add their kinds by name (settings.TRASH_KINDS: the shared space's plan).
for _kind, (_path, _customer_path, _label_text) in settings.TRASH_KINDS.items():
    _model = import_string(_path)
    TRASHABLE[_kind] = _model
    KIND_LABELS[_kind] = _label_text
    CUSTOMER_PATH[_model] = _customer_path
    RELATED[_model] = ("space",)


@dataclass(frozen=True)
class DeletedRecord:
    kind: str
    record: models.Model
    label: str
    deleted_at: dt.datetime
    deleted_by: User | None
    restorable_until: dt.datetime

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


def kind_of(record: models.Model) -> str:
    return next(kind for kind, model in TRASHABLE.items() if isinstance(record, model))


def _label(record: models.Model) -> str:
    if isinstance(record, Comment):
        return _("Comment by %(author)s on %(proposal)s") % {
            "author": record.author,
            "proposal": record.proposal,
        }
    if isinstance(record, ProcessStep):
        return _("%(step)s (step of %(process)s)") % {
            "step": record.name,
            "process": record.process,
        }
    if isinstance(record, Contribution):
        source = record.specialist.display_name if record.specialist else record.partner.name
        return _("Contribution from %(source)s to %(proposal)s") % {
            "source": source,
            "proposal": record.proposal.title,
        }
    if isinstance(record, PlanItem):
        return f"{record.get_kind_display()}: {record.title} ({record.section.title})"
    return str(record)


def customer_id_of(record: models.Model) -> int:
    if CUSTOMER_PATH.get(type(record), "").startswith("space__"):
        return record.space.customer_id  # type: ignore[attr-defined]
    if isinstance(record, ProcessStep):
        return record.process.customer_id
    if isinstance(record, Contribution):
        return record.proposal.customer_id
    return record.customer_id  # type: ignore[attr-defined]


def _of_customer(model: type[models.Model], customer: Customer) -> models.QuerySet:
    return model._base_manager.filter(**{CUSTOMER_PATH.get(model, "customer"): customer})


@transaction.atomic
def restore_record(record: SoftDeletable, *, by: User) -> bool:
    """Take the record out of the trash; False when it was not (or no longer) there, or when
    a plan section was written again since (its kind and area have a live section)."""
    if isinstance(record, PlanSection) and not can_restore_section(record):
        return False
    if not record.restore(by=by, deleted_since=timezone.now() - RETENTION):
        return False
    if isinstance(record, PlanItem):
        note_item_restored(record, by=by)
    if isinstance(record, ProcessStep):
        place_restored_step(record)
    record_account_change(customer_id_of(record))
    if isinstance(record, Meeting):
        refresh_last_meeting_at(record.customer_id)
    return True


def refusal_message(record: models.Model) -> str:
    """Why `restore_record` refused the record, in the reader's language."""
    if isinstance(record, PlanSection):
        return _(
            "Not restored: %(record)s was written again since it was deleted; the account "
            "already has a live section for this area. Delete that one first to restore this one."
        ) % {"record": record}
    return _("Not restored: %(record)s was changed since it was deleted.") % {"record": record}


def deleted_records(customer: Customer, *, now: dt.datetime | None = None) -> list[DeletedRecord]:
    """The account's restorable records, most recently deleted first (one query per kind)."""
    now = now or timezone.now()
    since = now - RETENTION
    found = []
    for kind, model in TRASHABLE.items():
        queryset = _of_customer(model, customer).filter(deleted_at__gte=since)
        queryset = queryset.select_related("deleted_by", *RELATED.get(model, ()))
        for record in queryset:
            found.append(
                DeletedRecord(
                    kind=kind,
                    record=record,
                    label=_label(record),
                    deleted_at=record.deleted_at,
                    deleted_by=record.deleted_by,
                    restorable_until=record.deleted_at + RETENTION,
                )
            )
    return sorted(found, key=lambda d: (d.deleted_at, d.record.pk), reverse=True)


def deleted_record(customer: Customer, kind: str, pk: int) -> models.Model | None:
    """One restorable record of the account, or None."""
    model = TRASHABLE.get(kind)
    if model is None:
        return None
    return (
        _of_customer(model, customer)
        .filter(pk=pk, deleted_at__gte=timezone.now() - RETENTION)
        .select_related("deleted_by", *RELATED.get(model, ()))
        .first()
    )


# --- The partner catalogue's trash ------------------------------------------------------------
# Partners belong to no account: deleted ones are listed on their own page, for whoever keeps
# the catalogue (accounts.visibility.can_manage_partners).


def deleted_partners() -> list[Partner]:
    """The partners in the catalogue's trash, most recently deleted first (one query)."""
    return list(
        Partner._base_manager.filter(deleted_at__isnull=False)
        .select_related("deleted_by")
        .order_by("-deleted_at", "-pk")
    )


def deleted_partner(pk: int) -> Partner | None:
    return Partner._base_manager.filter(pk=pk, deleted_at__isnull=False).first()


def restore_partner(partner: Partner, *, by: User) -> bool:
    """Bring a partner back into the catalogue (its contributions never lost it).

    A partner that made contributions is never purged, so it stays restorable past RETENTION.
    """
    return partner.is_deleted and partner.restore(by=by, deleted_since=partner.deleted_at)


def _purge_partners(cutoff: dt.datetime) -> int:
    # Contributions point to their partner (PROTECT): a partner that made any stays, hidden.
    expired = Partner._base_manager.filter(deleted_at__lt=cutoff).exclude(
        models.Exists(Contribution._base_manager.filter(partner=models.OuterRef("pk")))
    )
    count = expired.count()
    expired.delete()
    return count


@transaction.atomic
def purge_trash(*, now: dt.datetime | None = None) -> int:
    """Delete for good what was deleted more than RETENTION ago; the number of rows purged.

    A deleted comment that has replies keeps its place in the thread (shown as deleted) with
    its text wiped, so the replies still make sense.
    """
    cutoff = (now or timezone.now()) - RETENTION
    purged = 0
    for model in TRASHABLE.values():
        expired = model._base_manager.filter(deleted_at__lt=cutoff)
        if model is Comment:
            with_replies = expired.filter(
                models.Exists(Comment.objects.filter(parent=models.OuterRef("pk")))
            )
            purged += with_replies.exclude(body="").update(body="")
            expired = expired.exclude(pk__in=with_replies.values("pk"))
        customer_ids = set(expired.values_list(CUSTOMER_PATH.get(model, "customer"), flat=True))
        purged += expired.count()
        expired.delete()
        for customer_id in customer_ids:
            record_account_change(customer_id)
    return purged + _purge_partners(cutoff)
