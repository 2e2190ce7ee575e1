"""The one CSV writer: cells that spreadsheets will not run as formulas (CSV injection, OWASP).

Every export writes through `csv_response`'s writer, which passes each row through `safe_row`:
text beginning with = + - @ (ASCII or full-width), tab or carriage return gets a leading
apostrophe, which Excel, LibreOffice and Google Sheets show as text. Numbers, dates and booleans
are written as they are, so a negative amount stays a number.
"""

import csv
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Full-width variants some spreadsheet apps also treat as formula starts.
FORMULA_TRIGGERS_WIDE = ("\uff1d", "\uff0b", "\uff0d", "\uff20")

Cell = str | int | float | Decimal | bool | dt.date | dt.datetime | None


def safe_cell(value: Cell) -> str | int | float | Decimal:
    """One value ready for csv.writer: text neutralised, numbers untouched, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        # In the reader's zone (the active one), with its offset: 2026-12-05T15:23:00+01:00.
        return timezone.localtime(value).isoformat()
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS) or text.startswith(FORMULA_TRIGGERS_WIDE):
        return "'" + text
    return text


def safe_row(values: Iterable[Cell]) -> list[str | int | float | Decimal]:
    return [safe_cell(value) for value in values]


class SafeWriter:
    """A csv.writer whose every row goes through `safe_row`."""

    def __init__(self, stream: HttpResponse) -> None:
        self._writer = csv.writer(stream)

    def writerow(self, values: Iterable[Cell]) -> None:
        self._writer.writerow(safe_row(values))


def csv_response(filename: str) -> tuple[HttpResponse, SafeWriter]:
    """A CSV attachment named `filename` and the formula-safe writer to fill it."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response, SafeWriter(response)
