"""CSV cells that spreadsheets will not run as formulas (CSV injection, OWASP).

Every export goes through `safe_row`: text beginning with = + - @ tab or carriage return gets a
leading apostrophe, which Excel, LibreOffice and Google Sheets show as text. Numbers, dates and
booleans are written as they are, so a negative amount stays a number.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

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
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS) or text.startswith(FORMULA_TRIGGERS_WIDE):
        return "'" + text
    return text


def safe_row(values: Iterable[Cell]) -> list[str | int | float | Decimal]:
    return [safe_cell(value) for value in values]
