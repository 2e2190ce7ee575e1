"""Set-based inserts for the import: one INSERT ... SELECT FROM unnest(...) per batch and table.

The ORM's bulk_create builds a model instance per row and prepares every value in Python (for
200,000 activities, with their history rows, most of the import's time). The rows here are
plain column values already cleaned by the import, so they go to PostgreSQL as one array per
column; the history rows are copied from the inserted rows in the database.
"""

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

from core.history import history_model

# Column types passed as plain Python values (no per-value preparation by the field).
_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.DateTimeField,
    models.ForeignKey,
    models.AutoField,
    models.BigAutoField,
)


def _columns(model: type[models.Model]) -> list[models.Field]:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for f in fields:
        if not isinstance(f, _PLAIN):
            raise TypeError(f"{model.__name__}.{f.name} is not a plain column")
    return fields


def insert_rows(
    model: type[models.Model], rows: Sequence[dict[str, Any]], *, returning: bool = True
) -> list[int]:
    """Insert `rows` ({attname: value}; other columns get their default, auto_now columns the
    current time) and return the new primary keys in the rows' order."""
    if not rows:
        return []
    now = timezone.now()
    fields = _columns(model)
    columns, arrays, casts = [], [], []
    for f in fields:
        name = f.attname
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            values = [row.get(name, now) for row in rows]
        elif f.has_default() and callable(f.default):
            values = [row[name] if name in row else f.get_default() for row in rows]
        else:
            default = f.get_default()
            values = [row.get(name, default) for row in rows]
        columns.append(connection.ops.quote_name(f.column))
        arrays.append(values)
        casts.append(f"%s::{f.db_type(connection)}[]")
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    # The rows' order is the arrays' order; PostgreSQL returns the keys in that order (as the
    # ORM's own unnest bulk_create relies on).
    # Identifiers come from the model's metadata, quoted; every value is a parameter.
    sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM unnest({', '.join(casts)})" + (  # nosec B608
        f" RETURNING {pk}" if returning else ""
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)
        return [r[0] for r in cursor.fetchall()] if returning else []


def insert_history(
    model: type[models.Model],
    pks: Sequence[int],
    *,
    user_id: int | None,
    reason: str,
    history_type: str = "+",
) -> None:
    """The history rows ("+" created, "~" changed) of the given records as they are now, as
    simple_history's bulk_create_with_history writes them (one date, author and reason)."""
    if not pks or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = history_model(model)
    tracked = [f.column for f in history.tracked_fields]
    quote = connection.ops.quote_name
    cols = ", ".join(quote(c) for c in tracked)
    # Quoted identifiers from the model's metadata; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({cols}, history_date, "  # nosec B608
        "history_change_reason, history_type, history_user_id) "
        f"SELECT {cols}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(model._meta.pk.column)} = ANY(%s) ORDER BY {quote(model._meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [timezone.now(), reason, history_type, user_id, list(pks)])


def update_rows(model: type[models.Model], pks: Sequence[int], values: dict[str, list]) -> None:
    """Set each row's columns ({attname: one value per key of `pks`}) in one UPDATE."""
    if not pks:
        return
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in values]
    for f in fields:
        if not isinstance(f, _PLAIN):
            raise TypeError(f"{model.__name__}.{f.name} is not a plain column")
    pk = model._meta.pk
    names = [f"c{i}" for i in range(len(fields))]
    sets = ", ".join(f"{quote(f.column)} = v.{n}" for f, n in zip(fields, names, strict=True))
    casts = ", ".join(f"%s::{f.db_type(connection)}[]" for f in [pk, *fields])
    # Quoted identifiers from the model's metadata; every value is a parameter.
    sql = (
        f"UPDATE {quote(model._meta.db_table)} AS t SET {sets} "  # nosec B608
        f"FROM unnest({casts}) AS v(pk, {', '.join(names)}) WHERE t.{quote(pk.column)} = v.pk"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(pks), *values.values()])
