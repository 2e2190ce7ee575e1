"""Password change through the sign-in lockout (finding 6), and password reset by email."""

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client, TestCase

from accounts.models import ApiToken
from core.models import AuditEvent
from tests import factories

CHANGE = "/accounts/password/"
RESET = "/accounts/password/reset/"
NEW = "quiet harbour lantern at dusk"


@pytest.fixture
def sam(db):
    return factories.UserFactory(username="sam", email="sam@example.com")


def change(client: Client, old: str, ip: str = "10.1.0.1"):
    return client.post(
        CHANGE,
        {"old_password": old, "new_password1": NEW, "new_password2": NEW},
        REMOTE_ADDR=ip,
    )


# Finding 6


def test_wrong_current_passwords_lock_the_change_form_as_they_lock_sign_in(sam):
    client = Client()
    client.force_login(sam)
    for _ in range(4):
        assert change(client, "not-my-password").status_code == 200
    assert change(client, "not-my-password").status_code == 429
    locked = change(client, factories.PASSWORD)
    assert locked.status_code == 429
    assert sam.check_password(factories.PASSWORD)
    # One counter per username and address: the sign-in form is locked for them too.
    signin = Client().post(
        "/accounts/login/",
        {"username": "sam", "password": factories.PASSWORD},
        REMOTE_ADDR="10.1.0.1",
    )
    assert signin.status_code == 429
    assert AuditEvent.objects.filter(action="login_failed", username="sam").count() >= 5


def test_the_change_form_lock_lifts_after_the_cool_off(sam):
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False) as tm:
        client = Client()
        client.force_login(sam)
        for _ in range(5):
            change(client, "not-my-password")
        tm.shift(settings.AXES_COOLOFF_TIME + dt.timedelta(seconds=1))
        client.force_login(sam)  # the 12-hour session limit is not what this tests
        assert change(client, factories.PASSWORD).status_code == 302
    sam.refresh_from_db()
    assert sam.check_password(NEW)


# Password reset


def request_reset(email: str, ip: str = "10.2.0.1"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return Client().post(RESET, {"email": email}, REMOTE_ADDR=ip)


def reset_link() -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/[^\s]+/)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_the_sign_in_page_links_to_password_reset(db):
    assert f'href="{RESET}"' in Client().get("/accounts/login/").content.decode()


def test_the_answer_is_the_same_whether_the_address_has_an_account(sam, isolated_cache):
    known = request_reset("SAM@example.com")
    unknown = request_reset("nobody@example.com")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/accounts/password/reset/sent/"
    page = Client().get(known["Location"]).content.decode()
    assert "If an Accord account uses that address" in page
    # One email, to the address on the account, with a link on SITE_URL.
    (sent,) = mail.outbox
    assert sent.to == ["sam@example.com"]
    assert "\n" not in sent.subject
    assert settings.SITE_URL in sent.body


@pytest.mark.parametrize("kind", ["inactive", "unusable password"])
def test_accounts_that_cannot_sign_in_get_no_email(db, isolated_cache, kind):
    user = factories.UserFactory(email="x@example.com", is_active=kind != "inactive")
    if kind == "unusable password":
        user.set_unusable_password()
        user.save()
    assert request_reset("x@example.com").status_code == 302
    assert mail.outbox == []


def test_the_link_works_once_and_ends_every_session_and_token(sam, isolated_cache):
    other = Client()
    other.force_login(sam)
    factories.ApiTokenFactory(user=sam)
    request_reset(sam.email)
    link = reset_link()
    client = Client()
    form = client.get(link, follow=True)
    assert b"Set a new password" in form.content
    set_url = form.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302
    assert done["Location"] == "/accounts/password/reset/complete/"
    sam.refresh_from_db()
    assert sam.check_password(NEW)
    assert other.get("/").status_code == 302
    assert not ApiToken.objects.filter(user=sam).exists()
    assert AuditEvent.objects.filter(action="password_reset", actor=sam).exists()
    # Used once: the same link no longer works.
    again = Client().get(link, follow=True)
    assert b"This link does not work" in again.content


def test_the_link_expires_after_password_reset_timeout(sam, isolated_cache):
    assert settings.PASSWORD_RESET_TIMEOUT == 60 * 60
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False) as tm:
        request_reset(sam.email)
        link = reset_link()
        tm.shift(dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT - 5))
        assert b"Set a new password" in Client().get(link, follow=True).content
        tm.shift(dt.timedelta(seconds=10))
        assert b"This link does not work" in Client().get(link, follow=True).content


def test_requests_are_rate_limited_per_client_address(db, isolated_cache):
    for _ in range(10):
        assert request_reset("nobody@example.com", ip="10.3.0.1").status_code == 302
    limited = request_reset("nobody@example.com", ip="10.3.0.1")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    # Another client is not affected.
    assert request_reset("nobody@example.com", ip="10.3.0.2").status_code == 302


def test_emails_per_address_are_limited_without_changing_the_answer(sam, isolated_cache):
    answers = [request_reset(sam.email, ip=f"10.4.0.{n}").status_code for n in range(5)]
    assert answers == [302] * 5
    assert len(mail.outbox) == 3
