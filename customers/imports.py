"""CSV import of customers and stakeholders: every row is checked first, then all or nothing."""

import csv
import io
import re
from dataclasses import dataclass, field
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext

from accounts.models import User
from core.errors import ImportRefused
from customers import services, tallies
from customers.access import get_access
from customers.forms import CustomerForm
from customers.models import Customer, Stakeholder

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
CUSTOMER_COLUMNS = ("name", "industry", "website", "size", "description", "lead")
STAKEHOLDER_COLUMNS = (
    "name",
    "title",
    "email",
    "phone",
    "buying_role",
    "influence",
    "attitude",
    "reports_to",
    "owner",
)
# A cell a spreadsheet would run as a formula; phone numbers like "+49 30 1234" are fine.
FORMULA = re.compile(r"^[=@\t\r]|^[+-](?![\d\s().\-/]*$)")


@dataclass
class ImportResult:
    created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _read_rows(upload: IO[bytes], columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    raw = upload.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ImportRefused(gettext("The file is larger than 2 MB."))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            gettext("The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8”.")
        ) from exc
    if "\x00" in text:
        raise ImportRefused(gettext("The file contains binary data, not CSV text."))
    # strict: a quote that is opened and never closed is an error, not the rest of the file
    # swallowed into one cell.
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise ImportRefused(
            gettext("The file is not valid CSV: %(error)s.") % {"error": exc}
        ) from exc
    if "name" not in header:
        raise ImportRefused(
            gettext("The first line must name the columns, at least “name”: %(columns)s.")
            % {"columns": ", ".join(columns)}
        )
    unknown = [h for h in header if h and h not in columns]
    if unknown:
        raise ImportRefused(
            gettext("Unknown columns: %(unknown)s. Known: %(columns)s.")
            % {"unknown": ", ".join(unknown), "columns": ", ".join(columns)}
        )
    reader.fieldnames = header
    rows = []
    last_line = reader.line_num
    try:
        for row in reader:
            if len(rows) >= MAX_ROWS:
                raise ImportRefused(
                    gettext("The file has more than %(max)d rows.") % {"max": MAX_ROWS}
                )
            cells = {k: (v or "").strip() for k, v in row.items() if k}
            if None in row:
                cells["__extra__"] = "x"
            if any(cells.values()):
                rows.append((reader.line_num, cells))
            last_line = reader.line_num
    except csv.Error as exc:
        line = _next_record_line(text, last_line)
        if "unexpected end of data" in str(exc):
            raise ImportRefused(
                gettext(
                    'Line %(line)d: a quoted cell starts here and is never closed (a " is missing).'
                )
                % {"line": line}
            ) from exc
        raise ImportRefused(
            gettext("Line %(line)d: not valid CSV (%(error)s).") % {"line": line, "error": exc}
        ) from exc
    if not rows:
        raise ImportRefused(gettext("The file has no rows to import."))
    return rows


def _next_record_line(text: str, last_line: int) -> int:
    """The line where the record after line `last_line` starts (blank lines are skipped)."""
    lines = text.splitlines()
    line = last_line + 1
    while line <= len(lines) and not lines[line - 1].strip():
        line += 1
    return line


def _formula_errors(cells: dict[str, str]) -> list[str]:
    return [
        gettext("%(column)s: looks like a spreadsheet formula") % {"column": name}
        for name, value in cells.items()
        if name != "__extra__" and FORMULA.match(value)
    ]


def _form_errors(errors: dict) -> str:
    return "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in errors.items())


def import_customers(upload: IO[bytes], *, by: User) -> ImportResult:
    """Create a customer per row (the importer leads them unless an admin names a lead)."""
    result = ImportResult()
    try:
        rows = _read_rows(upload, CUSTOMER_COLUMNS)
    except ImportRefused as exc:
        result.errors.append((0, str(exc)))
        return result
    # Only admins import for another lead, so only they learn whether a username exists.
    usernames = {c["lead"].lower() for _, c in rows if c.get("lead")} if by.is_admin else set()
    leads = {
        u.username.lower(): u
        for u in User.objects.annotate(lowered=Lower("username")).filter(
            is_active=True, lowered__in=usernames
        )
    }
    leads[by.username.lower()] = by
    seen: set[str] = set()
    # Names the importer can see: a customer of another team neither blocks the import nor
    # shows through an error message that it exists.
    wanted = {c.get("name", "").lower() for _, c in rows}
    existing = set(
        Customer.objects.visible_to(by)
        .annotate(lowered=Lower("name"))
        .filter(lowered__in=wanted)
        .values_list("lowered", flat=True)
    )
    valid = []
    for line, cells in rows:
        problems = _formula_errors(cells)
        if "__extra__" in cells:
            problems.append(gettext("more cells than columns"))
        form = CustomerForm({k: v for k, v in cells.items() if k in CustomerForm.Meta.fields})
        if not form.is_valid():
            problems.append(_form_errors(form.errors))
        lead = by
        if cells.get("lead"):
            lead = leads.get(cells["lead"].lower())
            if lead is None and not by.is_admin:
                problems.append(gettext("lead: only admins may import customers for someone else"))
            elif lead is None:
                problems.append(
                    gettext("lead: no active user “%(name)s”") % {"name": cells["lead"]}
                )
        name = cells.get("name", "").lower()
        if name in existing:
            problems.append(gettext("name: a customer with this name already exists"))
        elif name in seen:
            problems.append(gettext("name: appears twice in the file"))
        seen.add(name)
        if problems:
            result.errors.append((line, "; ".join(problems)))
        else:
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            valid.append((lead, data))
    if result.errors:
        return result
    with tallies.deferred():  # one transaction; each tally group recomputed once, not per row
        for lead, data in valid:
            services.create_customer(lead=lead, **data)
    result.created = len(valid)
    return result


def import_stakeholders(upload: IO[bytes], *, customer: Customer, by: User) -> ImportResult:
    """Add the customer's stakeholders; `reports_to` names someone already there or in the file."""
    result = ImportResult()
    try:
        rows = _read_rows(upload, STAKEHOLDER_COLUMNS)
    except ImportRefused as exc:
        result.errors.append((0, str(exc)))
        return result
    existing = {
        s.name.lower(): s
        for s in Stakeholder.objects.filter(customer=customer, deleted_at__isnull=True)
    }
    in_file = {c.get("name", "").lower() for _, c in rows}
    owners = {}
    for username in {c["owner"].lower() for _, c in rows if c.get("owner")}:
        user = User.objects.filter(username__iexact=username, is_active=True).first()
        if user is not None and get_access(user, customer.pk).can_view:
            owners[username] = user
    seen: set[str] = set()
    valid = []
    for line, cells in rows:
        problems = _formula_errors(cells)
        if "__extra__" in cells:
            problems.append(gettext("more cells than columns"))
        data, field_errors = _clean_stakeholder(cells)
        problems.extend(field_errors)
        name = cells.get("name", "").lower()
        if name in existing:
            problems.append(gettext("name: this customer already has a stakeholder of this name"))
        elif name in seen:
            problems.append(gettext("name: appears twice in the file"))
        seen.add(name)
        boss = cells.get("reports_to", "").lower()
        if boss and boss not in existing and boss not in in_file:
            problems.append(
                gettext("reports_to: nobody called “%(name)s”") % {"name": cells["reports_to"]}
            )
        if boss and boss == name:
            problems.append(gettext("reports_to: someone cannot report to themselves"))
        owner = cells.get("owner", "").lower()
        if owner and owner not in owners:
            problems.append(
                gettext("owner: “%(name)s” is not a user who can see this account")
                % {"name": cells["owner"]}
            )
        if problems:
            result.errors.append((line, "; ".join(problems)))
        else:
            valid.append((data, boss, owners.get(owner)))
    if result.errors:
        return result
    with transaction.atomic():
        created = {}
        for data, _, owner in valid:
            person = services.create_record(
                Stakeholder, customer=customer, by=by, fields={**data, "owner": owner}
            )
            created[person.name.lower()] = person
        people = {**existing, **created}
        for data, boss, _ in valid:
            if boss:
                person = created[data["name"].lower()]
                person.reports_to = people[boss]
                person.save(update_fields=["reports_to"])
        # A file may describe a loop (A reports to B, B to A); refuse it as a whole.
        for person in created.values():
            if _has_loop(person, people):
                transaction.set_rollback(True)
                loop = gettext("reports_to: %(name)s is part of a reporting loop")
                result.errors.append((0, loop % {"name": person.name}))
                return result
    result.created = len(valid)
    return result


def _has_loop(person: Stakeholder, people: dict[str, Stakeholder]) -> bool:
    by_id = {p.pk: p for p in people.values()}
    seen: set[int] = set()
    current: Stakeholder | None = person
    while current is not None:
        if current.pk in seen:
            return True
        seen.add(current.pk)
        current = by_id.get(current.reports_to_id) if current.reports_to_id else None
    return False


def _clean_stakeholder(cells: dict[str, str]) -> tuple[dict, list[str]]:
    fields = {f.name: f for f in Stakeholder._meta.get_fields() if hasattr(f, "clean")}
    data: dict = {}
    errors = []
    for name in ("name", "title", "email", "phone", "buying_role", "influence", "attitude"):
        value: object = cells.get(name, "")
        model_field = fields[name]
        if value == "" and model_field.has_default():
            value = model_field.get_default()
        try:
            data[name] = model_field.clean(value, None)
        except ValidationError as exc:
            errors.append(f"{name}: {' '.join(exc.messages)}")
    return data, errors
