"""Delivery path (b): for self-hosters, a mailbox that Celery beat polls over IMAP.

Unseen messages are read without marking them (BODY.PEEK), handed to `receive_email`, then
flagged \\Seen: a second poll passes over them. A message that fails to file stays unseen and
is tried again at the next poll (filing is idempotent by Message-ID).
"""

import imaplib
import logging
from dataclasses import dataclass

from django.conf import settings

from mailin.models import InboundEmail
from mailin.parsing import parse_bytes
from mailin.services import receive_email

logger = logging.getLogger(__name__)


@dataclass
class PollResult:
    seen: int = 0
    filed: int = 0


def connect() -> imaplib.IMAP4:
    host, port = settings.IMAP_HOST, settings.IMAP_PORT
    timeout = settings.IMAP_TIMEOUT
    if settings.IMAP_SSL:
        return imaplib.IMAP4_SSL(host, port, timeout=timeout)
    return imaplib.IMAP4(host, port, timeout=timeout)


def poll_mailbox() -> PollResult:
    """Read every unseen message of settings.IMAP_MAILBOX once."""
    result = PollResult()
    if not settings.IMAP_HOST:
        return result
    with connect() as imap:
        imap.login(settings.IMAP_USER, settings.IMAP_PASSWORD)
        imap.select(settings.IMAP_MAILBOX)
        _status, found = imap.uid("SEARCH", "UNSEEN")
        for uid in found[0].split():
            result.seen += 1
            _status, parts = imap.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((part[1] for part in parts if isinstance(part, tuple)), None)
            if raw is None:
                continue
            try:
                outcome = receive_email(parse_bytes(raw), via=InboundEmail.Via.IMAP)
            except Exception:
                # Left unseen for the next poll; the messages after it are still filed.
                logger.exception("mailin: could not file IMAP message %s", uid.decode())
                continue
            imap.uid("STORE", uid, "+FLAGS", "(\\Seen)")
            result.filed += outcome.status != "dropped"
        imap.close()
    return result
