import pytest
from django.test import Client
from django.urls import reverse

from tests import factories


@pytest.fixture
def user(db):
    return factories.UserFactory(username="sam")


def test_login_page_renders(db):
    response = Client().get(reverse("login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_login_with_the_form_signs_in(user):
    client = Client()
    response = client.post(reverse("login"), {"username": "sam", "password": factories.PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_login_with_wrong_password_shows_error_without_signing_in(user):
    client = Client()
    response = client.post(reverse("login"), {"username": "sam", "password": "wrong-password-1"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert client.get(reverse("home")).status_code == 302


def test_logout_ends_the_session(user):
    client = Client()
    client.force_login(user)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_token_endpoint_returns_a_token(user, api_client):
    response = api_client.post(
        "/api/auth/token/", {"username": "sam", "password": factories.PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/customers/").status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"username": "sam", "password": "wrong-password-1"},
        {"username": "nobody-here", "password": factories.PASSWORD},
    ],
)
def test_token_endpoint_refuses_bad_credentials_without_saying_which(user, api_client, body):
    response = api_client.post("/api/auth/token/", body, format="json")
    assert response.status_code == 400
    data = response.json()
    assert set(data) == {"non_field_errors"}
    assert "token" not in data


def test_token_endpoint_requires_both_fields(db, api_client):
    response = api_client.post("/api/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}
