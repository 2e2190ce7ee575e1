"""Delivery path (a): a hosted provider posts each email to Anymail's inbound webhook.

The URL is Accord's own (one per provider, /mailin/inbound/<provider>/): it answers 404 until
ANYMAIL["WEBHOOK_SECRET"] is set, 401 without that HTTP basic-auth secret, and then hands the
request to Anymail's view, which checks the provider's own signature (e.g. Mailgun's
MAILGUN_WEBHOOK_SIGNING_KEY) and sends its `inbound` signal.
"""

import base64
import binascii
import re
from typing import Any

from anymail.signals import AnymailInboundEvent
from anymail.webhooks.mailgun import MailgunInboundWebhookView
from anymail.webhooks.postmark import PostmarkInboundWebhookView
from anymail.webhooks.sendgrid import SendGridInboundWebhookView
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt

from mailin.models import InboundEmail
from mailin.services import receive_email

# SendGrid's Inbound Parse posts its verdicts as form fields: SPF ("pass", "fail", ...),
# dkim ("{@acme.example : pass, @other.example : fail}") and a SpamAssassin spam_score.
SENDGRID_DKIM = re.compile(r"@?([^\s:{},]+)\s*:\s*(\w+)")
SENDGRID_FAILURES = ("fail", "softfail", "permerror")
SPAMASSASSIN_THRESHOLD = 5.0


class SendGridInbound(SendGridInboundWebhookView):
    """Anymail's SendGrid inbound view (SendGrid signs no inbound post: the basic-auth secret
    is the check) without the warning it gives on every request since Anymail stopped
    testing SendGrid against a live account; Accord's tests post SendGrid's payload shapes."""

    def __init__(self, **kwargs: Any) -> None:
        super(SendGridInboundWebhookView, self).__init__(**kwargs)


PROVIDERS = {
    "mailgun": MailgunInboundWebhookView,
    "postmark": PostmarkInboundWebhookView,
    "sendgrid": SendGridInbound,
}


def sendgrid_auth_failed(form: Any) -> bool:
    """SendGrid's SPF field, or a DKIM result in its dkim field, says fail."""
    if str(form.get("SPF", "")).strip().lower().startswith(SENDGRID_FAILURES):
        return True
    results = SENDGRID_DKIM.findall(str(form.get("dkim", "")))
    return any(result.lower() in SENDGRID_FAILURES for _domain, result in results)


def receive_anymail_inbound(
    sender: object, event: AnymailInboundEvent, esp_name: str, **kwargs: Any
) -> None:
    message, auth_failed = event.message, False
    if esp_name == "SendGrid":
        # Anymail hands over the request itself as SendGrid's event, its verdicts unread.
        auth_failed = sendgrid_auth_failed(event.esp_event.POST)
        if message.spam_score is not None:
            message.spam_detected = message.spam_score >= SPAMASSASSIN_THRESHOLD
    receive_email(message, via=InboundEmail.Via.WEBHOOK, auth_failed=auth_failed)


def _basic_auth_matches(request: HttpRequest, secrets: list[str]) -> bool:
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        given = base64.b64decode(encoded, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return False
    return any(constant_time_compare(given, secret) for secret in secrets)


def _webhook_secrets() -> list[str]:
    secret = getattr(settings, "ANYMAIL", {}).get("WEBHOOK_SECRET") or []
    return [secret] if isinstance(secret, str) else list(secret)


@csrf_exempt
def inbound(request: HttpRequest, provider: str) -> HttpResponse:
    """A provider's inbound webhook: its basic-auth secret first, then Anymail's checks."""
    view = PROVIDERS.get(provider)
    secrets = _webhook_secrets()
    if view is None or not secrets:
        raise Http404
    if not _basic_auth_matches(request, secrets):
        response = HttpResponse(status=401)
        response["WWW-Authenticate"] = 'Basic realm="Accord inbound email"'
        return response
    return view.as_view()(request)
