"""The receiving MTA's Authentication-Results (RFC 8601) decide whether a mailbox message's
From domain is authenticated; the strictness is configurable."""

import pytest
from django.core import checks

from mailin.authresults import aligned, is_authenticated
from mailin.checks import check_imap_authentication
from tests.mailin.conftest import message

MTA = "mx.accord.test"
FROM = "sam@acme.example"


def _with(values):
    parsed = message(sender=FROM, to="carla@alpha.example")
    for value in values:
        parsed["Authentication-Results"] = value
    return parsed


@pytest.fixture
def strict(settings):
    settings.MAILIN_IMAP_AUTHSERV_ID, settings.MAILIN_IMAP_AUTH = MTA, "aligned"


@pytest.mark.parametrize(
    ("results", "accepted"),
    [
        ([f"{MTA}; dmarc=pass header.from=acme.example"], True),
        ([f"{MTA}; spf=pass smtp.mailfrom=bounce@mail.acme.example"], True),
        ([f"{MTA}; dkim=pass header.d=acme.example header.s=k1"], True),
        ([f"{MTA}; dkim=pass header.i=@acme.example"], True),
        # Two headers from the same server (OpenDKIM and OpenDMARC each write one).
        (
            [
                f"{MTA}; spf=none smtp.mailfrom=x@acme.example",
                f"{MTA}; dkim=pass header.d=acme.example",
            ],
            True,
        ),
        # The authserv-id is compared without case; the version number is allowed.
        (["MX.Accord.Test 1; dkim=pass header.d=acme.example"], True),
        ([], False),
        ([f"{MTA}; none"], False),
        ([f"{MTA}; spf=fail smtp.mailfrom=acme.example"], False),
        ([f"{MTA}; spf=pass smtp.mailfrom=forger.example"], False),
        ([f"{MTA}; dkim=pass header.d=forger.example"], False),
        # Another organizational domain under the same public suffix is not aligned.
        ([f"{MTA}; dkim=pass header.d=example"], False),
        ([f"{MTA}; dkim=pass header.d=acme.example; dmarc=fail header.from=acme.example"], False),
        (["mx.forger.example; dmarc=pass header.from=acme.example"], False),
        (["this is not ;;; a header ="], False),
    ],
)
def test_an_aligned_pass_from_the_trusted_server_is_required(strict, results, accepted):
    assert is_authenticated(_with(results), FROM) is accepted


def test_dmarc_fail_mode_refuses_only_a_dmarc_failure(settings):
    settings.MAILIN_IMAP_AUTHSERV_ID, settings.MAILIN_IMAP_AUTH = MTA, "dmarc-fail"
    assert is_authenticated(_with([]), FROM)
    assert is_authenticated(_with([f"{MTA}; spf=none"]), FROM)
    assert not is_authenticated(_with([f"{MTA}; dmarc=fail header.from=acme.example"]), FROM)
    # A forger's dmarc=pass changes nothing; their dmarc=fail only refuses their own mail.
    assert is_authenticated(_with(["mx.forger.example; dmarc=fail"]), FROM)


def test_off_trusts_the_mailbox(settings):
    settings.MAILIN_IMAP_AUTHSERV_ID, settings.MAILIN_IMAP_AUTH = "", "off"
    assert is_authenticated(_with([]), FROM)


def test_without_an_authserv_id_nothing_is_trusted(settings):
    settings.MAILIN_IMAP_AUTHSERV_ID, settings.MAILIN_IMAP_AUTH = "", "aligned"
    assert not is_authenticated(_with([f"{MTA}; dmarc=pass header.from=acme.example"]), FROM)


@pytest.mark.parametrize(
    ("domain", "from_domain", "expected"),
    [
        ("acme.example", "acme.example", True),
        ("mail.acme.example", "acme.example", True),
        ("acme.co.uk", "sales.acme.co.uk", True),
        ("co.uk", "acme.co.uk", False),
        ("other.co.uk", "acme.co.uk", False),
        ("", "acme.example", False),
    ],
)
def test_relaxed_alignment_uses_the_organizational_domain(domain, from_domain, expected):
    assert aligned(domain, from_domain) is expected


def test_a_mailbox_without_an_authserv_id_is_a_deployment_warning(settings):
    settings.IMAP_HOST, settings.MAILIN_IMAP_AUTH = "imap.example", "aligned"
    settings.MAILIN_IMAP_AUTHSERV_ID = ""
    assert [item.id for item in check_imap_authentication()] == ["mailin.W001"]
    assert all(isinstance(item, checks.Warning) for item in check_imap_authentication())
    settings.MAILIN_IMAP_AUTHSERV_ID = MTA
    assert check_imap_authentication() == []
