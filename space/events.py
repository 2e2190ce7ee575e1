"""The log of guest actions: a SpaceEvent row (the lead's *Customer activity* and the
timeline) and a line on the accord.audit logger, written in the action's transaction."""

import logging

from django.utils.translation import gettext_noop

from space.models import (
    Guest,
    SpaceEvent,
)

logger = logging.getLogger("accord.audit")

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


def record_guest_event(guest: Guest, action: str, subject: str, ip_address: str | None) -> None:
    SpaceEvent.objects.create(
        space_id=guest.space_id,
        customer_id=guest.space.customer_id,
        guest=guest,
        actor=said_by(guest)[:420],
        action=action,
        subject=subject[:300],
        ip_address=ip_address,
    )
    log_guest(guest, action, f"guest:{guest.pk}")


def log_guest(guest: Guest, action: str, by: str) -> None:
    logger.info(
        "audit action=space_%s actor=%s guest=%s space=%s",
        action.replace(" ", "_").strip(":"),
        by,
        guest.pk,
        guest.space_id,
    )
