"""Calendar invitations into Accord: an .ics file (RFC 5545, read with `icalendar`) prefills a
planned meeting, its attendees matched by email to this customer's stakeholders and to the
colleagues who see the account. Nothing of another customer (or team) is ever matched.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import icalendar
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.visibility import users_who_can_see
from customers.models import Customer, Stakeholder
from dialogue import queries

# More addresses than this in one invitation is a mailing list, not a meeting.
MAX_INVITEES = 100
DEFAULT_DURATION = 60
MAX_DURATION = 24 * 60


class InvitationError(ValueError):
    """The text is no invitation Accord can read; the message says why, for the form."""


@dataclass(frozen=True)
class Invitee:
    email: str
    name: str


@dataclass
class Invitation:
    title: str
    starts_at: dt.datetime
    duration_minutes: int = DEFAULT_DURATION
    location: str = ""
    agenda: str = ""
    invitees: list[Invitee] = field(default_factory=list)


@dataclass
class Matches:
    stakeholders: list[Stakeholder]
    colleagues: list[User]
    unknown: list[Invitee]


def _one_line(value: object, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


def _moment(value: object) -> dt.datetime:
    """DTSTART as an aware datetime: a floating time or an unknown zone is the user's own; an
    all-day event starts at nine."""
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            return timezone.make_aware(value)
        return value
    if isinstance(value, dt.date):
        return timezone.make_aware(dt.datetime.combine(value, dt.time(9, 0)))
    raise InvitationError(_("The invitation has no readable start time."))


def _duration(event: icalendar.Event, starts_at: dt.datetime) -> int:
    try:
        if "dtend" in event:
            end = event.decoded("dtend")
            if not isinstance(end, dt.datetime):
                return DEFAULT_DURATION
            length = _moment(end) - starts_at
        elif "duration" in event:
            length = event.decoded("duration")
        else:
            return DEFAULT_DURATION
        minutes = int(length.total_seconds() // 60)
    except (TypeError, ValueError, AttributeError, OverflowError):
        return DEFAULT_DURATION
    return minutes if 5 <= minutes <= MAX_DURATION else DEFAULT_DURATION


def _addresses(event: icalendar.Event) -> list[Invitee]:
    people: dict[str, Invitee] = {}
    for name in ("organizer", "attendee"):
        values = event.get(name) or []
        for address in values if isinstance(values, list) else [values]:
            text = str(address).strip()
            if text.lower().startswith("mailto:"):
                text = text[len("mailto:") :]
            email = text.strip().lower()
            if "@" not in email or len(email) > 254 or email in people:
                continue
            cn = getattr(address, "params", {}).get("CN", "")
            people[email] = Invitee(email=email, name=_one_line(cn, 200))
    if len(people) > MAX_INVITEES:
        raise InvitationError(
            _("The invitation has more than %(count)s attendees.") % {"count": MAX_INVITEES}
        )
    return list(people.values())


def read_invitation(text: str) -> Invitation:
    """The first event of an iCalendar text (InvitationError when there is none to read)."""
    if "BEGIN:VCALENDAR" not in text[:2000].upper():
        raise InvitationError(_("This is not a calendar invitation (.ics)."))
    try:
        calendar = icalendar.Calendar.from_ical(text)
        events = calendar.walk("VEVENT")
        if not events:
            raise InvitationError(_("The invitation holds no event."))
        event = events[0]
        if "dtstart" not in event:
            raise InvitationError(_("The invitation has no readable start time."))
        starts_at = _moment(event.decoded("dtstart"))
        return Invitation(
            title=_one_line(event.get("summary"), 200) or _("Meeting"),
            starts_at=starts_at,
            duration_minutes=_duration(event, starts_at),
            location=_one_line(event.get("location"), 300),
            agenda=str(event.get("description") or "").strip()[:20000],
            invitees=_addresses(event),
        )
    except InvitationError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as exc:
        # icalendar reports a malformed text in several ways; the user needs one message.
        message = _("The invitation could not be read: it is not valid iCalendar.")
        raise InvitationError(message) from exc


def match_invitees(customer: Customer, invitees: list[Invitee]) -> Matches:
    """This customer's stakeholders and the colleagues who see it, by email (any case); the
    other addresses are unknown (offered as new stakeholders)."""
    emails = {person.email for person in invitees}
    stakeholders = list(
        queries.stakeholders_of(customer.pk)
        .alias(email_lower=Lower("email"))
        .filter(email_lower__in=emails)
    )
    colleagues = list(
        users_who_can_see(customer.pk)
        .alias(email_lower=Lower("email"))
        .filter(email_lower__in=emails)
    )
    known = {s.email.lower() for s in stakeholders} | {u.email.lower() for u in colleagues}
    unknown = [person for person in invitees if person.email not in known]
    return Matches(stakeholders=stakeholders, colleagues=colleagues, unknown=unknown)


def prefill(values: dict[str, Any], invitation: Invitation, matches: Matches) -> dict[str, Any]:
    """The plan form's values with the invitation's title, time, length and place, its matched
    people added to those already chosen; an agenda already typed is kept."""

    def joined(name: str, pks: list[int]) -> list[str]:
        chosen = [str(pk) for pk in values.get(name) or []]
        return chosen + [str(pk) for pk in pks if str(pk) not in chosen]

    return {
        **values,
        "title": invitation.title,
        "starts_at": timezone.localtime(invitation.starts_at),
        "duration_minutes": invitation.duration_minutes,
        "location": invitation.location or values.get("location", ""),
        "agenda": values.get("agenda") or invitation.agenda,
        "stakeholders": joined("stakeholders", [s.pk for s in matches.stakeholders]),
        "internal_attendees": joined("internal_attendees", [u.pk for u in matches.colleagues]),
    }
