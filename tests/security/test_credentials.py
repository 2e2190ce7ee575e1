"""Every credential type (session, API token) tried after each two-factor and role change.

Pen-test finding 2: credentials that existed before a rule applied kept working under it. Each
case opens both kinds of credential, makes one change the way it happens in Accord (the user on
their Security page, or an admin; role changes also straight in the database, the path that
bypasses every hook), then tries each credential again.

Sessions: SIGNED_OUT (back to the sign-in page), SETUP (sent to enrol a second factor before
any page; a session API call gets 403), or KEPT (the session works). Tokens: always refused.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core import mail
from django.test import Client, TestCase, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.models import User
from tests import factories
from tests.security.test_auth import enrol, login, next_window

SIGNED_OUT, SETUP, KEPT = "signed out", "two-factor setup", "kept"
# DRF answers a refused token with 403 (the session class, first in the list, sends no
# WWW-Authenticate challenge that would make it a 401).
TOKEN_REFUSED = 403


@dataclass
class Person:
    user: User
    recovery_codes: list[str]

    def code(self) -> str:
        next_window(self.user)
        return self.recovery_codes.pop()

    def totp(self) -> str:
        next_window(self.user)
        device = TOTPDevice.objects.get(user=self.user, confirmed=True)
        return f"{totp(device.bin_key):06d}"


def make_person(role: str, *, enrolled: bool) -> Person:
    user = factories.UserFactory(username=f"person-{role}", role=role)
    codes: list[str] = []
    if enrolled:
        client = Client()
        login(client, user.username, factories.PASSWORD, ip="10.9.0.1")
        _, codes = enrol(client, user)
    return Person(user, codes)


def open_session(person: Person, ip: str) -> Client:
    """A signed-in session, through the sign-in form (and the second factor, if enrolled)."""
    client = Client(raise_request_exception=False)
    assert login(client, person.user.username, factories.PASSWORD, ip=ip).status_code == 302
    if person.recovery_codes:
        verified = client.post("/accounts/two-factor/verify/", {"token": person.code()})
        assert verified.status_code == 302
    return client


def issue_token(person: Person) -> str:
    body = {"username": person.user.username, "password": factories.PASSWORD}
    if person.recovery_codes:
        body["otp_token"] = person.code()
    response = APIClient().post("/api/auth/token/", body, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def session_state(client: Client) -> str:
    response = client.get("/")
    if response.status_code == 200:
        return KEPT
    location = response.get("Location", "")
    if location.startswith("/accounts/login/"):
        return SIGNED_OUT
    if location.startswith("/accounts/two-factor/setup/"):
        # The same session calling the API is stopped too.
        assert client.get("/api/customers/").status_code == 403
        return SETUP
    return f"{response.status_code} {location}"


def token_status(key: str) -> int:
    return APIClient().get("/api/customers/", HTTP_AUTHORIZATION=f"Token {key}").status_code


# The changes. Each gets the person and a session of theirs that is not the one under test
# (the one they use to make the change themselves).


def enrol_two_factor(person: Person, own: Client) -> None:
    _, person.recovery_codes[:] = enrol(own, person.user)


def disable_two_factor(person: Person, own: Client) -> None:
    response = own.post(
        "/accounts/two-factor/disable/", {"password": factories.PASSWORD, "code": person.totp()}
    )
    assert response.status_code == 302


def change_password(person: Person, own: Client) -> None:
    new = "quiet harbour lantern at dusk"
    response = own.post(
        "/accounts/password/",
        {"old_password": factories.PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302


def reset_password_by_email(person: Person, own: Client) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        Client().post("/accounts/password/reset/", {"email": person.user.email})
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/reset/" in line)
    path = link.split("testserver", 1)[-1].split("127.0.0.1:8000", 1)[-1]
    anonymous = Client()
    form = anonymous.get(path, follow=True)
    new = "quiet harbour lantern at dusk"
    done = anonymous.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302


def admin_changes(**fields: object) -> Callable[[Person, Client], None]:
    """An admin saves the user in the Django admin with these fields changed."""

    def change(person: Person, own: Client) -> None:
        from django.contrib import admin
        from django.test import RequestFactory

        boss = factories.UserFactory(username="boss", is_staff=True, is_superuser=True)
        request = RequestFactory().post("/admin/")
        request.user = boss
        model_admin = admin.site.get_model_admin(User)
        user = person.user
        data = {
            "username": user.username,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "role": user.role,
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
        }
        for name, value in fields.items():
            if value is True:
                data[name] = "on"
            elif value is False:
                data.pop(name, None)
            else:
                data[name] = value
        form = model_admin.get_form(request, user, change=True)(data, instance=user)
        assert form.is_valid(), form.errors
        model_admin.save_model(request, form.save(commit=False), form, change=True)

    return change


def database_update(**fields: object) -> Callable[[Person, Client], None]:
    """The same change written straight to the row (a shell, a script, a data migration)."""

    def change(person: Person, own: Client) -> None:
        User.objects.filter(pk=person.user.pk).update(**fields)

    return change


@dataclass(frozen=True)
class Case:
    name: str
    role: str
    enrolled: bool
    change: Callable[[Person, Client], None]
    session: str


MANAGER, SALES = User.Role.MANAGER, User.Role.SALESPERSON
CASES = [
    Case("enrols two-factor", SALES, False, enrol_two_factor, SIGNED_OUT),
    Case("disables two-factor", SALES, True, disable_two_factor, SIGNED_OUT),
    Case("changes password", SALES, False, change_password, SIGNED_OUT),
    Case("resets password by email", SALES, False, reset_password_by_email, SIGNED_OUT),
    Case("promoted to manager in the admin", SALES, False, admin_changes(role=MANAGER), SETUP),
    Case("promoted to manager in the database", SALES, False, database_update(role=MANAGER), SETUP),
    Case("made staff in the admin", SALES, False, admin_changes(is_staff=True), SETUP),
    Case("lowered to salesperson in the admin", MANAGER, True, admin_changes(role=SALES), KEPT),
    Case(
        "lowered to salesperson in the database", MANAGER, True, database_update(role=SALES), KEPT
    ),
    Case("deactivated in the admin", SALES, False, admin_changes(is_active=False), SIGNED_OUT),
    Case("deactivated in the database", SALES, False, database_update(is_active=False), SIGNED_OUT),
]


@override_settings(MFA_REQUIRED_ROLES=["manager", "admin"])
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_every_credential_after_a_change_of_two_factor_or_role(db, isolated_cache, case: Case):
    person = make_person(case.role, enrolled=case.enrolled)
    own = open_session(person, ip="10.9.0.2")
    other = open_session(person, ip="10.9.0.3")
    key = issue_token(person)
    assert session_state(other) == KEPT
    assert token_status(key) == 200

    case.change(person, own)

    assert session_state(other) == case.session
    assert token_status(key) == TOKEN_REFUSED
    # Refused for good: the token is gone, not only refused while the change lasts.
    assert not person.user.api_tokens.exists()
