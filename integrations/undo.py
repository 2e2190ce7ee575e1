"""Undoing a whole import for 30 days: what it created goes, what it updated gets its values
back, on accounts the user may still change."""

import datetime as dt

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AccountMembership, User
from accounts.visibility import access_from_annotations, annotate_access
from core.errors import ImportRefused
from customers import tallies
from customers.changes import record_account_change
from customers.models import Customer, Stakeholder
from dialogue.models import Meeting
from dialogue.services import refresh_last_meeting_at
from integrations.models import ExternalRef, ImportRun, RecordKind

UNDO_DAYS = 30
MODELS: dict[str, type[models.Model]] = {
    RecordKind.ACCOUNTS: Customer,
    RecordKind.CONTACTS: Stakeholder,
    RecordKind.ACTIVITIES: Meeting,
}
# Fields an update may change (and an undo puts back).
UPDATABLE = {
    RecordKind.ACCOUNTS: ("name", "industry", "website", "size", "description"),
    RecordKind.CONTACTS: ("name", "title", "email", "phone"),
    RecordKind.ACTIVITIES: ("occurred_at", "kind", "title", "notes"),
}


def undo_blockers(run: ImportRun, *, by: User) -> str:
    """Why `by` cannot undo the import now; empty when they can."""
    if run.status != ImportRun.Status.DONE:
        return _("Only a finished import can be undone.")
    if run.finished_at and run.finished_at < timezone.now() - dt.timedelta(days=UNDO_DAYS):
        return _("Imports can be undone for %(days)d days.") % {"days": UNDO_DAYS}
    refs = ExternalRef.objects.filter(
        Q(created_by_run=run) | Q(pk__in=run.updates.values("ref_id"))
    )
    customer_ids = set(refs.values_list("customer_id", flat=True))
    visible = annotate_access(
        Customer.objects.visible_to(by).filter(pk__in=customer_ids).only("pk"), by
    )
    access = {c.pk: access_from_annotations(c, by) for c in visible}
    needed = "can_edit_core" if run.kind == RecordKind.ACCOUNTS else "can_contribute"
    if len(access) < len(customer_ids) or not all(getattr(a, needed) for a in access.values()):
        return _("Some of the accounts this import changed are no longer yours to change.")
    if run.kind == RecordKind.ACCOUNTS:
        created = ExternalRef.objects.filter(created_by_run=run).values("customer_id")
        if (
            Stakeholder.objects.filter(customer_id__in=created).exists()
            or Meeting.objects.filter(customer_id__in=created).exists()
        ):
            return _(
                "Accounts this import created now have contacts or meetings: undo those "
                "imports first, or delete what was added by hand."
            )
    return ""


@transaction.atomic
def undo_import(run: ImportRun, *, by: User) -> None:
    """Take back everything the import created and put back what it updated."""
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    blocker = undo_blockers(run, by=by)
    if blocker:
        raise ImportRefused(blocker)
    model = MODELS[run.kind]
    touched: set[int] = set()
    for update in run.updates.select_related("ref"):
        before = dict(update.before)
        stakeholders = before.pop("stakeholders", None)
        if "occurred_at" in before:
            before["occurred_at"] = dt.datetime.fromisoformat(before["occurred_at"])
        obj = model._base_manager.filter(pk=update.ref.object_id).first()
        if obj is not None:
            for name, value in before.items():
                setattr(obj, name, value)
            obj.version += 1  # type: ignore[attr-defined]
            obj._history_user = by  # type: ignore[attr-defined]
            obj._change_reason = f"Import {run.pk} undone"  # type: ignore[attr-defined]
            obj.save()
            if stakeholders is not None:
                obj.stakeholders.set(stakeholders)  # type: ignore[attr-defined]
        update.ref.fingerprint = update.before_fingerprint
        update.ref.save(update_fields=["fingerprint"])
        touched.add(update.ref.customer_id)
    created = ExternalRef.objects.filter(created_by_run=run)
    if run.kind == RecordKind.ACCOUNTS:
        doomed = list(created.values_list("customer_id", flat=True))
        # Team changes are audited against the customer: remove the team first, so those
        # events exist (and lose their link) before the customer goes.
        viewers, leads = tallies.viewers_of_many(doomed)
        AccountMembership.objects.filter(customer_id__in=doomed).delete()
        Customer.objects.filter(pk__in=doomed).delete()
        tallies.retally(viewers, leads)
    else:
        touched.update(created.values_list("customer_id", flat=True).distinct())
        model._base_manager.filter(pk__in=created.values("object_id")).delete()
        created.delete()
    existing = set(Customer.objects.filter(pk__in=touched).values_list("pk", flat=True))
    for customer_id in sorted(existing):
        record_account_change(customer_id)
        if run.kind == RecordKind.ACTIVITIES:
            refresh_last_meeting_at(customer_id)
    run.status = ImportRun.Status.UNDONE
    run.undone_at = timezone.now()
    run.save(update_fields=["status", "undone_at"])
