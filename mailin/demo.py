"""Demo inbound email: sales1's mail to Nordwind Logistics, logged on its dialogue with a
reply threaded under it, and one mail waiting in sales1's inbox. Filed through the same path
as real mail (receive_email), so it is idempotent by Message-ID."""

import datetime as dt
from email.message import EmailMessage
from email.utils import format_datetime

from django.utils import timezone

from accounts.models import User
from customers.models import Customer, Stakeholder
from mailin.models import InboundEmail
from mailin.parsing import parse_bytes
from mailin.services import live_address, receive_email

ACCOUNT = "Nordwind Logistics"
PLAN = (
    "Pilot plan, Hamburg and Bremen\n"
    "Week 1: bay sensors installed\n"
    "Week 2-6: slot booking live, waiting times measured daily\n"
)


def _message(
    *,
    sender: User,
    to: str,
    subject: str,
    text: str,
    message_id: str,
    days_ago: int,
    headers: dict[str, str] | None = None,
    attachment: tuple[str, str] | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = f"{sender.get_full_name() or sender.username} <{sender.email}>"
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now() - dt.timedelta(days=days_ago))
    message["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    if attachment:
        filename, content = attachment
        message.add_attachment(
            content.encode(), maintype="text", subtype="plain", filename=filename
        )
    return message.as_bytes()


def seed(users: dict[str, User], customers: dict[str, Customer]) -> None:
    customer, sales1 = customers.get(ACCOUNT), users.get("sales1")
    if customer is None or sales1 is None or not sales1.email:
        return
    katrin = Stakeholder.objects.filter(customer=customer, name="Katrin Vogel").first()
    if katrin is None or not katrin.email:
        return
    bcc = live_address(customer=customer).address
    first_id = "<pilot-kickoff@demo.accord.example>"
    messages = [
        # Sent to Katrin with the account's address in Bcc: logged on Nordwind's dialogue.
        _message(
            sender=sales1,
            to=f"Katrin Vogel <{katrin.email}>",
            subject="Pilot kick-off dates",
            text=(
                "Hi Katrin,\n\nthanks for the call. As agreed, we start the pilot in Hamburg "
                "on the first Monday of next month and in Bremen a week later. The plan is "
                "attached; the success criterion stays one third less waiting time.\n\n"
                f"Best regards\n\n-- \n{sales1.get_full_name() or sales1.username}\n"
            ),
            message_id=first_id,
            days_ago=3,
            headers={"Delivered-To": bcc},
            attachment=("pilot-plan.txt", PLAN),
        ),
        # Katrin's answer, forwarded with its quote: threaded under the same entry.
        _message(
            sender=sales1,
            to=f"Katrin Vogel <{katrin.email}>",
            subject="Re: Pilot kick-off dates",
            text=(
                "Katrin confirmed both dates and will have Lars brief the depot leads.\n\n"
                f"On Monday, Katrin Vogel <{katrin.email}> wrote:\n"
                "> Dates work for us. Lars will brief the depot leads on Friday.\n"
            ),
            message_id="<pilot-kickoff-reply@demo.accord.example>",
            days_ago=2,
            headers={"In-Reply-To": first_id, "References": first_id},
        ),
        # To a prospect nobody knows yet: it waits in sales1's email inbox.
        _message(
            sender=sales1,
            to="Jonas Richter <j.richter@baltic-freight.example>",
            subject="Introduction: dock scheduling at Baltic Freight",
            text=(
                "Hello Mr Richter,\n\nas discussed at the logistics fair, here is a short "
                "note on how Nordwind cut truck waiting times. Happy to talk next week.\n"
            ),
            message_id="<baltic-intro@demo.accord.example>",
            days_ago=1,
        ),
    ]
    for raw in messages:
        receive_email(parse_bytes(raw), via=InboundEmail.Via.WEBHOOK)
