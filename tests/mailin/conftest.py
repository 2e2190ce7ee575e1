"""Emails as they arrive: raw MIME built with the standard library."""

from email.message import EmailMessage
from email.utils import format_datetime

import pytest
from django.utils import timezone

from mailin.parsing import parse_bytes


def raw_email(
    *,
    sender: str,
    to: str,
    cc: str = "",
    subject: str = "Pilot next steps",
    text: str = "Hi Carla,\n\nwe agree on the pilot in March.\n\nBest,\nAnna",
    html: str = "",
    message_id: str = "<first@mail.example.com>",
    in_reply_to: str = "",
    headers: dict | None = None,
    attachments: list[tuple[str, bytes]] = (),
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = message_id
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    for filename, data in attachments:
        message.add_attachment(
            data, maintype="application", subtype="octet-stream", filename=filename
        )
    return message.as_bytes()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def message(**kwargs):
    return parse_bytes(raw_email(**kwargs))
