"""Issue 16, finding 9: in production the API answers over HTTPS only. A plain-HTTP request
(after the proxy's X-Forwarded-Proto is taken into account) gets a 403 with a JSON error
before authentication runs: no token is issued, no data is sent, nothing is written."""

import json

import pytest
from django.test import Client, override_settings

from accounts.models import ApiToken
from accounts.services import issue_api_token
from customers.models import Customer
from tests import factories

PROXY = {"SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https")}


@pytest.fixture
def lead(db):
    user = factories.UserFactory(username="lead")
    factories.CustomerFactory(name="Plain Text AG", lead=user)
    return user


def token_request(client: Client, **extra):
    return client.post(
        "/api/auth/token/",
        data=json.dumps({"username": "lead", "password": factories.PASSWORD}),
        content_type="application/json",
        **extra,
    )


def assert_refused(response) -> None:
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "https_required"
    assert "HTTPS only" in body["detail"]
    assert set(body) == {"detail", "code", "request_id"}


@override_settings(API_HTTPS_ONLY=True)
def test_no_token_is_issued_over_plain_http(lead):
    assert_refused(token_request(Client()))
    assert not ApiToken.objects.filter(user=lead).exists()


@override_settings(API_HTTPS_ONLY=True)
def test_no_data_is_served_over_plain_http_even_with_a_valid_token(lead):
    _, key = issue_api_token(lead, is_mfa_verified=False)
    response = Client().get("/api/customers/", HTTP_AUTHORIZATION=f"Token {key}")
    assert_refused(response)
    assert b"Plain Text AG" not in response.content


@override_settings(API_HTTPS_ONLY=True)
def test_nothing_is_written_over_plain_http(lead):
    _, key = issue_api_token(lead, is_mfa_verified=False)
    response = Client().post(
        "/api/customers/",
        data=json.dumps({"name": "Never Stored"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert_refused(response)
    assert not Customer.objects.filter(name="Never Stored").exists()


@override_settings(API_HTTPS_ONLY=True, **PROXY)
def test_behind_the_proxy_its_forwarded_scheme_decides(lead):
    assert_refused(token_request(Client(), HTTP_X_FORWARDED_PROTO="http"))
    issued = token_request(Client(), HTTP_X_FORWARDED_PROTO="https")
    assert issued.status_code == 200
    assert issued.json()["token"]


@override_settings(API_HTTPS_ONLY=True)
def test_a_forwarded_scheme_is_not_believed_without_a_proxy(lead):
    # Without SECURE_PROXY_SSL_HEADER the header is the client's word, not the proxy's.
    assert_refused(token_request(Client(), HTTP_X_FORWARDED_PROTO="https"))


@override_settings(API_HTTPS_ONLY=True)
def test_https_requests_and_pages_are_not_affected(lead):
    assert token_request(Client(), secure=True).status_code == 200
    assert Client().get("/accounts/login/").status_code == 200


@override_settings(API_HTTPS_ONLY=False)
def test_development_serves_the_api_over_http(lead):
    assert token_request(Client()).status_code == 200
