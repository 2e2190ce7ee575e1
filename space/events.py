"""The log of guest actions: a SpaceEvent row (the lead's *Customer activity* and the
timeline) and an audit event (the account's audit trail, with the guest as actor, and a line
on the accord.audit logger), written in the action's transaction."""

from django.db import models
from django.utils.translation import gettext_noop

from core.audit import record
from core.models import AuditEvent
from space.models import (
    Guest,
    SpaceEvent,
)

# What guests do, as the timeline says it ("Katrin Vogel confirmed ..."). Marked for
# translation here, translated where they are shown.
CONFIRMED = gettext_noop("confirmed")
CORRECTED = gettext_noop("suggested a correction to")
RANKED = gettext_noop("suggested a new priority or severity for")
IRRELEVANT = gettext_noop("said this is no longer relevant:")
SUGGESTED = gettext_noop("suggested")
TICKED = gettext_noop("marked done")
REOPENED = gettext_noop("reopened")
PROPOSED_DATE = gettext_noop("proposed a new date for")
COMMENTED = gettext_noop("commented on")
POSTED = gettext_noop("wrote in the shared space")
SIGNED_IN = gettext_noop("signed in to the shared space")
SIGNED_OUT = gettext_noop("signed out of the shared space")


def said_by(guest: Guest) -> str:
    """The guest's name and title, as provenance quotes them."""
    stakeholder = guest.stakeholder
    return ", ".join(part for part in (stakeholder.name, stakeholder.title) if part)


def guest_actor(guest: Guest) -> str:
    """Who did it, in the audit trail: the guest's name, marked as a guest (not a user)."""
    return f"{guest.stakeholder.name} (guest)"


def record_guest_event(
    guest: Guest,
    action: str,
    subject: str,
    ip_address: str | None,
    *,
    on: models.Model | None = None,
) -> None:
    """A guest did something: the timeline's row and the account's audit event (`on` is the
    record it was done to, if any)."""
    SpaceEvent.objects.create(
        space_id=guest.space_id,
        customer_id=guest.space.customer_id,
        guest=guest,
        actor=said_by(guest)[:420],
        action=action,
        subject=subject[:300],
        ip_address=ip_address,
    )
    record(
        AuditEvent.Action.GUEST_ACTION,
        username=guest_actor(guest),
        customer_id=guest.space.customer_id,
        object_type=on._meta.verbose_name if on is not None else "guest",
        object_id=on.pk if on is not None else guest.pk,
        detail=f"{action} {subject}".strip(),
        ip_address=ip_address,
    )
