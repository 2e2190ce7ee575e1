"""Delivery path (a): a hosted provider's inbound webhook through Anymail, its basic-auth
secret and the provider's signature checked, on the real URL."""

import base64
import hashlib
import hmac
import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

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


SENDGRID = "/mailin/inbound/sendgrid/"


def sendgrid_payload(actors, bcc: str, **fields) -> dict:
    """SendGrid Inbound Parse's default (parsed) multipart post, as Anymail's tests shape it:
    the raw headers, the envelope as JSON, text and html, the attachments as files described
    in attachment-info, SendGrid's SPF and dkim verdicts and its SpamAssassin score."""
    headers = (
        "Received: from mail.example.com by mx.sendgrid.net with SMTP id abc123\n"
        f"From: Sam Seller <{actors.sales_a.email}>\n"
        "To: Carla <carla@alpha.example>\n"
        f"Cc: {bcc}\n"
        "Subject: Rollout plan\n"
        "Message-ID: <rollout@mail.example.com>\n"
        "Date: Fri, 4 Dec 2026 10:00:00 +0000\n"
    )
    return {
        "headers": headers,
        "envelope": json.dumps({"to": [bcc], "from": actors.sales_a.email}),
        "from": f"Sam Seller <{actors.sales_a.email}>",
        "to": "Carla <carla@alpha.example>",
        "cc": bcc,
        "subject": "Rollout plan",
        "text": "Rollout in April.\n\n-- \nSam Seller",
        "html": "<p>Rollout in April.</p>",
        "sender_ip": "198.51.100.1",
        "charsets": json.dumps(
            {"to": "UTF-8", "subject": "UTF-8", "from": "UTF-8", "text": "UTF-8"}
        ),
        "attachments": "1",
        "attachment-info": json.dumps(
            {"attachment1": {"filename": "plan.txt", "name": "plan.txt", "type": "text/plain"}}
        ),
        "attachment1": SimpleUploadedFile("plan.txt", b"april", content_type="text/plain"),
        "spam_score": "0.1",
        "spam_report": "Spam detection software ... 0.1 points",
        "SPF": "pass",
        "dkim": "{@example.com : pass}",
        **fields,
    }


def test_a_sendgrid_inbound_post_logs_the_email(client, actors, anymail, media):
    carla = factories.StakeholderFactory(customer=actors.customer_a, email="carla@alpha.example")
    bcc = live_address(customer=actors.customer_a).address
    response = client.post(SENDGRID, sendgrid_payload(actors, bcc), **auth())
    assert response.status_code == 200
    meeting = Meeting.objects.get()
    assert (meeting.customer, meeting.title) == (actors.customer_a, "Rollout plan")
    assert list(meeting.stakeholders.all()) == [carla]
    email = InboundEmail.objects.get()
    assert (email.via, email.message_id) == (InboundEmail.Via.WEBHOOK, "<rollout@mail.example.com>")
    assert email.body == "Rollout in April."
    attachment = email.attachments.get()
    assert attachment.filename == "plan.txt"
    with attachment.file.open("rb") as stored:
        assert stored.read() == b"april"


def test_a_sendgrid_raw_mime_post_logs_the_email(client, actors, anymail):
    bcc = live_address(customer=actors.customer_a).address
    mime = raw_email(sender=actors.sales_a.email, to="someone@else.example")
    fields = {
        "email": mime.decode(),
        "envelope": json.dumps({"to": [bcc], "from": actors.sales_a.email}),
        "SPF": "pass",
        "spam_score": "0.0",
    }
    assert client.post(SENDGRID, fields, **auth()).status_code == 200
    assert Meeting.objects.get().customer == actors.customer_a


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"SPF": "fail"}, "auth_failed"),
        ({"SPF": "softfail"}, "auth_failed"),
        ({"dkim": "{@example.com : fail}"}, "auth_failed"),
        ({"SPF": "none", "dkim": "{@example.com : pass, @forger.example : fail}"}, "auth_failed"),
        ({"spam_score": "7.5"}, "spam"),
    ],
)
def test_sendgrid_verdicts_drop_the_email(client, actors, anymail, fields, reason):
    bcc = live_address(customer=actors.customer_a).address
    response = client.post(SENDGRID, sendgrid_payload(actors, bcc, **fields), **auth())
    assert response.status_code == 200
    assert DroppedMailCount.objects.get(reason=reason).count == 1
    assert not InboundEmail.objects.exists()


def test_a_sendgrid_post_from_a_stranger_is_dropped(client, actors, anymail):
    bcc = live_address(customer=actors.customer_a).address
    payload = sendgrid_payload(actors, bcc)
    payload["headers"] = payload["headers"].replace(actors.sales_a.email, "x@stranger.example")
    assert client.post(SENDGRID, payload, **auth()).status_code == 200
    assert DroppedMailCount.objects.get(reason="unknown_sender").count == 1


def test_a_sendgrid_post_without_the_secret_is_401(client, actors, anymail):
    bcc = live_address(customer=actors.customer_a).address
    assert client.post(SENDGRID, sendgrid_payload(actors, bcc)).status_code == 401
    assert not InboundEmail.objects.exists()
