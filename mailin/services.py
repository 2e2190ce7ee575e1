"""An email arrives: accept it from an Accord user only, find its account, log it or keep it
in the sender's inbox; the inbox's assign and discard; revocable forwarding addresses."""

import logging
import re
from dataclasses import dataclass

from anymail.inbound import AnymailInboundMessage
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from accounts.localization import as_user_sees_it
from accounts.models import User
from customers.access import get_access
from customers.models import Customer, Stakeholder
from dialogue.models import Meeting
from dialogue.services import MeetingData, log_meeting, update_meeting
from mailin.authresults import is_authenticated
from mailin.models import DroppedMailCount, InboundAddress, InboundAttachment, InboundEmail
from mailin.parsing import ParsedEmail, as_markdown, read_email

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What became of one arriving email: logged, threaded, unmatched, duplicate or dropped."""

    status: str
    email: InboundEmail | None = None
    reason: str = ""


def address_pattern() -> re.Pattern[str]:
    domain = re.escape(settings.INBOUND_EMAIL_DOMAIN.lower())
    return re.compile(rf"^(account|user)\+([a-z2-7]{{16}})@{domain}$")


def count_drop(reason: str) -> Outcome:
    """Count a dropped email by reason (never its content: it came from outside)."""
    row, _created = DroppedMailCount.objects.get_or_create(reason=reason)
    DroppedMailCount.objects.filter(pk=row.pk).update(
        count=F("count") + 1, last_dropped_at=timezone.now()
    )
    logger.info("mailin: dropped an email (%s)", reason)
    return Outcome("dropped", reason=reason)


def sender_user(address: str) -> User | None:
    """The one active user whose email is `address`; None when nobody or several have it."""
    if not address:
        return None
    users = list(User.objects.filter(email__iexact=address, is_active=True)[:2])
    return users[0] if len(users) == 1 else None


def receive_email(
    message: AnymailInboundMessage, *, via: str, auth_failed: bool = False
) -> Outcome:
    """Accept an email from an Accord user (not failed by SPF/DKIM, not marked as spam, and
    from a mailbox only with the receiving MTA's pass for its From domain) and log it on its
    account or keep it in the sender's inbox; drop and count anything else. `auth_failed`: the
    provider gave its SPF/DKIM failure beside the message (SendGrid's form fields)."""
    try:
        parsed = read_email(message)
    except (ValueError, LookupError, UnicodeError):
        return count_drop(DroppedMailCount.Reason.UNREADABLE)
    if parsed.spam:
        return count_drop(DroppedMailCount.Reason.SPAM)
    if parsed.auth_failed or auth_failed:
        return count_drop(DroppedMailCount.Reason.AUTH_FAILED)
    sender = sender_user(parsed.sender)
    if sender is None:
        return count_drop(DroppedMailCount.Reason.UNKNOWN_SENDER)
    if via == InboundEmail.Via.IMAP and not is_authenticated(message, parsed.sender):
        # A mailbox takes any From: line; only the receiving MTA's verdict proves it.
        return count_drop(DroppedMailCount.Reason.UNAUTHENTICATED)
    try:
        return _file_email(sender, parsed, via=via)
    except IntegrityError:
        # The same message from the same sender, delivered again (a retry, a second poll).
        return Outcome("duplicate")


@transaction.atomic
def _file_email(sender: User, parsed: ParsedEmail, *, via: str) -> Outcome:
    if (
        parsed.message_id
        and InboundEmail.objects.filter(sender=sender, message_id=parsed.message_id).exists()
    ):
        return Outcome("duplicate")
    now = timezone.now()
    email = InboundEmail.objects.create(
        sender=sender,
        status=InboundEmail.Status.UNMATCHED,
        via=via,
        message_id=parsed.message_id,
        in_reply_to=" ".join(parsed.in_reply_to),
        subject=parsed.subject,
        from_address=parsed.sender,
        participants=parsed.participants,
        sent_at=min(parsed.sent_at, now) if parsed.sent_at else now,
        body=parsed.body.text,
        quoted=parsed.body.quoted,
        signature=parsed.body.signature,
    )
    _keep_attachments(email, parsed)
    thread = _thread_meeting(sender, parsed)
    if thread is not None:
        _add_to_meeting(email, thread)
        return Outcome("threaded", email)
    customer = _account_by_address(sender, parsed) or _account_by_stakeholders(sender, email)
    if customer is None:
        return Outcome("unmatched", email)
    _log_on_account(email, customer)
    return Outcome("logged", email)


def _keep_attachments(email: InboundEmail, parsed: ParsedEmail) -> None:
    limit = settings.MAILIN_MAX_ATTACHMENT_BYTES
    for part in parsed.attachments:
        attachment = InboundAttachment(
            email=email,
            filename=part.filename,
            content_type=part.content_type[:255],
            size=len(part.content),
            is_kept=len(part.content) <= limit,
        )
        if attachment.is_kept:
            name = get_valid_filename(part.filename) or "attachment"
            attachment.file.save(name, ContentFile(part.content), save=False)
        attachment.save()


def _writable(user: User, customer_id: int) -> bool:
    return get_access(user, customer_id).can_contribute


def _thread_meeting(sender: User, parsed: ParsedEmail) -> Meeting | None:
    """The dialogue entry of an earlier email this one replies to, on an account the sender
    may write on."""
    if not parsed.in_reply_to:
        return None
    earlier = (
        InboundEmail.objects.filter(
            message_id__in=parsed.in_reply_to,
            meeting__isnull=False,
            meeting__deleted_at__isnull=True,
            meeting__customer__in=Customer.objects.visible_to(sender),
        )
        .select_related("meeting")
        .order_by("-received_at")
        .first()
    )
    if earlier is None or not _writable(sender, earlier.meeting.customer_id):
        return None
    return earlier.meeting


def _account_by_address(sender: User, parsed: ParsedEmail) -> Customer | None:
    """The account whose forwarding address the email was sent to, if the sender may write
    there (an address of an account they cannot see leads to their inbox, revealing nothing)."""
    pattern = address_pattern()
    tokens = [
        match.group(2)
        for address in parsed.recipients
        if (match := pattern.match(address)) and match.group(1) == InboundAddress.Kind.ACCOUNT
    ]
    if not tokens:
        return None
    live = InboundAddress.objects.filter(
        token__in=tokens, revoked_at__isnull=True, customer__in=Customer.objects.visible_to(sender)
    ).select_related("customer")
    for address in live:
        if _writable(sender, address.customer_id):
            return address.customer
    return None


def _stakeholders(user: User, email: InboundEmail) -> QuerySet[Stakeholder]:
    """The stakeholders, of accounts `user` sees, whose addresses took part in the email."""
    others = [address for address in email.participants if address != email.from_address]
    return (
        Stakeholder.objects.visible_to(user)
        .annotate(address=Lower("email"))
        .filter(address__in=others)
        .exclude(email="")
    )


def _account_by_stakeholders(sender: User, email: InboundEmail) -> Customer | None:
    """The one account, among those the sender may write on, whose stakeholders took part;
    none when there are several (the sender assigns it from the inbox)."""
    customer_ids = set(_stakeholders(sender, email).values_list("customer_id", flat=True))
    writable = [pk for pk in customer_ids if _writable(sender, pk)]
    if len(writable) != 1:
        return None
    return Customer.objects.get(pk=writable[0])


def _notes(email: InboundEmail) -> str:
    link = reverse("mailin:email", args=[email.pk])
    attachments = list(email.attachments.all())
    empty = _("The email has no text.")
    # Meeting notes hold 50,000 characters; the whole text stays on the email's page.
    lines = [as_markdown(email.body[:40000]) or f"_{empty}_"]
    if attachments:
        names = ", ".join(as_markdown(item.filename) for item in attachments)
        lines.append(_("Attachments: %(names)s") % {"names": names})
    label = _("The whole email, its quoted text and attachments")
    lines.append(f"[{label}]({link})")
    return "\n\n".join(lines)


def _log_on_account(email: InboundEmail, customer: Customer) -> Meeting:
    sender = email.sender
    with as_user_sees_it(sender):
        data = MeetingData(
            occurred_at=email.sent_at,
            title=email.subject or _("Email without a subject"),
            kind=Meeting.Kind.EMAIL,
            notes=_notes(email),
            stakeholders=list(_stakeholders(sender, email).filter(customer=customer)),
            internal_attendees=[sender],
        )
    meeting = log_meeting(customer, author=sender, data=data)
    _resolve(email, customer=customer, meeting=meeting)
    return meeting


def _add_to_meeting(email: InboundEmail, meeting: Meeting) -> None:
    """A reply: its text goes under the thread's entry and its stakeholders join the entry."""
    sender = email.sender
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    with as_user_sees_it(sender):
        heading = _("Reply from %(name)s") % {"name": sender.display_name}
        notes = f"{meeting.notes}\n\n---\n\n**{as_markdown(heading)}**\n\n{_notes(email)}"
    joined = list(_stakeholders(sender, email).filter(customer_id=meeting.customer_id))
    update_meeting(
        meeting,
        expected_version=meeting.version,
        changes={"notes": notes[: Meeting._meta.get_field("notes").max_length]},
        m2m={"stakeholders": [*meeting.stakeholders.all(), *joined]},
    )
    _resolve(email, customer=meeting.customer, meeting=meeting)


def _resolve(email: InboundEmail, *, customer: Customer, meeting: Meeting) -> None:
    email.status = InboundEmail.Status.LOGGED
    email.customer = customer
    email.meeting = meeting
    email.resolved_at = timezone.now()
    email.save(update_fields=["status", "customer", "meeting", "resolved_at"])


@transaction.atomic
def assign_email(email: InboundEmail, *, customer: Customer) -> Meeting:
    """Log an inbox email on an account its sender may write on (the caller checked)."""
    email = InboundEmail.objects.select_for_update().get(pk=email.pk)
    if email.status != InboundEmail.Status.UNMATCHED:
        return email.meeting
    return _log_on_account(email, customer)


def discard_email(email: InboundEmail) -> bool:
    """Take an email out of the inbox without logging it; False when it was no longer there."""
    return bool(
        InboundEmail.objects.filter(pk=email.pk, status=InboundEmail.Status.UNMATCHED).update(
            status=InboundEmail.Status.DISCARDED, resolved_at=timezone.now()
        )
    )


def live_address(*, customer: Customer | None = None, user: User | None = None) -> InboundAddress:
    """The account's or the user's forwarding address, made on first use."""
    owner = {"customer": customer} if customer is not None else {"user": user}
    kind = InboundAddress.Kind.ACCOUNT if customer is not None else InboundAddress.Kind.USER
    found = InboundAddress.objects.filter(revoked_at__isnull=True, **owner).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return InboundAddress.objects.create(kind=kind, **owner)
    except IntegrityError:
        # Two first views at once: the other one made it.
        return InboundAddress.objects.get(revoked_at__isnull=True, **owner)


@transaction.atomic
def renew_address(address: InboundAddress, *, by: User) -> InboundAddress:
    """Revoke an address (mail to it no longer lands on the account) and issue a new one."""
    InboundAddress.objects.filter(pk=address.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    owner = {"customer": address.customer} if address.customer_id else {"user": address.user}
    return InboundAddress.objects.create(kind=address.kind, created_by=by, **owner)
