"""The demo has inbound email: an Email entry on Nordwind's dialogue with its reply threaded
under it and its attachment, and one email waiting in sales1's inbox."""

from django.core.management import call_command
from django.test import Client

from accounts.models import User
from dialogue.models import Meeting
from mailin.models import InboundEmail


def test_the_demo_has_inbound_email_and_seeding_twice_changes_nothing(db, media):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)

    sales1 = User.objects.get(username="sales1")
    emails = InboundEmail.objects.filter(sender=sales1)
    assert emails.count() == 3
    entry = Meeting.objects.get(kind=Meeting.Kind.EMAIL, title="Pilot kick-off dates")
    assert entry.customer.name == "Nordwind Logistics"
    assert [s.name for s in entry.stakeholders.all()] == ["Katrin Vogel"]
    assert "brief the depot leads" in entry.notes
    assert list(entry.inbound_emails.values_list("subject", flat=True).order_by("sent_at")) == [
        "Pilot kick-off dates",
        "Re: Pilot kick-off dates",
    ]
    first = entry.inbound_emails.get(subject="Pilot kick-off dates")
    assert first.signature.startswith("--")
    attachment = first.attachments.get()
    assert (attachment.filename, attachment.is_kept) == ("pilot-plan.txt", True)
    waiting = emails.get(status=InboundEmail.Status.UNMATCHED)
    assert waiting.subject.startswith("Introduction")

    client = Client()
    client.force_login(sales1)
    assert waiting.subject in client.get("/mailin/").text
    assert "Pilot kick-off dates" in client.get(f"/mailin/emails/{first.pk}/").text
    timeline = client.get(f"/dialogue/customers/{entry.customer_id}/timeline/")
    assert "Pilot kick-off dates" in timeline.text
    assert "brief the depot leads" in client.get(f"/dialogue/meetings/{entry.pk}/").text
    download = client.get(f"/mailin/attachments/{attachment.pk}/")
    assert download.content.startswith(b"Pilot plan")
