"""S04, S12-S15 and MFA: sign-in, lockout, passwords, sessions, second factor."""

import datetime as dt
import json
import os
import subprocess
import sys

import django_otp
import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa
from accounts.models import ApiToken
from core.models import AuditEvent
from tests import factories
from tests.core.test_settings import PRODUCTION_ENV, ROOT

LOGIN = "/accounts/login/"
TOKEN = "/api/auth/token/"


@pytest.fixture
def sam(db):
    return factories.UserFactory(username="sam")


def login(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def token(client: Client, username: str, password: str, ip: str = "10.0.0.1", **extra):
    return client.post(
        TOKEN,
        data=json.dumps({"username": username, "password": password, **extra}),
        content_type="application/json",
        REMOTE_ADDR=ip,
    )


# S12: brute force


def test_five_failures_lock_the_login_form_for_that_username_and_address(sam):
    client = Client()
    for _ in range(4):
        assert login(client, "sam", "wrong-password-123").status_code == 200
    # The fifth failure locks: it is answered with the lockout page already.
    assert login(client, "sam", "wrong-password-123").status_code == 429
    locked = login(client, "sam", factories.PASSWORD)
    assert locked.status_code == 429
    assert b"15 minutes" in locked.content
    assert "_auth_user_id" not in client.session
    # The victim, from their own address, is not locked out.
    assert login(Client(), "sam", factories.PASSWORD, ip="10.0.0.2").status_code == 302
    assert AuditEvent.objects.filter(action="login_failed", username="sam").count() == 6
    assert AuditEvent.objects.filter(action="locked_out", username="sam").exists()


def test_the_lock_lifts_after_exactly_the_cool_off(sam):
    with time_machine.travel(dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC), tick=False) as tm:
        client = Client()
        for _ in range(5):
            login(client, "sam", "wrong-password-123")
        tm.shift(dt.timedelta(minutes=14, seconds=59))
        assert login(client, "sam", factories.PASSWORD).status_code == 429
        tm.shift(dt.timedelta(minutes=15, seconds=1))
        assert login(client, "sam", factories.PASSWORD).status_code == 302


def test_the_api_token_endpoint_shares_the_lockout_and_answers_429(sam):
    client = Client()
    for _ in range(4):
        assert token(client, "sam", "wrong-password-123").status_code == 400
    assert token(client, "sam", "wrong-password-123").status_code == 429
    response = token(client, "sam", factories.PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.json()["detail"]
    assert int(response["Retry-After"]) == 15 * 60
    assert not ApiToken.objects.filter(user=sam).exists()
    # The form is locked too: one counter per username and address.
    assert login(client, "sam", factories.PASSWORD).status_code == 429


def test_x_forwarded_for_does_not_dodge_the_lockout(sam):
    client = Client()
    for n in range(6):
        client.post(
            LOGIN,
            {"username": "sam", "password": "wrong-password-123"},
            REMOTE_ADDR="10.0.0.9",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    response = client.post(
        LOGIN,
        {"username": "sam", "password": factories.PASSWORD},
        REMOTE_ADDR="10.0.0.9",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert response.status_code == 429


def test_axes_settings_are_the_documented_ones():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert dt.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_RESET_ON_SUCCESS is True
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert "axes.middleware.AxesMiddleware" in settings.MIDDLEWARE


# S13, S14: passwords


@pytest.mark.parametrize(
    "password",
    ["short-pw1", "elevenchars", "password1234", "qwertyuiop123", "1234567890123"],
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "x" * 7 + "ñandú-über-情報-🙂",
        "a" * 64,
        "b" * 128,
        "917364820571",  # all digits: no composition rules (ASVS 6.2.5)
        "alllowercaseletters",
    ],
)
def test_long_passwords_without_composition_rules_are_accepted(password):
    validate_password(password)


@pytest.mark.django_db
def test_passwords_are_stored_with_argon2id_and_not_truncated(sam):
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    sam.set_password("p" * 100 + "A")
    sam.save()
    assert identify_hasher(sam.password).algorithm == "argon2"
    assert sam.password.startswith("argon2$argon2id$")
    assert sam.check_password("p" * 100 + "A")
    assert not sam.check_password("p" * 100 + "B")


def test_password_change_needs_the_current_password_and_ends_other_sessions(sam):
    mine, other = Client(), Client()
    assert login(mine, "sam", factories.PASSWORD).status_code == 302
    assert login(other, "sam", factories.PASSWORD, ip="10.0.0.3").status_code == 302
    factories.ApiTokenFactory(user=sam)
    new = "a brand new passphrase"
    refused = mine.post(
        "/accounts/password/",
        {"old_password": "not-the-password", "new_password1": new, "new_password2": new},
    )
    assert refused.status_code == 200
    assert b"Your old password was entered incorrectly" in refused.content
    changed = mine.post(
        "/accounts/password/",
        {"old_password": factories.PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert changed.status_code == 302
    assert mine.get("/").status_code == 200
    assert other.get("/").status_code == 302
    assert not ApiToken.objects.filter(user=sam).exists()
    assert AuditEvent.objects.filter(action="password_changed", actor=sam).exists()


# S04: cookies


def test_session_cookie_flags_at_login(sam):
    response = login(Client(), "sam", factories.PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert not cookie["domain"]


@override_settings(
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
    SESSION_COOKIE_NAME="__Host-sessionid",
    CSRF_COOKIE_NAME="__Host-csrftoken",
)
def test_production_cookie_names_and_flags(sam):
    client = Client()
    page = client.get(LOGIN, secure=True)
    csrf = page.cookies["__Host-csrftoken"]
    assert csrf["secure"]
    assert csrf["path"] == "/"
    assert not csrf["domain"]
    response = client.post(LOGIN, {"username": "sam", "password": factories.PASSWORD}, secure=True)
    session = response.cookies["__Host-sessionid"]
    assert session["secure"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"
    assert session["path"] == "/"
    assert not session["domain"]


def test_production_profile_sets_secure_host_prefixed_cookies():
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE,"
        " s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.DEBUG, s.MFA_REQUIRED_ROLES]))"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "MFA_REQUIRED_ROLES"}}
    env.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="config.settings")
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == [
        "__Host-sessionid",
        "__Host-csrftoken",
        True,
        True,
        True,
        "Lax",
        31536000,
        True,
        False,
        ["manager", "admin"],
    ]


# S15: session lifecycle


def test_login_rotates_the_session_key(sam):
    client = Client()
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    login(client, "sam", factories.PASSWORD)
    assert client.session.session_key != before


def test_logout_deletes_the_server_side_session(sam):
    client = Client()
    login(client, "sam", factories.PASSWORD)
    key = client.session.session_key
    assert client.post("/accounts/logout/").status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="logout", actor=sam).exists()


def test_idle_sessions_expire_after_30_minutes(sam):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    with time_machine.travel(dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC), tick=False) as tm:
        client = Client()
        login(client, "sam", factories.PASSWORD)
        tm.shift(dt.timedelta(minutes=29))
        assert client.get("/").status_code == 200  # activity renews the idle window
        tm.shift(dt.timedelta(minutes=29))
        assert client.get("/").status_code == 200
        tm.shift(dt.timedelta(minutes=31))
        assert client.get("/").status_code == 302


def test_an_active_session_is_written_at_most_once_a_minute(sam):
    with time_machine.travel(dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC), tick=False) as tm:
        client = Client()
        login(client, "sam", factories.PASSWORD)
        client.get("/")
        key = client.session.session_key
        renewed = Session.objects.get(session_key=key).expire_date
        tm.shift(dt.timedelta(seconds=30))
        client.get("/")
        assert Session.objects.get(session_key=key).expire_date == renewed  # no write
        tm.shift(dt.timedelta(seconds=31))
        client.get("/")
        assert Session.objects.get(session_key=key).expire_date == renewed + dt.timedelta(
            seconds=61
        )


def test_sessions_end_12_hours_after_sign_in_however_active(sam):
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 60 * 60
    with time_machine.travel(dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC), tick=False) as tm:
        client = Client()
        login(client, "sam", factories.PASSWORD)
        for _ in range(28):  # a request every 25 minutes: 11 h 40 min
            tm.shift(dt.timedelta(minutes=25))
            assert client.get("/").status_code == 200
        tm.shift(dt.timedelta(minutes=25))  # 12 h 5 min after sign-in
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
        assert client.get("/api/customers/").status_code in (401, 403)


def test_deactivation_ends_every_session_at_the_next_request(sam):
    client = Client()
    login(client, "sam", factories.PASSWORD)
    sam.is_active = False
    sam.save()
    assert client.get("/").status_code == 302
    assert login(Client(), "sam", factories.PASSWORD).status_code == 200  # refused


# MFA (ASVS 6.3.3)


def enrol(client: Client, user) -> tuple[TOTPDevice, list[str]]:
    page = client.get("/accounts/two-factor/setup/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in body
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert mfa.secret_text(device) in body
    response = client.post("/accounts/two-factor/setup/", {"token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    codes = list(response.context["codes"])
    assert len(codes) == 10
    return device, codes


def next_window(user) -> None:
    """As if the next 30-second TOTP window came and django-otp's back-off was waited out."""
    TOTPDevice.objects.filter(user=user).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )


def test_enrolment_then_every_sign_in_asks_for_a_code(sam):
    client = Client()
    login(client, "sam", factories.PASSWORD)
    _device, codes = enrol(client, sam)
    # The recovery codes are shown once.
    assert codes[0] not in client.get("/accounts/two-factor/").content.decode()

    fresh = Client()
    assert login(fresh, "sam", factories.PASSWORD, ip="10.0.0.5").status_code == 302
    blocked = fresh.get("/")
    assert blocked.status_code == 302
    assert blocked["Location"].startswith("/accounts/two-factor/verify/")
    assert fresh.get("/api/customers/").status_code == 403
    wrong = fresh.post("/accounts/two-factor/verify/", {"token": "000000", "next": "/"})
    assert wrong.status_code == 200
    assert b"not right" in wrong.content
    for throttled in django_otp.devices_for_user(sam):
        throttled.throttle_reset()  # as if the user waited out django-otp's back-off
    ok = fresh.post("/accounts/two-factor/verify/", {"token": codes[0], "next": "/"})
    assert ok.status_code == 302
    assert fresh.get("/").status_code == 200
    # A recovery code works once.
    again = Client()
    login(again, "sam", factories.PASSWORD, ip="10.0.0.6")
    assert again.post("/accounts/two-factor/verify/", {"token": codes[0]}).status_code == 200
    assert AuditEvent.objects.filter(action="mfa_verified", actor=sam).count() == 1
    assert AuditEvent.objects.filter(action="mfa_failed", actor=sam).count() == 2


def test_verify_refuses_to_redirect_off_site(sam):
    client = Client()
    login(client, "sam", factories.PASSWORD)
    _device, codes = enrol(client, sam)
    other = Client()
    login(other, "sam", factories.PASSWORD, ip="10.0.0.7")
    response = other.post(
        "/accounts/two-factor/verify/", {"token": codes[1], "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_disabling_needs_the_password_and_a_current_code(sam):
    client = Client()
    login(client, "sam", factories.PASSWORD)
    device, codes = enrol(client, sam)
    code = f"{totp(device.bin_key):06d}"
    disable = "/accounts/two-factor/disable/"
    # The password alone, a wrong password, or a recovery code instead of the app's code: no.
    assert client.post(disable, {"password": factories.PASSWORD}).status_code == 400
    assert client.post(disable, {"password": "wrong-password-9", "code": code}).status_code == 400
    assert (
        client.post(disable, {"password": factories.PASSWORD, "code": codes[0]}).status_code == 400
    )
    assert mfa.has_mfa(sam)
    next_window(sam)
    assert client.post(disable, {"password": factories.PASSWORD, "code": code}).status_code == 302
    assert not mfa.has_mfa(sam)
    assert client.get("/").status_code == 200


def test_api_token_needs_the_second_factor_of_enrolled_users(sam):
    client = Client()
    login(client, "sam", factories.PASSWORD)
    _device, codes = enrol(client, sam)
    assert token(Client(), "sam", factories.PASSWORD).status_code == 400
    assert token(Client(), "sam", factories.PASSWORD, otp_token=codes[2]).status_code == 200


@override_settings(MFA_REQUIRED_ROLES=["manager", "admin"])
def test_required_roles_must_enrol_before_any_page_and_before_a_token(actors):
    client = Client()
    assert login(client, actors.mgr_a.username, factories.PASSWORD).status_code == 302
    response = client.get(f"/customers/{actors.customer_a.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/setup/")
    assert client.get("/api/customers/").status_code == 403
    assert token(Client(), actors.mgr_a.username, factories.PASSWORD).status_code == 403
    enrol(client, actors.mgr_a)
    assert client.get(f"/customers/{actors.customer_a.pk}/").status_code == 200
    refused = client.post("/accounts/two-factor/disable/", {"password": factories.PASSWORD})
    assert refused.status_code == 403
    # A salesperson is not forced.
    sales = Client()
    login(sales, actors.sales_a.username, factories.PASSWORD)
    assert sales.get("/").status_code == 200


@override_settings(MFA_REQUIRED_ROLES=["manager", "admin"])
def test_the_admin_needs_staff_and_a_verified_second_factor(actors):
    client = Client()
    login(client, actors.admin.username, factories.PASSWORD)
    assert client.get("/admin/").status_code == 302
    enrol(client, actors.admin)
    assert client.get("/admin/").status_code == 200
    staff_without_mfa = factories.UserFactory(username="staffer", is_staff=True)
    other = Client()
    other.force_login(staff_without_mfa)
    response = other.get("/admin/")
    assert response.status_code == 302
    assert "/admin/" not in response["Location"].split("?")[0] or "login" in response["Location"]


def test_the_admin_has_no_login_form_of_its_own(db):
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
