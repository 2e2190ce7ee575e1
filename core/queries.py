"""The audit trail of one account: auth/access events plus every recorded change."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import AuditEvent

HISTORY_TYPES = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
# Bookkeeping columns that change on every save and say nothing to a reader.
SKIPPED_FIELDS = {"version", "updated_at", "data_version", "summary_dirty_since", "updated_by"}


@dataclass
class AuditEntry:
    at: datetime
    actor: str
    action: object  # a lazily translated word or the event's label
    object_type: str
    object_id: str
    ip_address: str = ""
    detail: str = ""
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)


def _customer_filter(model: type[models.Model], customer_id: int) -> dict | None:
    """How to find this model's history rows for one account (None: not account data)."""
    if model._meta.label == "customers.Customer":
        return {"id": customer_id}
    names = {f.name for f in model._meta.concrete_fields}
    if "customer" in names:
        return {"customer_id": customer_id}
    for candidate in ("proposal", "process", "meeting", "section", "plan"):
        if candidate in names:
            related = model._meta.get_field(candidate).related_model
            if "customer" in {f.name for f in related._meta.concrete_fields}:
                return {f"{candidate}__customer_id": customer_id}
    return None


def _history_models() -> list[tuple[type[models.Model], Any]]:
    found = []
    for model in apps.get_models():
        manager = getattr(model, "history", None)
        if manager is not None and hasattr(manager, "model") and hasattr(model, "_meta"):
            found.append((model, manager.model))
    return found


def _diff(newer: models.Model, older: models.Model | None, names: list[str]) -> list[tuple]:
    if older is None:
        return []
    return [
        (name, getattr(older, name), getattr(newer, name))
        for name in names
        if getattr(older, name) != getattr(newer, name)
    ]


def audit_trail(customer_id: int, *, limit: int = 200) -> list[AuditEntry]:
    """The newest `limit` entries for one account, newest first, with before/after values.

    Queries: one per history-tracked model (the newest rows), one per model for the rows just
    before them (for the before values), one for audit events, one for users' names.
    """
    entries: list[AuditEntry] = []
    users: set[int] = set()
    for model, history_model in _history_models():
        condition = _customer_filter(model, customer_id)
        if condition is None:
            continue
        rows = list(
            history_model.objects.filter(**condition).order_by("-history_date", "-history_id")[
                :limit
            ]
        )
        if not rows:
            continue
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if f.attname in {g.attname for g in history_model._meta.concrete_fields}
            and f.name not in SKIPPED_FIELDS
            and f.name != model._meta.pk.name
        ]
        pk_name = model._meta.pk.attname
        ids = {getattr(row, pk_name) for row in rows}
        every = history_model.objects.filter(**{f"{pk_name}__in": ids}).order_by(
            pk_name, "history_date", "history_id"
        )
        previous: dict[int, models.Model] = {}
        last_seen: dict[Any, models.Model] = {}
        for row in every:
            key = getattr(row, pk_name)
            if key in last_seen:
                previous[row.history_id] = last_seen[key]
            last_seen[key] = row
        for row in rows:
            users.add(row.history_user_id)
            reason = row.history_change_reason or ""
            ip = reason.split("ip=", 1)[1].split()[0] if "ip=" in reason else ""
            entries.append(
                AuditEntry(
                    at=row.history_date,
                    actor=str(row.history_user_id or ""),
                    action=HISTORY_TYPES.get(row.history_type, row.history_type),
                    object_type=model._meta.verbose_name,
                    object_id=str(getattr(row, pk_name)),
                    ip_address="" if ip == "-" else ip,
                    detail=reason.split("; ip=")[0] if not reason.startswith("ip=") else "",
                    changes=_diff(row, previous.get(row.history_id), names)
                    if row.history_type == "~"
                    else [],
                )
            )
    for event in AuditEvent.objects.filter(customer_id=customer_id).select_related("actor")[:limit]:
        entries.append(
            AuditEntry(
                at=event.created_at,
                actor=event.actor.display_name if event.actor else event.username,
                action=event.get_action_display(),
                object_type=event.object_type,
                object_id=event.object_id,
                ip_address=event.ip_address or "",
                detail=event.detail,
            )
        )
    names = {
        str(u.pk): u.display_name
        for u in apps.get_model("accounts", "User").objects.filter(pk__in=users - {None})
    }
    for entry in entries:
        if entry.actor.isdigit():
            entry.actor = names.get(entry.actor, entry.actor)
        elif not entry.actor:
            entry.actor = "system"
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]
