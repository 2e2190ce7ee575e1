"""Delivery path (a): a hosted provider posts each email to Anymail's inbound webhook.

The URL is Accord's own (one per provider, /mailin/inbound/<provider>/): it answers 404 until
ANYMAIL["WEBHOOK_SECRET"] is set, 401 without that HTTP basic-auth secret, and then hands the
request to Anymail's view, which checks the provider's own signature (e.g. Mailgun's
MAILGUN_WEBHOOK_SIGNING_KEY) and sends its `inbound` signal.
"""

import base64
import binascii
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

PROVIDERS = {
    "mailgun": MailgunInboundWebhookView,
    "postmark": PostmarkInboundWebhookView,
    "sendgrid": SendGridInboundWebhookView,
}


def receive_anymail_inbound(
    sender: object, event: AnymailInboundEvent, esp_name: str, **kwargs: Any
) -> None:
    receive_email(event.message, via=InboundEmail.Via.WEBHOOK)


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
