"""The one parser for values that arrive as text: ids, page numbers, versions, cursors, choices.

`str.isdigit()` is true for digits of every script ("²", "٣"), and `int("²")` then raises, so
every parser here takes ASCII digits only, of a bounded length, within a range. A bad value
raises `BadParameter` naming the parameter; the API answers it with a 400 and field errors
(`core.api.exception_handler`) and pages with a 400 page (`core.middleware`), so no view
needs its own try/except and no bad value becomes a 500.
"""

import datetime as dt
import re
from collections.abc import Iterable

from django.utils import timezone

# The largest value of a 64-bit signed integer column (BigAutoField ids).
MAX_ID = 2**63 - 1
# PositiveIntegerField's range on every database Django supports (record versions).
MAX_VERSION = 2_147_483_647
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")
# Datetimes a timeline cursor may name: wide enough for any real record, and far enough from
# year 1 and 9999 that converting between zones cannot overflow.
EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(9000, 1, 1, tzinfo=dt.UTC)


class BadParameter(ValueError):
    """A query parameter or header that is not a valid value; `name` says which."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


def parse_int(
    raw: str | None, *, name: str, minimum: int = 0, maximum: int = MAX_ID, message: str = ""
) -> int | None:
    """The whole number in `raw` (None when absent or empty); BadParameter when it is not one
    or lies outside minimum..maximum."""
    if raw is None or raw == "":
        return None
    message = message or f"Enter a whole number from {minimum} to {maximum}."
    if not _ASCII_DIGITS.fullmatch(raw):
        raise BadParameter(name, message)
    value = int(raw)
    if not minimum <= value <= maximum:
        raise BadParameter(name, message)
    return value


def parse_id(raw: str | None, *, name: str) -> int | None:
    """A record id (a positive whole number), or None when absent."""
    return parse_int(
        raw, name=name, minimum=1, message="Give a record id (a positive whole number)."
    )


def parse_page(raw: str | None, *, name: str = "page", maximum: int = 10_000) -> int:
    """A page number, 1 when absent."""
    return parse_int(raw, name=name, minimum=1, maximum=maximum) or 1


def parse_version(raw: str | None, *, name: str = "version") -> int | None:
    """A record version, e.g. from `If-Match: "3"` (quotes and a weak W/ prefix removed)."""
    if raw is not None:
        raw = raw.strip().removeprefix("W/").strip('"')
    return parse_int(
        raw, name=name, minimum=1, maximum=MAX_VERSION, message="Give the record's version."
    )


def parse_choice(
    raw: str | None, *, name: str, choices: Iterable[str], message: str = ""
) -> str | None:
    """One of `choices` (None when absent or empty); BadParameter naming them otherwise."""
    if raw is None or raw == "":
        return None
    allowed = list(choices)
    if raw not in allowed:
        raise BadParameter(name, message or f"Choose one of: {', '.join(allowed)}.")
    return raw


def parse_datetime(raw: str, *, name: str) -> dt.datetime:
    """An ISO 8601 datetime between EARLIEST and LATEST, aware (UTC when no offset is given)."""
    message = "Give a date and time (ISO 8601)."
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise BadParameter(name, message) from None
    if timezone.is_naive(value):
        value = value.replace(tzinfo=dt.UTC)
    if not EARLIEST <= value <= LATEST:
        raise BadParameter(name, message)
    return value
