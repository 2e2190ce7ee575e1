"""Outgoing webhooks: events read from the change feed, one delivery per subscribed endpoint,
signed as the Standard Webhooks specification says (HMAC-SHA256 over id, timestamp and body,
with the endpoint's secret), sent after the commit and retried for about a day.

Which endpoints hear about an account is the visibility rule: an endpoint gets the events of
the accounts its owner sees now (an admin's, every account's), checked at every attempt.
"""

import base64
import datetime as dt
import ipaddress
import json
import secrets
import socket
import time
import uuid
from functools import partial
from urllib.parse import urlsplit

import requests
from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks.webhooks import Webhook

from accounts.models import Notification
from accounts.services import notify
from customers.models import Customer
from integrations.events import EVENTS, collect_events, event, overdue_events
from integrations.models import WebhookDelivery, WebhookEndpoint

DELIVER_TASK = "integrations.tasks.deliver_webhook_task"
OVERDUE = "action_item.overdue"
# Seconds after the first attempt: about a day in all, then the delivery has failed.
RETRY_AFTER = (0, 30, 300, 1800, 7200, 18000, 36000, 86400)
TIMEOUT_SECONDS = 5
EXCERPT = 500
DISABLE_AFTER = dt.timedelta(days=1)


class UnsafeTarget(ValueError):
    """The URL points at an address webhooks may not reach (SSRF)."""


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def check_target(url: str, *, allow_private: bool) -> None:
    """Refuse http(s) URLs whose host resolves to a private, loopback, link-local or otherwise
    non-public address, unless an admin allowed it for this endpoint (or settings do)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeTarget(_("Use an http or https URL."))
    if allow_private or settings.WEBHOOKS_ALLOW_PRIVATE:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise UnsafeTarget(_("The host name does not resolve.")) from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global or address.is_multicast:
            raise UnsafeTarget(
                _("The URL points to a private or local address (%(address)s).")
                % {"address": address}
            )


# --- Events ---------------------------------------------------------------------------------------


def subscribers(customer_id: int, event: str) -> list[WebhookEndpoint]:
    """Active endpoints for `event` whose owner sees the account."""
    endpoints = WebhookEndpoint.objects.filter(is_active=True).select_related("owner")
    return [
        e
        for e in endpoints
        if event in e.events
        and e.owner.is_active
        and Customer.objects.visible_to(e.owner).filter(pk=customer_id).exists()
    ]


@transaction.atomic
def publish_account_events(customer_id: int) -> int:
    """Queue a delivery of each new event of the account to each endpoint subscribed to it."""
    if not WebhookEndpoint.objects.filter(is_active=True).exists():
        return 0
    return _publish(customer_id, collect_events(customer_id))


@transaction.atomic
def publish_overdue_action_items(customer_id: int, today: dt.date) -> int:
    """The daily look: each action item of the account that fell overdue, announced once."""
    # Read in Python: SQLite (the embedded default) has no JSON containment lookup.
    if not any(
        OVERDUE in e
        for e in WebhookEndpoint.objects.filter(is_active=True).values_list("events", flat=True)
    ):
        return 0
    return _publish(customer_id, overdue_events(customer_id, today))


def _publish(customer_id: int, events: list[dict]) -> int:
    heard_by: dict[str, list[WebhookEndpoint]] = {}
    deliveries = []
    for each in events:
        if each["type"] not in heard_by:
            heard_by[each["type"]] = subscribers(customer_id, each["type"])
        deliveries += [_delivery(endpoint, each) for endpoint in heard_by[each["type"]]]
    WebhookDelivery.objects.bulk_create(deliveries)
    _send_after_commit(deliveries)
    return len(deliveries)


def _delivery(endpoint: WebhookEndpoint, payload: dict) -> WebhookDelivery:
    return WebhookDelivery(
        endpoint=endpoint,
        message_id=f"msg_{uuid.uuid4().hex}",
        event=payload["type"],
        payload=payload,
        next_attempt_at=timezone.now(),
    )


def _send_after_commit(deliveries: list[WebhookDelivery]) -> None:
    task = current_app.signature(DELIVER_TASK)
    for delivery in deliveries:
        transaction.on_commit(partial(task.delay, delivery.pk), robust=True)


@transaction.atomic
def send_test_event(endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A test event for the endpoint, whatever it subscribed to."""
    delivery = _delivery(endpoint, event("test", None, {"message": "A test event from Accord."}))
    delivery.save()
    _send_after_commit([delivery])
    return delivery


@transaction.atomic
def resend(delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery's event again, as a new delivery with a new id."""
    again = _delivery(delivery.endpoint, delivery.payload)
    again.save()
    _send_after_commit([again])
    return again


# --- Delivery -------------------------------------------------------------------------------------


def chat_text(payload: dict) -> str:
    """The event as one readable line with a link, for Slack- and Teams-style chat hooks."""
    data = payload.get("data", {})
    account = data.get("account") or {}
    label = str(EVENTS.get(payload.get("type", ""), payload.get("type", "")))
    subject = next(
        (
            data[key].get("title") or data[key].get("description")
            for key in ("meeting", "problem", "proposal", "action_item")
            if key in data
        ),
        None,
    )
    if "proposal" in data and "contribution" in data:
        subject = data["proposal"]["title"]
    if payload.get("type") == "account.health_band_changed":
        subject = f"{data.get('from') or '?'} → {data.get('to')}"
    text = f"{label}: {subject} ({account.get('name')})" if subject else f"{label}:"
    if not subject:
        text += f" {account.get('name') or data.get('message') or ''}"
    text += f" {account.get('url') or ''}"
    return " ".join(text.split())


def _body(endpoint: WebhookEndpoint, payload: dict) -> str:
    if endpoint.format == WebhookEndpoint.Format.CHAT:
        return json.dumps({"text": chat_text(payload)})
    return json.dumps(payload, separators=(",", ":"))


def signed_headers(endpoint: WebhookEndpoint, message_id: str, body: str) -> dict[str, str]:
    now = dt.datetime.now(tz=dt.UTC)
    signature = Webhook(endpoint.secret).sign(message_id, now, body)
    return {
        "Content-Type": "application/json",
        "User-Agent": "Accord-Webhooks/1",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }


def deliver(delivery_id: int) -> str:
    """One attempt of a due delivery; the next attempt is scheduled when it fails."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .select_related("endpoint__owner")
            .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
            .first()
        )
        if delivery is None:
            return "gone"
        endpoint = delivery.endpoint
        if not endpoint.is_active:
            return "inactive"
        account_id = delivery.payload.get("data", {}).get("account", {}).get("id")
        if (
            account_id
            and not Customer.objects.visible_to(endpoint.owner).filter(pk=account_id).exists()
        ):
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.response_excerpt = "The endpoint's owner no longer sees the account."
            delivery.save()
            return "refused"
        body = _body(endpoint, delivery.payload)
        delivery.attempts += 1
        delivery.last_attempt_at = timezone.now()
        started = time.monotonic()
        try:
            check_target(endpoint.url, allow_private=endpoint.allow_private)
            response = requests.post(
                endpoint.url,
                data=body.encode(),
                headers=signed_headers(endpoint, delivery.message_id, body),
                timeout=TIMEOUT_SECONDS,
                allow_redirects=False,
            )
            delivery.response_status = response.status_code
            delivery.response_excerpt = response.text[:EXCERPT]
            ok = 200 <= response.status_code < 300
        except (requests.RequestException, UnsafeTarget) as exc:
            delivery.response_status = None
            delivery.response_excerpt = str(exc)[:EXCERPT]
            ok = False
        delivery.response_ms = int((time.monotonic() - started) * 1000)
        if ok:
            delivery.status = WebhookDelivery.Status.SUCCEEDED
            delivery.next_attempt_at = None
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)
        else:
            _schedule_retry(delivery, endpoint)
        delivery.save()
        return delivery.status


def _schedule_retry(delivery: WebhookDelivery, endpoint: WebhookEndpoint) -> None:
    now = timezone.now()
    if endpoint.failing_since is None:
        endpoint.failing_since = now
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=now)
    if delivery.attempts < len(RETRY_AFTER):
        delivery.next_attempt_at = delivery.created_at + dt.timedelta(
            seconds=RETRY_AFTER[delivery.attempts]
        )
        delivery.next_attempt_at = max(delivery.next_attempt_at, now)
    else:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.next_attempt_at = None
    # A delivery that used up its day of retries, or a day of failures: the endpoint is down.
    gave_up = delivery.status == WebhookDelivery.Status.FAILED
    if gave_up or now - endpoint.failing_since >= DISABLE_AFTER:
        # This delivery too: its caller saves it after the endpoint's pending ones are failed.
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.next_attempt_at = None
        disable_endpoint(endpoint)


def disable_endpoint(endpoint: WebhookEndpoint) -> None:
    """Stop an endpoint that failed for a day and tell its owner."""
    if not WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
        is_active=False, disabled_at=timezone.now()
    ):
        return
    WebhookDelivery.objects.filter(endpoint=endpoint, status=WebhookDelivery.Status.PENDING).update(
        status=WebhookDelivery.Status.FAILED, next_attempt_at=None
    )
    notify(
        [endpoint.owner],
        kind=Notification.Kind.OTHER,
        message=lambda: (
            _("Your webhook to %(url)s failed for a day and was switched off.")
            % {"url": endpoint.url}
        ),
        url=f"/integrations/webhooks/{endpoint.pk}/",
    )


def reenable_endpoint(endpoint: WebhookEndpoint) -> bool:
    """Switch a switched-off endpoint back on with its failures forgotten (the next failure
    starts a new day's count); False when it was on already."""
    return bool(
        WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=False).update(
            is_active=True, failing_since=None, disabled_at=None
        )
    )


def due_deliveries(now: dt.datetime | None = None) -> list[int]:
    """Deliveries waiting for a retry whose time has come."""
    return list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING,
            next_attempt_at__lte=now or timezone.now(),
            endpoint__is_active=True,
        )
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:500]
    )
