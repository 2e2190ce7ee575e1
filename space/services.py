"""Writes to the shared space: the lead's curation, guests' answers and their sign-in.

Every write records the account change (the summary and health follow), and every guest
action writes a `SpaceEvent` (the audit trail and the timeline's "Katrin Vogel confirmed ...").
"""

import datetime as dt
import hashlib
import logging
import secrets
from functools import partial

from celery import current_app
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, gettext_noop

from accounts.models import User
from accounts.services import send_email
from core.validators import single_line
from customers.changes import record_account_change
from customers.models import Customer, Goal, Problem, Stakeholder
from solutions.models import Proposal
from space.models import (
    Feedback,
    Guest,
    GuestSession,
    Message,
    Milestone,
    PlanStep,
    SharedItem,
    SharedProposal,
    SharedSpace,
    SpaceEvent,
)

logger = logging.getLogger("accord.audit")

LINK_SALT = "space.magic-link"
LINK_TASK = "space.tasks.send_sign_in_link"

# What guests do, as the timeline says it ("Katrin Vogel confirmed ..."). Marked for
# translation here, translated where they are shown.
CONFIRMED = gettext_noop("confirmed")
CORRECTED = gettext_noop("suggested a correction to")
RANKED = gettext_noop("suggested a new priority or severity for")
IRRELEVANT = gettext_noop("said this is no longer relevant:")
SUGGESTED = gettext_noop("suggested")
TICKED = gettext_noop("marked done")
REOPENED = gettext_noop("reopened")
PROPOSED_DATE = gettext_noop("proposed a new date for")
COMMENTED = gettext_noop("commented on")
POSTED = gettext_noop("wrote in the shared space")
SIGNED_IN = gettext_noop("signed in to the shared space")
SIGNED_OUT = gettext_noop("signed out of the shared space")


class NotAllowed(Exception):
    """A guest action the space's state does not allow (a closed step, a decided feedback)."""


# --- The lead's curation -------------------------------------------------------------------


@transaction.atomic
def open_space(customer: Customer, *, by: User) -> SharedSpace:
    """The account's shared space, created on first use."""
    space, created = SharedSpace.objects.get_or_create(
        customer=customer, defaults={"created_by": by}
    )
    if created:
        record_account_change(customer.pk)
    return space


@transaction.atomic
def update_introduction(space: SharedSpace, *, introduction: str) -> SharedSpace:
    space.introduction = introduction
    space.version = F("version") + 1
    space.save(update_fields=["introduction", "version"])
    space.refresh_from_db(fields=["version"])
    record_account_change(space.customer_id)
    return space


@transaction.atomic
def set_shared_records(space: SharedSpace, *, goals: list[Goal], problems: list[Problem]) -> None:
    """Share exactly these goals and problems of the account (what guests said stays with the
    ones still shared)."""
    for records, field in ((goals, "goal"), (problems, "problem")):
        ids = {record.pk for record in records if record.customer_id == space.customer_id}
        shared = set(
            SharedItem.objects.filter(space=space, **{f"{field}__isnull": False}).values_list(
                f"{field}_id", flat=True
            )
        )
        SharedItem.objects.filter(space=space, **{f"{field}_id__in": shared - ids}).delete()
        SharedItem.objects.bulk_create(
            [SharedItem(space=space, **{f"{field}_id": pk}) for pk in sorted(ids - shared)]
        )
    record_account_change(space.customer_id)


@transaction.atomic
def add_milestone(space: SharedSpace, *, title: str, due_on: dt.date | None) -> Milestone:
    milestone = Milestone.objects.create(space=space, title=title, due_on=due_on)
    record_account_change(space.customer_id)
    return milestone


@transaction.atomic
def add_step(
    space: SharedSpace,
    *,
    title: str,
    owner_user: User | None = None,
    owner_stakeholder: Stakeholder | None = None,
    due_on: dt.date | None = None,
    milestone: Milestone | None = None,
    goal: Goal | None = None,
    proposal: Proposal | None = None,
) -> PlanStep:
    """A step of the mutual action plan, owned by one person on either side."""
    step = PlanStep.objects.create(
        space=space,
        title=title,
        owner_user=owner_user,
        owner_stakeholder=owner_stakeholder,
        due_on=due_on,
        milestone=milestone,
        goal=goal,
        proposal=proposal,
    )
    record_account_change(space.customer_id)
    return step


@transaction.atomic
def set_step_status(step: PlanStep, *, status: str) -> PlanStep:
    """Mark a step open, done or cancelled (by the lead)."""
    step.status = status
    step.completed_at = timezone.now() if status == PlanStep.Status.DONE else None
    step.version = F("version") + 1
    step.save(update_fields=["status", "completed_at", "version"])
    step.refresh_from_db(fields=["version"])
    record_account_change(step.space.customer_id)
    return step


@transaction.atomic
def accept_proposed_date(step: PlanStep) -> PlanStep:
    """Take the date a guest proposed for the step."""
    if step.proposed_due_on is None:
        raise NotAllowed("No date was proposed.")
    PlanStep.objects.filter(pk=step.pk).update(
        due_on=step.proposed_due_on, proposed_due_on=None, version=F("version") + 1
    )
    step.refresh_from_db()
    record_account_change(step.space.customer_id)
    return step


@transaction.atomic
def share_proposal(
    space: SharedSpace,
    *,
    proposal: Proposal,
    summary: str,
    attachment: bytes | None = None,
    attachment_name: str = "",
) -> SharedProposal:
    """Share one proposal with a summary written for the customer (and a PDF, if given)."""
    shared, _ = SharedProposal.objects.update_or_create(
        space=space, proposal=proposal, defaults={"summary": summary}
    )
    if attachment is not None:
        shared.attachment = attachment
        shared.attachment_name = attachment_name
        shared.save(update_fields=["attachment", "attachment_name"])
    record_account_change(space.customer_id)
    return shared


@transaction.atomic
def unshare_proposal(shared: SharedProposal) -> None:
    customer_id = shared.space.customer_id
    shared.delete()
    record_account_change(customer_id)


@transaction.atomic
def post_message(
    space: SharedSpace,
    *,
    body: str,
    user: User | None = None,
    guest: Guest | None = None,
    step: PlanStep | None = None,
    ip_address: str | None = None,
) -> Message:
    """A post in the space's discussion (or on one step), by a user or a guest."""
    message = Message.objects.create(
        space=space, body=body, author_user=user, author_guest=guest, step=step
    )
    if guest is not None:
        if step is not None:
            _guest_event(guest, COMMENTED, step.title, ip_address)
        else:
            _guest_event(guest, POSTED, single_line(body, max_length=120), ip_address)
    record_account_change(space.customer_id)
    return message


# --- Guests: invitation, sign-in, revocation -----------------------------------------------


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
    _log(guest, "invited", by.get_username())
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
    _log(guest, "revoked", by.get_username())


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
    return signing.dumps({"g": guest.pk, "n": guest.link_nonce}, salt=LINK_SALT, compress=True)


def guest_for_token(token: str) -> Guest | None:
    """The guest a link is for, if it is genuine, fresh, unused and the guest still active."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=settings.SPACE_LINK_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("g"), int):
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
    _guest_event(guest, SIGNED_IN, "", ip_address)
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
        _guest_event(row.guest, SIGNED_OUT, "", ip_address)


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
    language = getattr(guest.invited_by, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = single_line(render_to_string("space/email/link_subject.txt", context))
        body = render_to_string("space/email/link.txt", context)
    send_email(EmailMessage(subject=subject, body=body, to=[guest.email]))
    return True


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _nonce() -> str:
    return secrets.token_urlsafe(24)


# --- What guests say about goals and problems ----------------------------------------------


def said_by(guest: Guest) -> str:
    """The guest's name and title, as provenance quotes them."""
    stakeholder = guest.stakeholder
    return ", ".join(part for part in (stakeholder.name, stakeholder.title) if part)


def provenance(guest: Guest, on: dt.date) -> str:
    """'Confirmed by Katrin Vogel, CEO, in the shared space on 12 Jan 2027'."""
    return gettext("Confirmed by %(who)s, in the shared space on %(date)s") % {
        "who": said_by(guest),
        "date": formats.date_format(on, "j M Y"),
    }


@transaction.atomic
def confirm_item(item: SharedItem, *, guest: Guest, ip_address: str | None = None) -> Feedback:
    """The customer confirms a shared goal or problem: the record is marked confirmed, with
    who, in what role and when, at once (it feeds the health score's understanding)."""
    record = item.record
    text = provenance(guest, timezone.localdate())
    record.refresh_from_db()
    record.confirmed = True
    record.source = text[:300]
    record.version += 1
    # The history row says who confirmed it (the record's trail and the timeline show it).
    record._change_reason = text  # type: ignore[union-attr]
    record.save()
    SharedItem.objects.filter(pk=item.pk).update(
        confirmed_at=timezone.now(), confirmed_by=guest, no_longer_relevant_at=None
    )
    feedback = Feedback.objects.create(
        space=item.space,
        item=item,
        guest=guest,
        said_by=said_by(guest),
        kind=Feedback.Kind.CONFIRM,
        status=Feedback.Status.RECORDED,
    )
    _guest_event(guest, CONFIRMED, str(record), ip_address)
    record_account_change(item.space.customer_id)
    return feedback


@transaction.atomic
def suggest(
    item: SharedItem | None,
    *,
    guest: Guest,
    kind: str,
    title: str = "",
    text: str = "",
    value: str = "",
    ip_address: str | None = None,
) -> Feedback:
    """A correction, a new priority or severity, "no longer relevant", or a goal or problem of
    the customer's own: a suggestion the lead accepts or declines."""
    feedback = Feedback.objects.create(
        space=guest.space,
        item=item,
        guest=guest,
        said_by=said_by(guest),
        kind=kind,
        title=title,
        text=text,
        value=value,
        status=Feedback.Status.PENDING,
    )
    verb = {
        Feedback.Kind.CORRECT: CORRECTED,
        Feedback.Kind.RANK: RANKED,
        Feedback.Kind.IRRELEVANT: IRRELEVANT,
    }.get(kind, SUGGESTED)
    subject = str(item.record) if item is not None else title
    _guest_event(guest, verb, subject, ip_address)
    record_account_change(guest.space.customer_id)
    return feedback


@transaction.atomic
def decide_feedback(feedback: Feedback, *, accept: bool, by: User) -> Feedback:
    """The lead accepts (the record changes, saying who suggested it) or declines."""
    won = Feedback.objects.filter(pk=feedback.pk, status=Feedback.Status.PENDING).update(
        status=Feedback.Status.ACCEPTED if accept else Feedback.Status.DECLINED,
        decided_by=by,
        decided_at=timezone.now(),
    )
    if not won:
        raise NotAllowed("This suggestion was already decided.")
    if accept:
        _apply(feedback, by=by)
    feedback.refresh_from_db()
    record_account_change(feedback.space.customer_id)
    return feedback


def _apply(feedback: Feedback, *, by: User) -> None:
    source = gettext("Suggested by %(who)s in the shared space") % {"who": feedback.said_by}
    kind = feedback.kind
    if kind in (Feedback.Kind.NEW_GOAL, Feedback.Kind.NEW_PROBLEM):
        model = Goal if kind == Feedback.Kind.NEW_GOAL else Problem
        record = model(
            customer_id=feedback.space.customer_id,
            title=feedback.title,
            description=feedback.text,
            confirmed=True,
            source=source[:300],
        )
        record._history_user = by  # type: ignore[attr-defined]
        record.save()
        field = "goal" if model is Goal else "problem"
        item = SharedItem.objects.create(space=feedback.space, **{field: record})
        Feedback.objects.filter(pk=feedback.pk).update(item=item)
        return
    item = feedback.item
    if item is None:
        return
    record = item.record
    record.refresh_from_db()
    if kind == Feedback.Kind.CORRECT:
        if feedback.title:
            record.title = feedback.title
        record.confirmed = True
        record.source = source[:300]
    elif kind == Feedback.Kind.RANK:
        if isinstance(record, Goal) and feedback.value in {"1", "2", "3"}:
            record.priority = int(feedback.value)
        elif isinstance(record, Problem) and feedback.value in Problem.Severity.values:
            record.severity = feedback.value
    elif kind == Feedback.Kind.IRRELEVANT:
        if isinstance(record, Goal):
            record.status = Goal.Status.DROPPED
        else:
            record.status = Problem.Status.PARKED
        SharedItem.objects.filter(pk=item.pk).update(no_longer_relevant_at=timezone.now())
    record.version = record.version + 1
    record._history_user = by  # type: ignore[union-attr]
    record._change_reason = source  # type: ignore[union-attr]
    record.save()


# --- Steps on the customer's side ----------------------------------------------------------


@transaction.atomic
def tick_step(
    step: PlanStep, *, guest: Guest, done: bool, ip_address: str | None = None
) -> PlanStep:
    """A guest marks a step done (or open again)."""
    if step.status == PlanStep.Status.CANCELLED:
        raise NotAllowed("This step was cancelled.")
    status = PlanStep.Status.DONE if done else PlanStep.Status.OPEN
    PlanStep.objects.filter(pk=step.pk).update(
        status=status,
        completed_at=timezone.now() if done else None,
        version=F("version") + 1,
    )
    step.refresh_from_db()
    _guest_event(guest, TICKED if done else REOPENED, step.title, ip_address)
    record_account_change(guest.space.customer_id)
    return step


@transaction.atomic
def propose_step_date(
    step: PlanStep, *, guest: Guest, due_on: dt.date, ip_address: str | None = None
) -> PlanStep:
    """A guest proposes a new due date; the lead takes it or not."""
    PlanStep.objects.filter(pk=step.pk).update(
        proposed_due_on=due_on, proposed_by=guest, version=F("version") + 1
    )
    step.refresh_from_db()
    _guest_event(guest, PROPOSED_DATE, step.title, ip_address)
    record_account_change(guest.space.customer_id)
    return step


# --- Reminders -----------------------------------------------------------------------------


def steps_due_a_reminder(now: dt.datetime) -> list[int]:
    """Open overdue steps not reminded in the last SPACE_REMINDER_DAYS days."""
    since = now - dt.timedelta(days=settings.SPACE_REMINDER_DAYS)
    return list(
        PlanStep.objects.filter(status=PlanStep.Status.OPEN, due_on__lt=timezone.localdate(now))
        .exclude(last_reminded_at__gte=since)
        .values_list("pk", flat=True)
    )


def remind_step_owner(step_id: int, *, now: dt.datetime | None = None) -> bool:
    """Email the owner of one overdue step, at most once per SPACE_REMINDER_DAYS (the
    conditional UPDATE decides, so two deliveries of the task send one email)."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=settings.SPACE_REMINDER_DAYS)
    step = (
        PlanStep.objects.select_related("owner_user", "owner_stakeholder", "space__customer")
        .filter(pk=step_id, status=PlanStep.Status.OPEN, due_on__lt=timezone.localdate(now))
        .first()
    )
    if step is None:
        return False
    recipient, language = _reminder_recipient(step)
    if not recipient:
        return False
    won = (
        PlanStep.objects.filter(pk=step.pk)
        .exclude(last_reminded_at__gte=since)
        .update(last_reminded_at=now)
    )
    if not won:
        return False
    path = (
        reverse("space:space", args=[step.space.customer_id])
        if step.owner_user_id
        else reverse("space:guest-space")
    )
    context = {
        "step": step,
        "customer": step.space.customer,
        "link": settings.SITE_URL.rstrip("/") + path,
    }
    with translation.override(language):
        subject = single_line(render_to_string("space/email/reminder_subject.txt", context))
        body = render_to_string("space/email/reminder.txt", context)
    send_email(EmailMessage(subject=subject, body=body, to=[recipient]))
    return True


def _reminder_recipient(step: PlanStep) -> tuple[str, str]:
    if step.owner_user_id:
        user = step.owner_user
        if not user.is_active:  # type: ignore[union-attr]
            return "", ""
        language = getattr(user, "language", "") or settings.LANGUAGE_CODE
        return user.email, language  # type: ignore[union-attr]
    # A customer-side step: only to a stakeholder who is still a guest of this space.
    guest = Guest.objects.filter(
        space_id=step.space_id, stakeholder_id=step.owner_stakeholder_id, revoked_at__isnull=True
    ).first()
    if guest is None or not guest.is_active_at(timezone.now()):
        return "", ""
    return guest.email, settings.LANGUAGE_CODE


# --- The log of guest actions --------------------------------------------------------------


def _guest_event(guest: Guest, action: str, subject: str, ip_address: str | None) -> None:
    SpaceEvent.objects.create(
        space_id=guest.space_id,
        customer_id=guest.space.customer_id,
        guest=guest,
        actor=said_by(guest)[:420],
        action=action,
        subject=subject[:300],
        ip_address=ip_address,
    )
    _log(guest, action, f"guest:{guest.pk}")


def _log(guest: Guest, action: str, by: str) -> None:
    logger.info(
        "audit action=space_%s actor=%s guest=%s space=%s",
        action.replace(" ", "_").strip(":"),
        by,
        guest.pk,
        guest.space_id,
    )
