"""Deployment check: a polled mailbox without a trusted authserv-id refuses all its mail."""

from typing import Any

from django.conf import settings
from django.core import checks


def check_imap_authentication(**kwargs: Any) -> list[checks.CheckMessage]:
    if (
        settings.IMAP_HOST
        and settings.MAILIN_IMAP_AUTH != "off"
        and not settings.MAILIN_IMAP_AUTHSERV_ID
    ):
        return [
            checks.Warning(
                "IMAP_HOST is set but MAILIN_IMAP_AUTHSERV_ID is not: every mailbox message "
                "will be refused as unauthenticated.",
                hint="Set it to the authserv-id your MTA writes in Authentication-Results, "
                "or MAILIN_IMAP_AUTH=off if the mailbox only receives authenticated mail.",
                id="mailin.W001",
            )
        ]
    return []
