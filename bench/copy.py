"""Bulk loading through PostgreSQL's COPY, filling unspecified columns from model defaults."""

import io
import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.db.models.fields import NOT_PROVIDED


def _format(value: Any) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value, sort_keys=True)
    text = str(value) if not isinstance(value, Decimal) else format(value, "f")
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class Copier:
    """Streams rows of one model (or M2M table) into PostgreSQL with COPY, in chunks."""

    CHUNK = 50_000

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.table = model._meta.db_table
        # M2M tables number their own rows; every other table gets ids chosen by the loader.
        self.fields = [
            f
            for f in model._meta.concrete_fields
            if not (model._meta.auto_created and f.primary_key)
        ]
        self.columns = [f.column for f in self.fields]
        self.defaults: dict[str, Any] = {}
        for field in self.fields:
            if field.has_default():
                default = field.default
                self.defaults[field.attname] = default() if callable(default) else default
            elif (
                getattr(field, "db_default", NOT_PROVIDED) is not NOT_PROVIDED
                or getattr(field, "auto_now", False)
                or getattr(field, "auto_now_add", False)
                or field.null
            ):
                self.defaults[field.attname] = None
            elif isinstance(field, models.CharField | models.TextField):
                self.defaults[field.attname] = ""
        self.buffer = io.StringIO()
        self.pending = 0
        self.total = 0

    def add(self, row: Mapping[str, Any]) -> None:
        values = []
        for field in self.fields:
            if field.attname in row:
                values.append(row[field.attname])
            elif field.attname in self.defaults:
                values.append(self.defaults[field.attname])
            else:
                raise KeyError(f"{self.table}.{field.attname} needs a value")
        self.buffer.write("\t".join(_format(v) for v in values))
        self.buffer.write("\n")
        self.pending += 1
        if self.pending >= self.CHUNK:
            self.flush()

    def add_many(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            self.add(row)

    def flush(self) -> None:
        if not self.pending:
            return
        self.buffer.seek(0)
        columns = ", ".join(f'"{c}"' for c in self.columns)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                f'COPY "{self.table}" ({columns}) FROM STDIN WITH (FORMAT text)', self.buffer
            )
        self.total += self.pending
        self.buffer = io.StringIO()
        self.pending = 0


def next_id(model: type[models.Model]) -> int:
    last = model._base_manager.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def reset_sequence(model: type[models.Model]) -> None:
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{pk}'), "
            f'COALESCE((SELECT MAX("{pk}") FROM "{table}"), 1))'
        )
