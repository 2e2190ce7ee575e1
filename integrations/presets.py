"""The CSV layouts Accord reads: what each kind of record needs, and the column names the
Salesforce and HubSpot exports write (report and export layouts; matched without case)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from integrations.models import RecordKind

# Our fields per kind of record; the first ones are required.
FIELDS: dict[str, tuple[str, ...]] = {
    RecordKind.ACCOUNTS: ("id", "name", "industry", "website", "employees", "description", "owner"),
    RecordKind.CONTACTS: (
        "id",
        "account_id",
        "first_name",
        "last_name",
        "title",
        "email",
        "phone",
    ),
    RecordKind.ACTIVITIES: (
        "id",
        "account_id",
        "date",
        "subject",
        "type",
        "notes",
        "contact_ids",
    ),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    RecordKind.ACCOUNTS: ("id", "name"),
    RecordKind.CONTACTS: ("id", "account_id", "last_name"),
    RecordKind.ACTIVITIES: ("id", "account_id", "date"),
}
FIELD_LABELS = {
    "id": _("Record id in the source"),
    "name": _("Account name"),
    "industry": _("Industry"),
    "website": _("Website"),
    "employees": _("Employees"),
    "description": _("Description"),
    "owner": _("Owner (email, username or name of the lead)"),
    "account_id": _("Account's record id"),
    "first_name": _("First name"),
    "last_name": _("Last name (or full name)"),
    "title": _("Job title"),
    "email": _("Email"),
    "phone": _("Phone"),
    "date": _("Date"),
    "subject": _("Subject"),
    "type": _("Type (call, email, meeting, note...)"),
    "notes": _("Notes"),
    "contact_ids": _("Contacts' record ids (separated by ;)"),
}


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    system: str
    kind: str
    # Our field -> column names the product writes, any of which may be present.
    columns: dict[str, tuple[str, ...]]


PRESETS: dict[str, Preset] = {
    p.key: p
    for p in (
        Preset(
            "salesforce_accounts",
            _("Salesforce: Accounts report"),
            "salesforce",
            RecordKind.ACCOUNTS,
            {
                "id": ("Account ID", "Id"),
                "name": ("Account Name", "Name"),
                "industry": ("Industry",),
                "website": ("Website",),
                "employees": ("Employees", "NumberOfEmployees"),
                "description": ("Description",),
                "owner": ("Account Owner", "Account Owner Email", "Owner Email"),
            },
        ),
        Preset(
            "salesforce_contacts",
            _("Salesforce: Contacts report"),
            "salesforce",
            RecordKind.CONTACTS,
            {
                "id": ("Contact ID", "Id"),
                "account_id": ("Account ID", "AccountId"),
                "first_name": ("First Name", "FirstName"),
                "last_name": ("Last Name", "LastName"),
                "title": ("Title",),
                "email": ("Email",),
                "phone": ("Phone", "Business Phone"),
            },
        ),
        Preset(
            "salesforce_activities",
            _("Salesforce: Tasks and Events report"),
            "salesforce",
            RecordKind.ACTIVITIES,
            {
                "id": ("Activity ID", "Id"),
                "account_id": ("Account ID", "AccountId"),
                "date": ("Date", "Due Date", "ActivityDate", "Start"),
                "subject": ("Subject",),
                "type": ("Type", "Task/Event", "Task Subtype"),
                "notes": ("Full Comments", "Comments", "Description"),
                "contact_ids": ("Contact ID", "WhoId"),
            },
        ),
        Preset(
            "hubspot_companies",
            _("HubSpot: companies export"),
            "hubspot",
            RecordKind.ACCOUNTS,
            {
                "id": ("Record ID", "Company ID"),
                "name": ("Company name", "Name"),
                "industry": ("Industry",),
                "website": ("Website URL", "Company Domain Name"),
                "employees": ("Number of Employees",),
                "description": ("Description", "About Us"),
                "owner": ("Company owner", "HubSpot Owner"),
            },
        ),
        Preset(
            "hubspot_contacts",
            _("HubSpot: contacts export"),
            "hubspot",
            RecordKind.CONTACTS,
            {
                "id": ("Record ID", "Contact ID"),
                "account_id": (
                    "Associated Company IDs (Primary)",
                    "Associated Company IDs",
                    "Associated Company ID",
                    "Company ID",
                ),
                "first_name": ("First Name",),
                "last_name": ("Last Name",),
                "title": ("Job Title",),
                "email": ("Email",),
                "phone": ("Phone Number", "Mobile Phone Number"),
            },
        ),
        Preset(
            "hubspot_notes",
            _("HubSpot: notes and engagements export"),
            "hubspot",
            RecordKind.ACTIVITIES,
            {
                "id": ("Record ID", "Activity ID", "Engagement ID"),
                "account_id": (
                    "Associated Company IDs (Primary)",
                    "Associated Company IDs",
                    "Associated Company ID",
                ),
                "date": ("Activity date", "Create Date", "Timestamp"),
                "subject": ("Call title", "Meeting name", "Email subject", "Subject"),
                "type": ("Activity type", "Engagement type", "Type"),
                "notes": ("Note body", "Call notes", "Meeting description", "Email body", "Body"),
                "contact_ids": ("Associated Contact IDs", "Associated Contact ID"),
            },
        ),
    )
}
GENERIC = "generic"


def preset_choices() -> list[tuple[str, str]]:
    return [
        *((p.key, p.label) for p in PRESETS.values()),
        (GENERIC, _("Another CSV (map the columns)")),
    ]


def mapping_for(preset: Preset, header: list[str]) -> tuple[dict[str, str], list[str]]:
    """Our field -> the file's column, found among the preset's names; and the required fields
    no column was found for."""
    by_lower = {h.strip().lower(): h for h in header}
    mapping = {}
    for name, candidates in preset.columns.items():
        for candidate in candidates:
            if candidate.lower() in by_lower:
                mapping[name] = by_lower[candidate.lower()]
                break
    missing = [f for f in REQUIRED[preset.kind] if f not in mapping]
    return mapping, missing
