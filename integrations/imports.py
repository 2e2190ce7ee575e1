"""The CRM import: a file is read as a stream in batches, each row checked and classified
(create, update, skip), and, when applied, written in one transaction (all or nothing).

Records are matched by the source's record id (`ExternalRef`), looked up only among the
accounts the importer can see: another team's accounts are never read, changed or named.
A dry run and the import share this code; the import simply writes what the dry run counted.
"""

import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from functools import partial
from typing import IO

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.visibility import (
    AccountAccess,
    access_from_annotations,
    annotate_access,
    assignable_leads,
    can_create_customers,
    scope_to_visible,
)
from core.errors import ImportRefused
from customers import services as customer_services
from customers import tallies
from customers.changes import record_accounts_change
from customers.models import Customer, Stakeholder
from dialogue.models import Meeting
from dialogue.services import latest_meeting_at_of_row
from integrations.bulk import insert_history, insert_rows, update_rows
from integrations.csvfile import iter_rows
from integrations.models import ExternalRef, ImportRun, ImportUpdate, RecordKind
from integrations.rows import Row, to_row
from integrations.undo import MODELS, UPDATABLE

logger = logging.getLogger("accord.integrations")

BATCH = 2000
# Row errors kept for the preview and the error report; the count goes on.
MAX_STORED_ERRORS = 10000


# --- Processing ---------------------------------------------------------------------------------


@dataclass
class Outcome:
    total: int = 0
    create: int = 0
    update: int = 0
    skip: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    error_count: int = 0

    def error(self, line: int, column: str, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append((line, column, reason))


class _Abort(Exception):
    """A row error while applying: the whole file's transaction is rolled back."""


PUBLISH_TASK = "integrations.tasks.publish_import_changes_task"


def progress_key(run_id: int) -> str:
    return f"integrations:import:{run_id}:rows"


class Importer:
    """Check (and, with `apply`, import) one run's file, batch by batch."""

    def __init__(self, run: ImportRun, *, apply: bool) -> None:
        self.run = run
        self.user: User = run.user
        self.apply = apply
        self.kind = run.kind
        self.outcome = Outcome()
        self.seen: set[str] = set()
        self.access: dict[int, AccountAccess] = {}
        self.touched: set[int] = set()
        # Accounts the import created: their change is recorded, its publishing left to us.
        self.created_accounts: set[int] = set()
        self.records: list[ImportUpdate] = []
        self.leads: dict[str, User] | None = None

    # The whole file

    def process(self, raw: IO[bytes]) -> Outcome:
        if self.kind == RecordKind.ACCOUNTS and not can_create_customers(self.user):
            raise ImportRefused(_("Your role does not allow importing accounts."))
        batch: list[Row] = []
        for line, cells in iter_rows(raw, self.run.encoding):
            self.outcome.total += 1
            if self.outcome.total > settings.IMPORT_MAX_ROWS:
                raise ImportRefused(
                    _("The file has more than %(rows)d rows.") % {"rows": settings.IMPORT_MAX_ROWS}
                )
            batch.append(to_row(self.kind, self.run.mapping, line, cells))
            if len(batch) >= BATCH:
                self._batch(batch)
                batch = []
        if batch:
            self._batch(batch)
        if self.outcome.total == 0:
            raise ImportRefused(_("The file has no rows to import."))
        if self.apply:
            # One change per touched account for the whole file, set-based.
            also = {}
            if self.kind == RecordKind.ACTIVITIES:
                also["last_meeting_at"] = latest_meeting_at_of_row()
            record_accounts_change(self.touched, **also)
            # The consumers hear about every touched account from one task in the worker: told
            # from the commit, thousands of accounts held the import for minutes (five Celery
            # messages each). Should the broker be down, the sweep publishes them.
            task = current_app.signature(PUBLISH_TASK)
            publish = sorted(self.touched | self.created_accounts)
            transaction.on_commit(partial(task.delay, publish), robust=True)
        return self.outcome

    def _batch(self, rows: list[Row]) -> None:
        for row in rows:
            if row.external_id:
                if row.external_id in self.seen:
                    row.errors.append(
                        (self.run.mapping.get("id", "id"), _("this record id appears twice"))
                    )
                self.seen.add(row.external_id)
        if self.kind == RecordKind.ACCOUNTS:
            self._accounts(rows)
        else:
            self._children(rows)
        if self.apply and self.outcome.error_count:
            raise _Abort
        cache.set(progress_key(self.run.pk), self.outcome.total, 3600)

    def _report(self, row: Row) -> bool:
        for column, reason in row.errors:
            self.outcome.error(row.line, column, reason)
        return not row.errors

    def _refs(self, kind: str, external_ids: set[str], customer_ids: set[int] | None) -> dict:
        refs = ExternalRef.objects.filter(
            system=self.run.system, kind=kind, external_id__in=external_ids
        )
        if customer_ids is None:
            refs = scope_to_visible(refs, self.user, "customer")
            return {r.external_id: r for r in refs}
        return {
            (r.external_id, r.customer_id): r for r in refs.filter(customer_id__in=customer_ids)
        }

    def _load_access(self, customer_ids: set[int]) -> None:
        wanted = customer_ids - self.access.keys()
        if wanted:
            queryset = annotate_access(
                Customer.objects.visible_to(self.user).filter(pk__in=wanted).only("pk"), self.user
            )
            for customer in queryset:
                self.access[customer.pk] = access_from_annotations(customer, self.user)

    def _classify(self, row: Row, ref: ExternalRef | None) -> str:
        if ref is None:
            self.outcome.create += 1
            return "create"
        if ref.fingerprint == row.fingerprint:
            self.outcome.skip += 1
            return "skip"
        self.outcome.update += 1
        return "update"

    # Accounts

    def _lead_for(self, row: Row) -> User | None:
        if not row.owner or not can_create_customers(self.user):
            return self.user
        if self.leads is None:
            self.leads = {}
            for user in assignable_leads(self.user):
                for key in (user.email, user.username, user.display_name):
                    if key:
                        self.leads.setdefault(key.strip().lower(), user)
        if not self.leads.keys() - {
            self.user.email.lower(),
            self.user.username.lower(),
            self.user.display_name.lower(),
        }:
            # Someone who may lead only what they import: the owner column does not apply.
            return self.user
        lead = self.leads.get(row.owner.strip().lower())
        if lead is None:
            row.errors.append(
                (
                    self.run.mapping.get("owner", "owner"),
                    _("“%(owner)s” is not a user you may make the lead") % {"owner": row.owner},
                )
            )
        return lead

    def _accounts(self, rows: list[Row]) -> None:
        refs = self._refs(RecordKind.ACCOUNTS, {r.external_id for r in rows}, None)
        self._load_access({r.customer_id for r in refs.values()})
        creates, updates = [], []
        for row in rows:
            ref = refs.get(row.external_id)
            if ref is not None and not self.access[ref.customer_id].can_edit_core:
                row.errors.append(
                    (
                        self.run.mapping.get("id", "id"),
                        _("your role on this account does not allow changing it"),
                    )
                )
            lead = self._lead_for(row) if ref is None else None
            if not self._report(row):
                continue
            action = self._classify(row, ref)
            if action == "create":
                creates.append((row, lead))
            elif action == "update":
                updates.append((row, ref))
        if not self.apply:
            return
        new_refs = []
        # Each dashboard tally group the batch touches is recomputed once, not once per row.
        with tallies.deferred():
            for row, lead in creates:
                customer = customer_services.create_customer(
                    lead=lead, publish=False, **row.values
                )
                self.created_accounts.add(customer.pk)
                new_refs.append(self._new_ref(row, customer.pk, customer.pk))
            ExternalRef.objects.bulk_create(new_refs)
            self.run.created += len(new_refs)
            self._apply_updates(updates)

    # Contacts and activities: under an account imported before, found by its record id

    def _children(self, rows: list[Row]) -> None:
        accounts = ExternalRef.objects.filter(
            system=self.run.system,
            kind=RecordKind.ACCOUNTS,
            external_id__in={r.account_id for r in rows if r.account_id},
        )
        by_id: dict[str, set[int]] = {}
        for account_id, customer_id in scope_to_visible(
            accounts, self.user, "customer"
        ).values_list("external_id", "customer_id"):
            by_id.setdefault(account_id, set()).add(customer_id)
        self._load_access({c for ids in by_id.values() for c in ids})
        column = self.run.mapping.get("account_id", "account_id")
        placed: list[tuple[Row, int]] = []
        for row in rows:
            customers = by_id.get(row.account_id, set())
            if row.account_id and not customers:
                row.errors.append(
                    (
                        column,
                        _(
                            "no account of yours has the record id “%(id)s” (import the "
                            "accounts file first)"
                        )
                        % {"id": row.account_id},
                    )
                )
            elif len(customers) > 1:
                row.errors.append((column, _("several of your accounts have this record id")))
            elif customers and not self.access[next(iter(customers))].can_contribute:
                row.errors.append((column, _("your role on this account is read-only")))
            if customers and len(customers) == 1 and not row.errors:
                placed.append((row, next(iter(customers))))
            else:
                self._report(row)
        customer_ids = {c for _row, c in placed}
        refs = self._refs(self.kind, {r.external_id for r, _c in placed}, customer_ids)
        contacts: dict[tuple[str, int], int] = {}
        if self.kind == RecordKind.ACTIVITIES:
            wanted = {c for r, _c in placed for c in r.contact_ids}
            for ref in ExternalRef.objects.filter(
                system=self.run.system,
                kind=RecordKind.CONTACTS,
                external_id__in=wanted,
                customer_id__in=customer_ids,
            ):
                contacts[(ref.external_id, ref.customer_id)] = ref.object_id
        creates, updates = [], []
        for row, customer_id in placed:
            # Contacts the source links but that were not imported are left out.
            row.contact_ids = [c for c in row.contact_ids if (c, customer_id) in contacts]
            action = self._classify(row, refs.get((row.external_id, customer_id)))
            if action == "create":
                creates.append((row, customer_id))
            elif action == "update":
                updates.append((row, refs[(row.external_id, customer_id)]))
        if not self.apply:
            return
        self._create_children(creates, contacts)
        self._apply_updates(updates, contacts)

    def _create_children(self, creates: list[tuple[Row, int]], contacts: dict) -> None:
        if not creates:
            return
        # Set-based: one INSERT per table and batch, the values as cleaned by the row check.
        if self.kind == RecordKind.CONTACTS:
            model: type[Stakeholder | Meeting] = Stakeholder
            pks = insert_rows(Stakeholder, [{"customer_id": c, **row.values} for row, c in creates])
        else:
            model = Meeting
            pks = insert_rows(
                Meeting,
                [
                    {
                        "customer_id": c,
                        "author_id": self.user.pk,
                        **row.values,
                        "occurred_at": dt.datetime.fromisoformat(row.values["occurred_at"]),
                    }
                    for row, c in creates
                ],
            )
            links = {
                (m, contacts[(cid, c)])
                for (row, c), m in zip(creates, pks, strict=True)
                for cid in row.contact_ids
            }
            insert_rows(
                Meeting.stakeholders.through,
                [{"meeting_id": m, "stakeholder_id": s} for m, s in sorted(links)],
                returning=False,
            )
        # With their history rows, as records created in the pages have: the importer as
        # author, the run as the reason.
        insert_history(model, pks, user_id=self.user.pk, reason=self._reason())
        insert_rows(
            ExternalRef,
            [self._new_ref_values(row, c, pk) for (row, c), pk in zip(creates, pks, strict=True)],
            returning=False,
        )
        self.touched.update(c for _row, c in creates)
        self.run.created += len(creates)

    def _reason(self) -> str:
        return f"Imported from {self.run.system} (import {self.run.pk})"[:100]

    def _new_ref(self, row: Row, customer_id: int, object_id: int) -> ExternalRef:
        return ExternalRef(**self._new_ref_values(row, customer_id, object_id))

    def _new_ref_values(self, row: Row, customer_id: int, object_id: int) -> dict:
        return {
            "system": self.run.system,
            "kind": self.kind,
            "external_id": row.external_id,
            "customer_id": customer_id,
            "object_id": object_id,
            "fingerprint": row.fingerprint,
            "created_by_run_id": self.run.pk,
        }

    def _apply_updates(
        self, updates: list[tuple[Row, ExternalRef]], contacts: dict | None = None
    ) -> None:
        if not updates:
            return
        if self.kind == RecordKind.ACCOUNTS:
            self._update_accounts(updates)
        else:
            self._update_children(updates, contacts or {})
        ExternalRef.objects.bulk_update([ref for _row, ref in updates], ["fingerprint"])

    def _update_record(self, ref: ExternalRef, row: Row, obj: object, before: dict) -> None:
        self.records.append(
            ImportUpdate(
                run=self.run,
                ref=ref,
                label=str(obj)[:200],
                before=json.loads(json.dumps(before, default=str)),
                before_fingerprint=ref.fingerprint,
            )
        )
        ref.fingerprint = row.fingerprint
        self.touched.add(ref.customer_id)

    def _update_accounts(self, updates: list[tuple[Row, ExternalRef]]) -> None:
        # Few rows: through the service, as an edit in the pages.
        fields = UPDATABLE[self.kind]
        objects = Customer._base_manager.in_bulk([ref.object_id for _row, ref in updates])
        self.records = []
        for row, ref in updates:
            obj = objects.get(ref.object_id)
            if obj is None:
                continue
            before = {name: getattr(obj, name) for name in fields}
            customer_services.update_customer(
                obj, by=self.user, expected_version=obj.version, changes=dict(row.values)
            )
            self._update_record(ref, row, obj, before)
        ImportUpdate.objects.bulk_create(self.records)
        self.run.updated += len(self.records)

    def _update_children(self, updates: list[tuple[Row, ExternalRef]], contacts: dict) -> None:
        """The batch's changed contacts or activities, set-based: their rows locked and read in
        one query, written in one UPDATE with one history row each ("~", the importer as
        author); the touched accounts' change is recorded once at the end of the file."""
        model = MODELS[self.kind]
        fields = UPDATABLE[self.kind]
        objects = model._base_manager.select_for_update().in_bulk(
            [ref.object_id for _row, ref in updates]
        )
        activities = self.kind == RecordKind.ACTIVITIES
        linked: dict[int, list[int]] = {}
        if activities:
            for meeting_id, stakeholder_id in Meeting.stakeholders.through.objects.filter(
                meeting_id__in=objects.keys()
            ).values_list("meeting_id", "stakeholder_id"):
                linked.setdefault(meeting_id, []).append(stakeholder_id)
        now = timezone.now()
        self.records = []
        changed = []
        relink: dict[int, set[int]] = {}
        for row, ref in updates:
            obj = objects.get(ref.object_id)
            if obj is None:
                continue
            before = {name: getattr(obj, name) for name in fields}
            changes = dict(row.values)
            if activities:
                changes["occurred_at"] = dt.datetime.fromisoformat(changes["occurred_at"])
                before["stakeholders"] = sorted(linked.get(obj.pk, []))
                wanted = {contacts[(c, ref.customer_id)] for c in row.contact_ids}
                if wanted != set(before["stakeholders"]):
                    relink[obj.pk] = wanted
            for name, value in changes.items():
                setattr(obj, name, value)
            obj.version += 1  # type: ignore[attr-defined]
            obj.updated_at = now  # type: ignore[attr-defined]
            changed.append(obj)
            self._update_record(ref, row, obj, before)
        columns = [*fields, "version", "updated_at"]
        update_rows(
            model,
            [obj.pk for obj in changed],
            {name: [getattr(obj, name) for obj in changed] for name in columns},
        )
        insert_history(
            model,
            [obj.pk for obj in changed],
            user_id=self.user.pk,
            reason=self._reason(),
            history_type="~",
        )
        if relink:
            through = Meeting.stakeholders.through
            through.objects.filter(meeting_id__in=relink.keys()).delete()
            insert_rows(
                through,
                [
                    {"meeting_id": m, "stakeholder_id": s}
                    for m, wanted in sorted(relink.items())
                    for s in sorted(wanted)
                ],
                returning=False,
            )
        ImportUpdate.objects.bulk_create(self.records)
        self.run.updated += len(self.records)
