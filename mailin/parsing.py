"""Reading an email: who took part, the new text apart from quotes and signature, the files.

One shape for both delivery paths: Anymail's AnymailInboundMessage (an email.message subclass)
comes from the provider's webhook, and the IMAP poller parses raw bytes into the same class.
"""

import html
import re
from dataclasses import dataclass, field
from email.utils import getaddresses

import nh3
from anymail.inbound import AnymailInboundMessage
from mailparser_reply import EmailReplyParser

REPLY_LANGUAGES = ["en", "de"]
# Lines that start a signature: the RFC 3676 delimiter, underscores, mobile footers.
SIGNATURE_START = re.compile(
    r"^(--\s*|_{2,}\s*|sent from my \w+.*|von meinem \w+ gesendet.*|gesendet von \w+.*)$",
    re.IGNORECASE,
)
# Header lines of a forwarded or quoted message inside the body: its participants.
BODY_ADDRESS_LINE = re.compile(r"^\s*>*\s*(from|to|cc|von|an|kopie):\s*(.+)$", re.IGNORECASE)
BLOCK_END = re.compile(r"<\s*(br|/p|/div|/li|/tr|/h[1-6]|/blockquote)\b[^>]*>", re.IGNORECASE)
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!~])")
# What the provider's verdict headers say when SPF or DKIM failed.
AUTH_FAILURE = re.compile(r"\b(spf|dkim)=(fail|softfail|permerror)\b", re.IGNORECASE)
VERDICT_HEADERS = ("Received-SPF", "X-Mailgun-Spf", "X-Mailgun-Dkim-Check-Result")
MESSAGE_ID = re.compile(r"<[^<>\s]+>")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass
class Folded:
    """An email body split into what the sender wrote now and what is folded away."""

    text: str
    quoted: str = ""
    signature: str = ""


@dataclass
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass
class ParsedEmail:
    sender: str
    subject: str
    message_id: str
    in_reply_to: list[str]
    recipients: list[str]
    participants: list[str]
    sent_at: object
    body: Folded
    attachments: list[Attachment] = field(default_factory=list)
    auth_failed: bool = False
    spam: bool = False


def clean_text(text: str) -> str:
    """Text without control characters other than line breaks and tabs (PostgreSQL refuses
    NUL, and none of them means anything in a note)."""
    return CONTROL.sub("", text.replace("\r\n", "\n"))


def parse_bytes(raw: bytes) -> AnymailInboundMessage:
    return AnymailInboundMessage.parse_raw_mime_bytes(raw)


def html_to_text(markup: str) -> str:
    """The text of an HTML body: nh3 drops every tag (and script and style content)."""
    with_breaks = BLOCK_END.sub(lambda match: match.group(0) + "\n", markup)
    text = html.unescape(nh3.clean(with_breaks, tags=set()))
    return re.sub(r"\n{3,}", "\n\n", text.replace("\r\n", "\n")).strip()


def fold(text: str) -> Folded:
    """Split off quoted replies (mail-parser-reply knows English and German headers) and the
    signature of the newest part."""
    text = text.replace("\r\n", "\n").strip()
    if not text:
        return Folded("")
    replies = EmailReplyParser(languages=REPLY_LANGUAGES).read(text=text).replies
    newest = replies[0].content.strip() if replies else text
    if not newest and len(replies) > 1:
        newest = ""
    quoted = text[len(newest) :].strip() if text.startswith(newest) else ""
    lines = newest.split("\n")
    for index, line in enumerate(lines):
        if index and SIGNATURE_START.match(line.strip()):
            return Folded(
                "\n".join(lines[:index]).strip(), quoted, "\n".join(lines[index:]).strip()
            )
    return Folded(newest, quoted)


def as_markdown(text: str) -> str:
    """Plain text that renders as itself: markdown's characters escaped, line breaks kept."""
    lines = [MARKDOWN_SPECIAL.sub(r"\\\1", line.rstrip()) for line in text.split("\n")]
    return "\n".join(f"{line}  " if line else "" for line in lines).rstrip()


def addresses(values: list[str]) -> list[str]:
    """Lowercased addresses, in order, each once."""
    seen: dict[str, None] = {}
    for _name, address in getaddresses(values):
        address = address.strip().lower()
        if "@" in address:
            seen.setdefault(address)
    return list(seen)


def body_addresses(text: str) -> list[str]:
    """Participants named in a forwarded message's header lines (From:, To:, Von:, An: ...)."""
    return addresses(
        [m.group(2) for line in text.split("\n") if (m := BODY_ADDRESS_LINE.match(line))]
    )


def message_ids(value: str | None) -> list[str]:
    return MESSAGE_ID.findall(value or "")


def auth_failed(message: AnymailInboundMessage) -> bool:
    """The receiving provider's SPF or DKIM verdict, where it gave one, says fail."""
    verdicts = [
        *message.get_all("Authentication-Results", []),
        *message.get_all("ARC-Authentication-Results", []),
    ]
    if any(AUTH_FAILURE.search(str(verdict)) for verdict in verdicts):
        return True
    for header in VERDICT_HEADERS:
        for value in message.get_all(header, []):
            if str(value).strip().lower().startswith(("fail", "softfail", "permerror")):
                return True
    return False


def read_email(message: AnymailInboundMessage) -> ParsedEmail:
    """Everything the dialogue needs from one message."""
    sender_list = addresses([str(message.get("From", ""))])
    text = clean_text(message.text or "")
    if not text.strip() and message.html:
        text = clean_text(html_to_text(message.html))
    header_recipients = [
        str(value)
        for name in ("To", "Cc", "Bcc", "Delivered-To", "X-Original-To")
        for value in message.get_all(name, [])
    ]
    envelope = [message.envelope_recipient] if message.envelope_recipient else []
    recipients = addresses([*header_recipients, *envelope])
    folded = fold(text)
    participants = addresses([*sender_list, *recipients, *body_addresses(text)])
    return ParsedEmail(
        sender=sender_list[0] if len(sender_list) == 1 else "",
        subject=clean_text(" ".join(str(message.get("Subject", "")).split()))[:200],
        message_id=(message_ids(str(message.get("Message-ID", ""))) or [""])[0][:998],
        in_reply_to=message_ids(
            f"{message.get('In-Reply-To', '')} {message.get('References', '')}"
        ),
        recipients=recipients,
        participants=participants,
        sent_at=message.date,
        body=folded,
        attachments=[
            Attachment(
                filename=clean_text(part.get_filename() or "attachment")[:255] or "attachment",
                content_type=part.get_content_type(),
                content=part.get_content_bytes() or b"",
            )
            for part in message.attachments
        ],
        auth_failed=auth_failed(message),
        spam=bool(message.spam_detected),
    )
