"""API tokens (pen-test finding 2): issued, listed, expiring, revoked, hashed."""

import datetime as dt
import hashlib

import pytest
import time_machine
from django.contrib import admin
from django.db import connection
from django.test import Client, override_settings
from rest_framework.test import APIClient

from accounts import services
from accounts.models import ApiToken, User
from core.models import AuditEvent
from tests import factories

TOKEN = "/api/auth/token/"
SECURITY = "/accounts/two-factor/"
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
# DRF answers a refused credential with 403, not 401: the first authentication class (the
# session's) sends no WWW-Authenticate challenge.
REFUSED = 403


@pytest.fixture
def sam(db):
    return factories.UserFactory(username="sam")


def issue(username: str = "sam", **extra) -> dict:
    response = APIClient().post(
        TOKEN, {"username": username, "password": factories.PASSWORD, **extra}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def get_with(key: str, path: str = "/api/customers/"):
    return APIClient().get(path, HTTP_AUTHORIZATION=f"Token {key}")


def test_a_token_carries_its_creation_time_and_expires_after_api_token_days(sam, settings):
    settings.API_TOKEN_DAYS = 30
    with time_machine.travel(NOW, tick=False) as clock:
        answer = issue(name="Weekly export")
        token = ApiToken.objects.get(user=sam)
        assert token.created_at == NOW
        assert token.expires_at == NOW + dt.timedelta(days=30)
        assert answer["expires_at"].startswith("2026-12-31T09:00:00")
        assert token.name == "Weekly export"
        clock.shift(dt.timedelta(days=30) - dt.timedelta(seconds=1))
        assert get_with(answer["token"]).status_code == 200
        clock.shift(dt.timedelta(seconds=1))
        expired = get_with(answer["token"])
    assert expired.status_code == REFUSED
    assert "expired" in expired.json()["detail"]


def test_the_lifetime_is_a_setting(sam, settings):
    settings.API_TOKEN_DAYS = 2
    with time_machine.travel(NOW, tick=False):
        issue()
    assert ApiToken.objects.get(user=sam).expires_at == NOW + dt.timedelta(days=2)


def test_only_a_hash_of_the_key_is_stored(sam):
    key = issue()["token"]
    token = ApiToken.objects.get(user=sam)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:8]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        stored = repr(cursor.fetchall())
    assert key not in stored


def test_each_request_issues_a_new_token_and_the_oldest_beyond_ten_are_dropped(sam):
    keys = [issue()["token"] for _ in range(services.MAX_API_TOKENS_PER_USER + 1)]
    assert len(set(keys)) == len(keys)
    assert ApiToken.objects.filter(user=sam).count() == services.MAX_API_TOKENS_PER_USER
    assert get_with(keys[0]).status_code == REFUSED
    assert get_with(keys[-1]).status_code == 200


def test_last_use_is_recorded_at_most_hourly(sam):
    with time_machine.travel(NOW, tick=False) as clock:
        key = issue()["token"]
        get_with(key)
        assert ApiToken.objects.get(user=sam).last_used_at == NOW
        clock.shift(dt.timedelta(minutes=30))
        get_with(key)
        assert ApiToken.objects.get(user=sam).last_used_at == NOW
        clock.shift(dt.timedelta(minutes=31))
        get_with(key)
        assert ApiToken.objects.get(user=sam).last_used_at == NOW + dt.timedelta(minutes=61)


def test_the_security_page_lists_the_owners_tokens_and_revokes_one(sam):
    first, second = issue(name="laptop")["token"], issue(name="ci")["token"]
    other = factories.UserFactory(username="other")
    other_key = issue("other")["token"]
    client = Client()
    client.force_login(sam)
    page = client.get(SECURITY).content.decode()
    assert first[:8] in page
    assert second[:8] in page
    assert "laptop" in page
    assert ">ci<" in page
    assert other_key[:8] not in page
    laptop = ApiToken.objects.get(user=sam, name="laptop")
    response = client.post(f"/accounts/tokens/{laptop.pk}/revoke/")
    assert response.status_code == 302
    assert get_with(first).status_code == REFUSED
    assert get_with(second).status_code == 200
    assert AuditEvent.objects.filter(action="token_revoked", actor=sam).exists()
    # Someone else's token: 404, and it keeps working.
    theirs = ApiToken.objects.get(user=other)
    assert client.post(f"/accounts/tokens/{theirs.pk}/revoke/").status_code == 404
    assert get_with(other_key).status_code == 200


def test_revoke_every_token_at_once(sam):
    keys = [issue()["token"] for _ in range(3)]
    client = Client()
    client.force_login(sam)
    assert client.post("/accounts/tokens/revoke-all/").status_code == 302
    assert [get_with(key).status_code for key in keys] == [REFUSED] * 3
    assert "You have no API tokens" in client.get(SECURITY).content.decode()


def test_a_role_change_in_the_admin_revokes_the_tokens(sam, rf):
    issue()
    admin_user = factories.UserFactory(username="boss", is_staff=True, is_superuser=True)
    request = rf.post("/admin/")
    request.user = admin_user
    model_admin = admin.site.get_model_admin(User)
    form_class = model_admin.get_form(request, sam, change=True)
    data = {
        "username": sam.username,
        "email": sam.email,
        "first_name": sam.first_name,
        "last_name": sam.last_name,
        "role": User.Role.MANAGER,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
    }
    form = form_class(data, instance=sam)
    assert form.is_valid(), form.errors
    model_admin.save_model(request, form.save(commit=False), form, change=True)
    assert not ApiToken.objects.filter(user=sam).exists()


def test_a_name_with_a_line_break_is_refused(sam):
    response = APIClient().post(
        TOKEN,
        {"username": "sam", "password": factories.PASSWORD, "name": "ci\nX-Injected: 1"},
        format="json",
    )
    assert response.status_code == 400
    assert "name" in response.json()


def test_existing_drf_tokens_keep_working_hashed_until_their_expiry(sam, settings):
    """The data migration: rest_framework.authtoken's plain keys become hashed ApiTokens."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("accounts.migrations.0004_move_drf_tokens")
    settings.API_TOKEN_DAYS = 30
    old_key, stale_key = "a" * 40, "b" * 40
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "created timestamp with time zone NOT NULL, user_id bigint NOT NULL)"
            if connection.vendor == "postgresql"
            else "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "created datetime NOT NULL, user_id bigint NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s), (%s, %s, %s)",
            [old_key, NOW, sam.pk, stale_key, NOW - dt.timedelta(days=31), sam.pk],
        )
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        with connection.schema_editor() as editor:
            migration.move_tokens(apps, editor)
        assert get_with(old_key).status_code == 200
        assert get_with(stale_key).status_code == REFUSED
    token = ApiToken.objects.get(key_hash=ApiToken.hash_key(old_key))
    assert (token.created_at, token.expires_at) == (NOW, NOW + dt.timedelta(days=30))
    assert not token.is_mfa_verified
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0
        cursor.execute("DROP TABLE authtoken_token")


@override_settings(MFA_REQUIRED_ROLES=["manager", "admin"])
def test_a_token_issued_without_two_factor_does_not_serve_a_role_that_requires_it(actors):
    """A salesperson's token, the user later a manager (role changed outside the admin too)."""
    key = issue(actors.sales_a.username)["token"]
    assert get_with(key).status_code == 200
    User.objects.filter(pk=actors.sales_a.pk).update(role=User.Role.MANAGER)
    refused = get_with(key)
    assert refused.status_code == REFUSED
    assert not ApiToken.objects.filter(user=actors.sales_a).exists()


@override_settings(MFA_REQUIRED_ROLES=["manager", "admin"])
def test_an_admins_token_without_two_factor_cannot_read_the_schema(actors):
    """Pen-test finding 2: an older admin token read /api/schema/ while the session could not."""
    key = "an-admin-token-issued-before-mfa-applied"
    factories.ApiTokenFactory(user=actors.admin, key=key, is_mfa_verified=False)
    assert get_with(key, "/api/schema/").status_code == REFUSED
    verified = "an-admin-token-issued-with-a-second-factor"
    factories.ApiTokenFactory(user=actors.admin, key=verified, is_mfa_verified=True)
    assert get_with(verified, "/api/schema/").status_code == 200


def test_saving_a_stale_user_does_not_bring_ended_sessions_back(sam):
    """The epoch only rises: a full save of an instance loaded before the raise keeps it."""
    stale = User.objects.get(pk=sam.pk)
    other = Client()
    other.force_login(sam)
    services.end_other_credentials(sam)
    assert other.get("/").status_code == 302
    revived = Client()
    revived.force_login(stale)  # a session hashed with the old epoch...
    stale.first_name = "Samuel"
    stale.save()  # ...and the old epoch written back would make it valid
    sam.refresh_from_db()
    assert sam.credentials_epoch == 1
    assert sam.first_name == "Samuel"
    assert revived.get("/").status_code == 302
