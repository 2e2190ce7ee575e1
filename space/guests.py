"""Guests: invitations, the emailed sign-in links, guest sessions and revocation."""

import datetime as dt
import hashlib
import secrets
from functools import partial

from celery import current_app
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from accounts.services import send_email
from core.audit import record
from core.models import AuditEvent
from core.validators import single_line
from customers.models import Stakeholder
from space.events import SIGNED_IN, SIGNED_OUT, guest_actor, record_guest_event
from space.models import (
    Guest,
    GuestSession,
    SharedSpace,
)

LINK_SALT = "space.magic-link"
LINK_TASK = "space.tasks.send_sign_in_link"


@transaction.atomic
def invite_guest(space: SharedSpace, *, stakeholder: Stakeholder, by: User) -> Guest:
    """Give a stakeholder (with an email address) access to the space and email them a link."""
    guest, created = Guest.objects.get_or_create(
        space=space,
        stakeholder=stakeholder,
        defaults={"email": stakeholder.email, "invited_by": by, "link_nonce": _nonce()},
    )
    if not created:
        # Inviting a revoked guest again gives access back; a fresh start for expiry too.
        Guest.objects.filter(pk=guest.pk).update(
            revoked_at=None, email=stakeholder.email, invited_at=timezone.now(), invited_by=by
        )
        guest.refresh_from_db()
    _audit_access(AuditEvent.Action.GUEST_INVITED, guest, by=by)
    transaction.on_commit(
        partial(current_app.signature(LINK_TASK).delay, guest.pk, True), robust=True
    )
    return guest


@transaction.atomic
def revoke_guest(guest: Guest, *, by: User) -> None:
    """End the guest's access now: their sessions end and no link works any more."""
    now = timezone.now()
    Guest.objects.filter(pk=guest.pk).update(revoked_at=now, link_nonce=_nonce())
    GuestSession.objects.filter(guest=guest, ended_at__isnull=True).update(ended_at=now)
    _audit_access(AuditEvent.Action.GUEST_REVOKED, guest, by=by)


def _audit_access(action: str, guest: Guest, *, by: User) -> None:
    record(
        action,
        user=by,
        customer_id=guest.space.customer_id,
        object_type="guest",
        object_id=guest.pk,
        detail=f"{guest_actor(guest)} <{guest.email}>",
    )


def request_sign_in_link(*, email: str) -> int:
    """Queue a link for every active guest with this address; how many were queued.

    The caller answers the same whatever the count (nobody learns who is invited)."""
    now = timezone.now()
    guests = [
        guest
        for guest in Guest.objects.filter(email__iexact=email.strip())
        if guest.is_active_at(now)
    ]
    task = current_app.signature(LINK_TASK)
    for guest in guests:
        transaction.on_commit(partial(task.delay, guest.pk, False), robust=True)
    return len(guests)


def make_sign_in_token(guest: Guest) -> str:
    """A signed token naming the guest and their current nonce: it works once (signing in
    changes the nonce) and for SPACE_LINK_SECONDS."""
    if not guest.link_nonce:
        # An imported guest: exports leave the nonce out.
        guest.link_nonce = _nonce()
        Guest.objects.filter(pk=guest.pk).update(link_nonce=guest.link_nonce)
    return signing.dumps({"g": guest.pk, "n": guest.link_nonce}, salt=LINK_SALT, compress=True)


def guest_for_token(token: str) -> Guest | None:
    """The guest a link is for, if it is genuine, fresh, unused and the guest still active."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=settings.SPACE_LINK_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("g"), int) or not data.get("n"):
        return None
    guest = (
        Guest.objects.select_related("stakeholder", "space")
        .filter(pk=data["g"], link_nonce=str(data.get("n", "")))
        .first()
    )
    if guest is None or not guest.is_active_at(timezone.now()):
        return None
    return guest


@transaction.atomic
def redeem_sign_in_token(token: str, *, ip_address: str | None = None) -> tuple[Guest, str] | None:
    """Use a link: a new guest session and its cookie key, or None when the link does not work.

    The nonce is swapped by a conditional UPDATE, so of two requests with one link only one
    signs in."""
    guest = guest_for_token(token)
    if guest is None:
        return None
    won = Guest.objects.filter(pk=guest.pk, link_nonce=guest.link_nonce).update(
        link_nonce=_nonce(), last_seen_at=timezone.now()
    )
    if not won:
        return None
    key = secrets.token_urlsafe(32)
    GuestSession.objects.create(guest=guest, key_hash=hash_key(key))
    record_guest_event(guest, SIGNED_IN, "", ip_address)
    return guest, key


def guest_for_session_key(key: str) -> Guest | None:
    """The signed-in guest of a cookie key; None when unknown, ended, idle too long, revoked
    or expired. Seeing the guest counts as activity."""
    if not key or len(key) > 100:
        return None
    now = timezone.now()
    session = (
        GuestSession.objects.select_related("guest__stakeholder", "guest__space__customer")
        .filter(key_hash=hash_key(key), ended_at__isnull=True)
        .first()
    )
    if session is None:
        return None
    guest = session.guest
    idle = dt.timedelta(seconds=settings.SPACE_GUEST_IDLE_SECONDS)
    if now - session.last_seen_at > idle or not guest.is_active_at(now):
        GuestSession.objects.filter(pk=session.pk).update(ended_at=now)
        return None
    # One write a minute at most: the page views of an active guest do not each write.
    if now - session.last_seen_at > dt.timedelta(seconds=60):
        GuestSession.objects.filter(pk=session.pk).update(last_seen_at=now)
        Guest.objects.filter(pk=guest.pk).update(last_seen_at=now)
    return guest


def end_guest_session(key: str, *, ip_address: str | None = None) -> None:
    session = GuestSession.objects.select_related("guest__stakeholder", "guest__space").filter(
        key_hash=hash_key(key), ended_at__isnull=True
    )
    for row in session:
        GuestSession.objects.filter(pk=row.pk).update(ended_at=timezone.now())
        record_guest_event(row.guest, SIGNED_OUT, "", ip_address)


def send_sign_in_link(guest_id: int, *, invitation: bool = False) -> bool:
    """Email the guest a sign-in link (in the invitation, or asked for on the sign-in page)."""
    guest = (
        Guest.objects.select_related("stakeholder", "space__customer", "invited_by")
        .filter(pk=guest_id)
        .first()
    )
    if guest is None or not guest.is_active_at(timezone.now()):
        return False
    path = reverse("space:guest-link", kwargs={"token": make_sign_in_token(guest)})
    context = {
        "guest": guest,
        "customer": guest.space.customer,
        "invitation": invitation,
        "link": settings.SITE_URL.rstrip("/") + path,
        "sign_in": settings.SITE_URL.rstrip("/") + reverse("space:guest-sign-in"),
        "minutes": settings.SPACE_LINK_SECONDS // 60,
    }
    with translation.override(guest_language(guest)):
        subject = single_line(render_to_string("space/email/link_subject.txt", context))
        body = render_to_string("space/email/link.txt", context)
    send_email(EmailMessage(subject=subject, body=body, to=[guest.email]))
    return True


def guest_language(guest: Guest) -> str:
    """The language of a guest's emails (links, reminders): that of the lead who invited them,
    as the customer has no language of their own in Accord."""
    inviter = guest.invited_by
    return (inviter.language if inviter is not None else "") or settings.LANGUAGE_CODE


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _nonce() -> str:
    return secrets.token_urlsafe(24)
