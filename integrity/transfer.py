"""Export one account whole as JSON, and import it into an empty database.

The export holds every row of the customers, dialogue, solutions, insights, strategy, health,
space and mailin apps that belongs to the customer (the emails logged on it with their
attachments' names, types and sizes and stored file paths, not the files; mail still waiting in
a user's inbox belongs to no account) (their change history included), its memberships,
the shared rows they point to (areas, partners, offerings, playbooks, and the rows those point
to) and the M2M links. Secrets stay out (calendar feed tokens, guest sessions, guest sign-in
nonces). Users are written by username and matched by username on import; a missing user is
created inactive, so nobody can sign in with an account that only arrived in a file.
"""

import datetime as dt
import json
from collections import deque
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import AccountMembership, User
from core.errors import ImportRefused
from core.softdelete import SoftDeletable
from customers import tallies
from customers.models import Customer

FORMAT = "accord-account/1"
ACCOUNT_APPS = (
    "customers",
    "dialogue",
    "solutions",
    "insights",
    "strategy",
    "health",
    "space",
    "mailin",
)
# Rows that several accounts share: exported when referenced, created on import if missing;
# in dependency order (an offering belongs to an area, a playbook lists offerings).
SHARED_MODELS = ("accounts.Area", "solutions.Partner", "strategy.Offering", "strategy.Playbook")
# Per-user bookkeeping, not part of an account; a calendar feed's token is a secret of its user,
# a guest session's key one of its guest.
SKIPPED_MODELS = (
    "insights.DigestDelivery",
    "solutions.HistoricalPartner",
    "dialogue.CalendarFeed",
    "space.GuestSession",
    # An account's forwarding address is a token to keep private (the importing install issues
    # a new one on first view); the dropped-mail counters belong to no account.
    "mailin.InboundAddress",
    "mailin.DroppedMailCount",
    # Per-viewer counts derived from the accounts (customers/tallies.py): recomputed on import.
    "customers.AccountTally",
)
# Secrets on exported rows, written empty: a guest's sign-in nonce (an empty one signs nobody
# in; the next link the guest asks for gets a new one).
SECRET_FIELDS = {"space.guest": ("link_nonce",)}


def _is_history(model: type[models.Model]) -> bool:
    return model.__name__.startswith("Historical") and hasattr(model, "instance_type")


def account_models() -> list[type[models.Model]]:
    """The models an account export covers, in dependency order (parents first)."""
    skipped = {apps.get_model(label) for label in (*SHARED_MODELS, *SKIPPED_MODELS)}
    found = [
        model
        for app in ACCOUNT_APPS
        for model in apps.get_app_config(app).get_models()
        if model not in skipped
    ]
    return [*found, AccountMembership]


def _path_to_customer(model: type[models.Model]) -> str | None:
    """The lookup from `model` to its customer (e.g. 'proposal__customer'), by foreign keys."""
    if model is Customer:
        return "pk"
    queue: deque[tuple[type[models.Model], str]] = deque([(model, "")])
    seen = {model}
    while queue:
        current, path = queue.popleft()
        for field in current._meta.concrete_fields:
            if not field.is_relation or field.name == "history_user":
                continue
            target = field.related_model
            lookup = f"{path}__{field.name}" if path else field.name
            if target is Customer:
                return lookup
            if target not in seen and target._meta.app_label in ACCOUNT_APPS:
                seen.add(target)
                queue.append((target, lookup))
    return None


def _rows_of(model: type[models.Model], customer_id: int) -> models.QuerySet:
    manager = model._base_manager
    if model.__name__ == "HistoricalCustomer":
        return manager.filter(id=customer_id)
    path = _path_to_customer(model)
    if path is None:
        raise LookupError(f"{model._meta.label} has no path to its customer")
    return manager.filter(**{path: customer_id})


def _referenced(objects: list[models.Model]) -> tuple[set[int], list[models.Model]]:
    """User ids and shared rows (areas, partners, offerings, playbooks) that the exported rows
    point to, and the shared rows those shared rows point to (a playbook's offerings, their
    areas), by foreign key or M2M link."""
    shared_models = [apps.get_model(label) for label in SHARED_MODELS]
    user_ids: set[int] = set()
    shared: set[tuple[type, Any]] = set()
    pending = list(objects)
    while pending:
        found: set[tuple[type, Any]] = set()
        for obj in pending:
            for field in obj._meta.concrete_fields:
                if not field.is_relation:
                    continue
                value = getattr(obj, field.attname)
                if value is None:
                    continue
                if field.related_model is User:
                    user_ids.add(value)
                elif field.related_model in shared_models:
                    found.add((field.related_model, value))
            for field in obj._meta.many_to_many:
                if field.related_model is User:
                    user_ids.update(getattr(obj, field.name).values_list("pk", flat=True))
                elif field.related_model in shared_models:
                    pks = getattr(obj, field.name).values_list("pk", flat=True)
                    found.update((field.related_model, pk) for pk in pks)
        found -= shared
        shared |= found
        pending = [
            row
            for model in shared_models
            for row in model._base_manager.filter(pk__in=[pk for m, pk in found if m is model])
        ]
    rows = []
    # In SHARED_MODELS order, not the set's: the same data must give the same file every time.
    for model in shared_models:
        pks = [pk for (m, pk) in shared if m is model]
        rows += list(model._base_manager.filter(pk__in=pks).order_by("pk"))
    # A shared row names users too (who deleted a partner now in the catalogue's trash).
    for row in rows:
        for field in row._meta.concrete_fields:
            value = getattr(row, field.attname)
            if field.is_relation and field.related_model is User and value is not None:
                user_ids.add(value)
    return user_ids, rows


def _ordering_through(target: type[models.Model], target_name: str) -> list[str]:
    """The order the related manager lists `target` rows in (its Meta.ordering, then pk), as
    an ordering of the through table: the export keeps the links in the order it always had."""
    ordering = []
    for term in target._meta.ordering:
        if not isinstance(term, str):
            raise TypeError(f"{target._meta.label}: only field names in Meta.ordering")
        descending, name = term.startswith("-"), term.removeprefix("-")
        ordering.append(f"{'-' if descending else ''}{target_name}__{name}")
    return [*ordering, target_name]


def _keep_links_to_deleted(objects: list[models.Model]) -> None:
    """Put every M2M link into the rows' prefetch cache, those to deleted records included:
    the serializer would otherwise read them through the related manager, which hides rows in
    the trash, and the export would lose links a restore brings back."""
    by_model: dict[type[models.Model], list[models.Model]] = {}
    for obj in objects:
        by_model.setdefault(type(obj), []).append(obj)
    for model, rows in by_model.items():
        for field in model._meta.many_to_many:
            target = field.related_model
            if not issubclass(target, SoftDeletable):
                continue
            through = field.remote_field.through
            source_name = field.m2m_field_name()
            target_name = field.m2m_reverse_field_name()
            links: dict[Any, list[Any]] = {}
            for source_id, target_id in (
                through._base_manager.filter(**{f"{source_name}__in": [r.pk for r in rows]})
                .order_by(*_ordering_through(target, target_name))
                .values_list(source_name, target_name)
            ):
                links.setdefault(source_id, []).append(target(pk=target_id))
            for row in rows:
                # A related manager's prefetch cache is an evaluated QuerySet.
                linked = target._base_manager.none()
                linked._result_cache = links.get(row.pk, [])
                linked._prefetch_done = True
                cache = row.__dict__.setdefault("_prefetched_objects_cache", {})
                cache[field.name] = linked


def export_account(customer_id: int) -> dict[str, Any]:
    """The whole account as a JSON-ready dict (raises Customer.DoesNotExist)."""
    Customer._base_manager.get(pk=customer_id)
    objects: list[models.Model] = []
    for model in account_models():
        objects += list(_rows_of(model, customer_id).order_by("pk"))
    _keep_links_to_deleted(objects)
    user_ids, shared = _referenced(objects)
    users = User.objects.filter(pk__in=user_ids).order_by("username")
    return {
        "format": FORMAT,
        "customer_id": customer_id,
        "exported_at": timezone.now().isoformat(),
        "users": [
            {
                "username": u.username,
                "first_name": u.first_name,
                "last_name": u.last_name,
                "email": u.email,
                "role": u.role,
            }
            for u in users
        ],
        "objects": _without_secrets(
            serializers.serialize("python", [*shared, *objects], use_natural_foreign_keys=True)
        ),
    }


def _without_secrets(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        for name in SECRET_FIELDS.get(row["model"], ()):
            row["fields"][name] = ""
    return rows


class _FullPrecisionEncoder(DjangoJSONEncoder):
    # DjangoJSONEncoder rounds datetimes to milliseconds; an export must keep them exact.
    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def dump(data: dict[str, Any]) -> str:
    return json.dumps(data, cls=_FullPrecisionEncoder, indent=1, ensure_ascii=False)


@transaction.atomic
def import_account(data: dict[str, Any]) -> dict[str, int]:
    """Load an export into this database; returns the number of rows per model label.

    Primary keys are kept, so links between the rows stay as they were; the database must not
    already hold the customer. Foreign keys are checked at commit (PostgreSQL defers them).
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportRefused("This is not an Accord account export.")
    if Customer._base_manager.filter(pk=data["customer_id"]).exists():
        raise ImportRefused(f"Customer {data['customer_id']} already exists in this database.")
    for user in data["users"]:
        if not User.objects.filter(username=user["username"]).exists():
            User.objects.create_user(
                username=user["username"],
                first_name=user["first_name"],
                last_name=user["last_name"],
                email=user["email"],
                role=user["role"],
                is_active=False,
            )
    counts: dict[str, int] = {}
    touched: set[type[models.Model]] = set()
    deferred = []
    shared_labels = {label.lower() for label in SHARED_MODELS}
    for item in serializers.deserialize("python", data["objects"], handle_forward_references=True):
        model = type(item.object)
        if (
            model._meta.label_lower in shared_labels
            and model._base_manager.filter(pk=item.object.pk).exists()
        ):
            continue  # a shared row this database already has
        item.save()
        if item.deferred_fields:
            deferred.append(item)
        touched.add(model)
        counts[model._meta.label] = counts.get(model._meta.label, 0) + 1
    for item in deferred:
        item.save_deferred_fields()
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(touched)):
            cursor.execute(sql)
    tallies.retally_customer(data["customer_id"])
    return counts
