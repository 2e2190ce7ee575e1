"""Delivery path (a): a hosted provider's inbound webhook through Anymail, its basic-auth
secret and the provider's signature checked, on the real URL."""

import base64
import hashlib
import hmac
import json
import time

import pytest

from dialogue.models import Meeting
from mailin.models import DroppedMailCount, InboundEmail
from mailin.services import live_address
from tests import factories
from tests.mailin.conftest import raw_email

pytestmark = pytest.mark.django_db

URL = "/mailin/inbound/mailgun/"
SIGNING_KEY = "key-mailgun-test-signing"
SECRET = "accord:inbound-secret"


@pytest.fixture
def anymail(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}


def mailgun_payload(mime: bytes, *, key: str = SIGNING_KEY, **fields) -> dict:
    """Mailgun's "forward to URL" (raw MIME) inbound post, signed as Mailgun signs it."""
    timestamp, token = str(int(time.time())), "0123456789abcdef0123456789abcdef0123456789abcdef01"
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {
        "body-mime": mime.decode(),
        "recipient": fields.pop("recipient", ""),
        "sender": fields.pop("sender", ""),
        "timestamp": timestamp,
        "token": token,
        "signature": signature,
        **fields,
    }


def auth(secret: str = SECRET) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


@pytest.fixture
def mime(actors):
    factories.StakeholderFactory(customer=actors.customer_a, email="carla@alpha.example")
    return raw_email(sender=actors.sales_a.email, to="carla@alpha.example")


def test_a_signed_mailgun_inbound_post_logs_the_email(client, actors, anymail):
    bcc = live_address(customer=actors.customer_a).address
    mime = raw_email(sender=actors.sales_a.email, to="someone@else.example")
    response = client.post(URL, mailgun_payload(mime, recipient=bcc), **auth())
    assert response.status_code == 200
    meeting = Meeting.objects.get()
    assert meeting.customer == actors.customer_a
    assert meeting.kind == Meeting.Kind.EMAIL
    assert InboundEmail.objects.get().via == InboundEmail.Via.WEBHOOK


def test_mailgun_spam_flag_drops_the_email(client, actors, anymail):
    mime = raw_email(
        sender=actors.sales_a.email, to="carla@alpha.example", headers={"X-Mailgun-Sflag": "Yes"}
    )
    assert client.post(URL, mailgun_payload(mime), **auth()).status_code == 200
    assert DroppedMailCount.objects.get(reason="spam").count == 1
    assert not InboundEmail.objects.exists()


def test_a_wrong_signature_is_refused(client, mime, anymail):
    response = client.post(URL, mailgun_payload(mime, key="not-the-key"), **auth())
    assert response.status_code == 400
    assert not InboundEmail.objects.exists()


@pytest.mark.parametrize("headers", [{}, auth("accord:wrong")])
def test_without_the_webhook_secret_the_answer_is_401(client, mime, anymail, headers):
    response = client.post(URL, mailgun_payload(mime), **headers)
    assert response.status_code == 401
    assert not InboundEmail.objects.exists()


def test_the_webhook_does_not_exist_until_configured(client, mime, settings):
    settings.ANYMAIL = {}
    assert client.post(URL, mailgun_payload(mime), **auth()).status_code == 404


def test_an_unknown_provider_is_404(client, mime, anymail):
    assert client.post("/mailin/inbound/nope/", mailgun_payload(mime), **auth()).status_code == 404


def postmark_payload(actors, bcc: str, *, spf: str) -> dict:
    """Postmark's inbound JSON, in its documented layout (parsed fields, no RawEmail)."""
    return {
        "FromFull": {"Email": actors.sales_a.email, "Name": "Sam Seller"},
        "ToFull": [{"Email": "carla@alpha.example", "Name": "Carla"}],
        "CcFull": [],
        "BccFull": [{"Email": bcc, "Name": ""}],
        "OriginalRecipient": bcc,
        "Subject": "Pilot scope",
        "MessageID": "5d1c7b2e-postmark",
        "Date": "Fri, 4 Dec 2026 10:00:00 +0000",
        "TextBody": "Scope agreed.\n\n-- \nSam Seller",
        "HtmlBody": "<p>Scope agreed.</p>",
        "Headers": [
            {"Name": "Return-Path", "Value": f"<{actors.sales_a.email}>"},
            {"Name": "Message-ID", "Value": "<scope@mail.example.com>"},
            {"Name": "Received-SPF", "Value": spf},
        ],
        "Attachments": [
            {
                "Name": "scope.txt",
                "Content": base64.b64encode(b"phase 1").decode(),
                "ContentType": "text/plain",
                "ContentLength": 7,
            }
        ],
    }


def test_a_postmark_inbound_post_logs_the_email(client, actors, anymail, media):
    carla = factories.StakeholderFactory(customer=actors.customer_a, email="carla@alpha.example")
    bcc = live_address(customer=actors.customer_a).address
    response = client.post(
        "/mailin/inbound/postmark/",
        json.dumps(postmark_payload(actors, bcc, spf="Pass (sender SPF authorized)")),
        content_type="application/json",
        **auth(),
    )
    assert response.status_code == 200
    meeting = Meeting.objects.get()
    assert (meeting.customer, meeting.title) == (actors.customer_a, "Pilot scope")
    assert list(meeting.stakeholders.all()) == [carla]
    email = InboundEmail.objects.get()
    assert email.body == "Scope agreed."
    assert email.signature.split() == ["--", "Sam", "Seller"]
    assert email.attachments.get().filename == "scope.txt"


def test_a_postmark_spf_failure_is_dropped(client, actors, anymail):
    bcc = live_address(customer=actors.customer_a).address
    response = client.post(
        "/mailin/inbound/postmark/",
        json.dumps(postmark_payload(actors, bcc, spf="Fail (not authorized)")),
        content_type="application/json",
        **auth(),
    )
    assert response.status_code == 200
    assert DroppedMailCount.objects.get(reason="auth_failed").count == 1
    assert not InboundEmail.objects.exists()
