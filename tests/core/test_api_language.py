"""API errors in the caller's language: the profile's for a signed-in caller (session or
token), the browser's Accept-Language before sign-in."""

import pytest
from rest_framework.test import APIClient

from tests import factories

REQUIRED_DE = "Dieses Feld ist zwingend erforderlich."
REQUIRED_EN = "This field is required."


@pytest.fixture
def german(db):
    return factories.UserFactory(username="greta", language="de")


def with_token(user, **headers) -> APIClient:
    token = factories.ApiTokenFactory(user=user, key=f"test-token-{user.username:0>29}")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token test-token-{user.username:0>29}", **headers)
    assert token.user == user
    return client


def test_a_german_token_user_gets_a_german_400_field_error(german):
    response = with_token(german).post("/api/customers/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["name"] == [REQUIRED_DE]
    assert response["Content-Language"] == "de"


def test_the_profile_language_wins_over_the_browsers(german):
    client = with_token(german, HTTP_ACCEPT_LANGUAGE="en")
    assert client.post("/api/customers/", {}, format="json").json()["name"] == [REQUIRED_DE]


def test_an_english_token_user_gets_english(db):
    english = factories.UserFactory(username="emma", language="en")
    client = with_token(english, HTTP_ACCEPT_LANGUAGE="de")
    assert client.post("/api/customers/", {}, format="json").json()["name"] == [REQUIRED_EN]


def test_a_german_session_user_gets_a_german_field_error(german):
    client = APIClient()
    client.force_login(german)
    response = client.post("/api/customers/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["name"] == [REQUIRED_DE]


def test_a_german_user_is_refused_a_write_in_german(actors):
    actors.viewer_a.language = "de"
    actors.viewer_a.save(update_fields=["language"])
    response = with_token(actors.viewer_a).patch(
        f"/api/customers/{actors.customer_a.pk}/", {"name": "X"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Sie sind nicht berechtigt, diese Aktion durchzuführen."


def test_before_sign_in_accept_language_decides(db):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="de")
    response = client.post("/api/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["username"] == [REQUIRED_DE]
    english = APIClient(HTTP_ACCEPT_LANGUAGE="en").post("/api/auth/token/", {}, format="json")
    assert english.json()["username"] == [REQUIRED_EN]
