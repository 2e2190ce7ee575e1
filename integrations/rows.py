"""One CSV row as the values of our record (account, stakeholder or meeting), with an error
(column, reason) for every cell that cannot be used."""

import datetime as dt
import functools
import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

import nh3
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from core.validators import single_line
from customers.models import Customer, Stakeholder
from dialogue.models import Meeting
from integrations.models import RecordKind

ACTIVITY_KINDS = {
    "call": Meeting.Kind.CALL,
    "email": Meeting.Kind.EMAIL,
    "e-mail": Meeting.Kind.EMAIL,
    "incoming_email": Meeting.Kind.EMAIL,
    "forwarded_email": Meeting.Kind.EMAIL,
    "visit": Meeting.Kind.VISIT,
    "workshop": Meeting.Kind.WORKSHOP,
}
_TAG_BREAKS = re.compile(r"<\s*(br|/p|/div|/li)\s*/?\s*>", re.IGNORECASE)


@dataclass
class Row:
    line: int
    external_id: str
    values: dict[str, Any]
    account_id: str = ""
    contact_ids: list[str] = field(default_factory=list)
    owner: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        data = {**self.values, "_contacts": sorted(self.contact_ids)}
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _plain_text(value: str) -> str:
    """HTML (HubSpot's note bodies) as plain text; plain text unchanged."""
    if "<" not in value:
        return value
    text = nh3.clean(_TAG_BREAKS.sub("\n", value), tags=set())
    return html.unescape(text).strip()


_US_DATE = re.compile(
    r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ ,]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?"
)
_DOTTED_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def _parse_naive(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        pass
    if match := _US_DATE.fullmatch(text):
        month, day, year, hour, minute, second, half = match.groups()
    elif match := _DOTTED_DATE.fullmatch(text):
        day, month, year, hour, minute, second = match.groups()
        half = None
    else:
        return None
    hours = int(hour or 0)
    if half and half.lower() == "pm" and hours < 12:
        hours += 12
    elif half and half.lower() == "am" and hours == 12:
        hours = 0
    try:
        return dt.datetime(  # noqa: DTZ001 (made aware by the caller)
            int(year), int(month), int(day), hours, int(minute or 0), int(second or 0)
        )
    except ValueError:
        return None


@functools.lru_cache(maxsize=4096)
def parse_datetime(value: str) -> dt.datetime | None:
    """A date or date and time as CRMs write them (ISO, US month/day/year, day.month.year);
    a date alone is noon that day, so it shows on that date in every nearby time zone."""
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    parsed = _parse_naive(text)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        if len(text) <= 10:
            parsed = parsed.replace(hour=12)
        parsed = timezone.make_aware(parsed)
    return parsed


def _size(employees: str) -> str:
    digits = re.sub(r"[^\d]", "", employees.split("-")[-1].split("to")[-1])
    if not digits:
        return ""
    count = int(digits[:9])
    if count < 50:
        return Customer.Size.SMALL
    if count < 250:
        return Customer.Size.MEDIUM
    if count < 1000:
        return Customer.Size.LARGE
    return Customer.Size.ENTERPRISE


def _clean(model: type[models.Model], name: str, value: Any, row: Row, column: str) -> Any:
    try:
        return model._meta.get_field(name).clean(value, None)
    except ValidationError as exc:
        row.errors.append((column, " ".join(exc.messages)))
        return value


def to_row(kind: str, mapping: dict[str, str], line: int, cells: dict[str, str]) -> Row:
    """The row's values for our model, with an error per unusable cell."""

    def cell(name: str) -> str:
        column = mapping.get(name)
        return cells.get(column, "") if column else ""

    def col(name: str) -> str:
        return mapping.get(name, name)

    row = Row(line=line, external_id=cell("id"), values={})
    if not row.external_id:
        row.errors.append((col("id"), _("the record id is empty")))
    elif len(row.external_id) > 100:
        row.errors.append((col("id"), _("the record id is longer than 100 characters")))
    if kind == RecordKind.ACCOUNTS:
        website = cell("website")
        if website and "://" not in website:
            website = f"https://{website}"
        row.values = {
            "name": _clean(Customer, "name", cell("name"), row, col("name")),
            "industry": _clean(Customer, "industry", cell("industry")[:100], row, col("industry")),
            "website": _clean(Customer, "website", website, row, col("website")),
            "size": _size(cell("employees")),
            "description": _clean(
                Customer, "description", _plain_text(cell("description")), row, col("description")
            ),
        }
        row.owner = cell("owner")
    elif kind == RecordKind.CONTACTS:
        name = f"{cell('first_name')} {cell('last_name')}".strip()
        row.values = {
            "name": _clean(Stakeholder, "name", name, row, col("last_name")),
            "title": _clean(Stakeholder, "title", single_line(cell("title")), row, col("title")),
            "email": _clean(Stakeholder, "email", cell("email"), row, col("email")),
            "phone": _clean(Stakeholder, "phone", cell("phone"), row, col("phone")),
        }
        row.account_id = _first_id(cell("account_id"))
    else:
        occurred_at = parse_datetime(cell("date"))
        if occurred_at is None:
            row.errors.append(
                (col("date"), _("not a date (use 2026-03-31, 03/31/2026 or 31.03.2026)"))
            )
        notes = _plain_text(cell("notes"))
        kind_text = cell("type").strip().lower().replace(" ", "_")
        title = single_line(cell("subject") or notes.split("\n", 1)[0], max_length=200)
        row.values = {
            "occurred_at": occurred_at.isoformat() if occurred_at else "",
            "kind": ACTIVITY_KINDS.get(kind_text, Meeting.Kind.MEETING),
            "title": title or _("Imported activity"),
            "notes": _clean(Meeting, "notes", notes, row, col("notes")),
        }
        row.account_id = _first_id(cell("account_id"))
        row.contact_ids = [c for c in re.split(r"[;,]", cell("contact_ids")) if c.strip()]
        row.contact_ids = [c.strip() for c in row.contact_ids]
    if kind != RecordKind.ACCOUNTS and not row.account_id:
        row.errors.append((col("account_id"), _("the account's record id is empty")))
    return row


def _first_id(value: str) -> str:
    return re.split(r"[;,]", value, maxsplit=1)[0].strip()
