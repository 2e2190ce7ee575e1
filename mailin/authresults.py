"""The receiving mail server's verdict on a mailbox message: its RFC 8601
Authentication-Results header, trusted only when it names the configured authserv-id.

A mailbox hands over whatever was delivered to it, so a From: line alone proves nothing. The MTA
in front of the mailbox (Postfix with OpenDKIM/OpenDMARC, Exim, rspamd ...) checks SPF, DKIM and
DMARC and writes what it found under its own authserv-id, removing any header that claimed that
id before (RFC 8601 section 5); headers with another id came from elsewhere and are ignored.
The From domain is authenticated when DMARC passed for it, or when SPF or DKIM passed for a
domain aligned with it (the same organizational domain, DMARC's relaxed alignment).
"""

import logging
from functools import cache

import authres
from anymail.inbound import AnymailInboundMessage
from django.conf import settings
from publicsuffixlist import PublicSuffixList

logger = logging.getLogger(__name__)

# MAILIN_IMAP_AUTH: how strict the check is.
ALIGNED = "aligned"  # an aligned pass is required (the default)
DMARC_FAIL = "dmarc-fail"  # only a dmarc=fail is refused; mail without a verdict is accepted
OFF = "off"  # no check: the mailbox is fed only by a server that authenticated the sender
MODES = (ALIGNED, DMARC_FAIL, OFF)


@cache
def _suffixes() -> PublicSuffixList:
    return PublicSuffixList()


def organizational_domain(domain: str) -> str:
    """The registrable domain (acme.co.uk for mail.acme.co.uk); '' for a public suffix."""
    return _suffixes().privatesuffix(domain.strip(".").lower()) or ""


def aligned(domain: str, from_domain: str) -> bool:
    """DMARC's relaxed alignment: both under the same organizational domain."""
    organization = organizational_domain(domain)
    return bool(organization) and organization == organizational_domain(from_domain)


def _domain(value: str) -> str:
    """The domain of smtp.mailfrom / header.d / header.i / header.from (an address or a name)."""
    return value.rpartition("@")[2].strip().strip("<>").lower()


def trusted_results(
    message: AnymailInboundMessage, authserv_id: str
) -> list[tuple[str, str, dict]]:
    """(method, result, {ptype.property: value}) of every result the trusted server wrote."""
    found = []
    for value in message.get_all("Authentication-Results", []):
        try:
            header = authres.AuthenticationResultsHeader.parse_value(" ".join(str(value).split()))
        except authres.core.AuthResError:
            continue
        if str(header.authserv_id).lower() != authserv_id.lower():
            continue
        for result in header.results:
            properties = {
                f"{item.type}.{item.name}".lower(): str(item.value) for item in result.properties
            }
            found.append((str(result.method).lower(), str(result.result).lower(), properties))
    return found


def _passes_for(method: str, properties: dict, from_domain: str) -> bool:
    if method == "dmarc":
        return _domain(properties.get("header.from", "")) == from_domain
    if method == "spf":
        # RFC 7208: with an empty MAIL FROM, SPF checked the HELO name instead.
        domain = properties.get("smtp.mailfrom") or properties.get("smtp.helo", "")
        return aligned(_domain(domain), from_domain)
    if method == "dkim":
        domain = properties.get("header.d") or properties.get("header.i", "")
        return aligned(_domain(domain), from_domain)
    return False


def is_authenticated(message: AnymailInboundMessage, from_address: str) -> bool:
    """Whether the mailbox message's From domain passes settings.MAILIN_IMAP_AUTH."""
    mode = settings.MAILIN_IMAP_AUTH
    if mode == OFF:
        return True
    authserv_id = settings.MAILIN_IMAP_AUTHSERV_ID
    if not authserv_id:
        logger.warning("mailin: MAILIN_IMAP_AUTHSERV_ID is not set; refusing mailbox mail")
        return False
    from_domain = _domain(from_address)
    results = trusted_results(message, authserv_id)
    if any(method == "dmarc" and result == "fail" for method, result, _p in results):
        return False
    if mode == DMARC_FAIL:
        return True
    return bool(from_domain) and any(
        result == "pass" and _passes_for(method, properties, from_domain)
        for method, result, properties in results
    )
