"""An arriving email: accepted from Accord users only, logged on the right account with its
stakeholders, threaded, or kept in the sender's inbox; never onto an account the sender
cannot write on."""

import pytest

from dialogue.models import Meeting
from mailin.metrics import collect
from mailin.models import DroppedMailCount, InboundEmail
from mailin.services import live_address, receive_email, renew_address
from tests import factories
from tests.mailin.conftest import message

pytestmark = pytest.mark.django_db


@pytest.fixture
def carla(actors):
    return factories.StakeholderFactory(
        customer=actors.customer_a, name="Carla Customer", email="Carla@Alpha.example"
    )


def receive(**kwargs):
    return receive_email(message(**kwargs), via=InboundEmail.Via.WEBHOOK)


def dropped(reason: str) -> int:
    row = DroppedMailCount.objects.filter(reason=reason).first()
    return row.count if row else 0


def test_mail_to_the_account_address_is_logged_as_an_email_entry_with_attendees(
    actors, carla, media
):
    address = live_address(customer=actors.customer_a).address
    outcome = receive(
        sender=f"Sam <{actors.sales_a.email}>",
        to=f"carla@alpha.example, {address}",
        text="Hi Carla,\n\nwe agree on the pilot.\n\nOn Mon, 1 Dec 2026 Carla <carla@alpha.example>"
        " wrote:\n> Shall we start a pilot?",
    )
    assert outcome.status == "logged"
    meeting = Meeting.objects.get()
    assert meeting.customer == actors.customer_a
    assert meeting.kind == Meeting.Kind.EMAIL
    assert meeting.title == "Pilot next steps"
    assert meeting.author == actors.sales_a
    assert list(meeting.stakeholders.all()) == [carla]
    assert list(meeting.internal_attendees.all()) == [actors.sales_a]
    assert "we agree on the pilot." in meeting.notes
    assert "Shall we start" not in meeting.notes
    email = outcome.email
    assert email.meeting == meeting
    assert email.status == InboundEmail.Status.LOGGED
    assert "Shall we start a pilot?" in email.quoted


def test_mail_from_someone_who_is_not_a_user_is_dropped_and_counted(actors, carla):
    address = live_address(customer=actors.customer_a).address
    outcome = receive(sender="mallory@evil.example", to=address)
    assert outcome.status == "dropped"
    assert not InboundEmail.objects.exists()
    assert not Meeting.objects.exists()
    assert dropped("unknown_sender") == 1
    [family] = collect()
    assert ("unknown_sender", 1.0) in [
        (sample.labels["reason"], sample.value)
        for sample in family.samples
        if sample.name.endswith("_total")
    ]


def test_a_deactivated_users_mail_is_dropped(actors):
    outcome = receive(sender=actors.inactive.email, to="carla@alpha.example")
    assert outcome.status == "dropped"
    assert dropped("unknown_sender") == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"Authentication-Results": "mx.example; spf=fail smtp.mailfrom=x; dkim=pass"},
        {"Authentication-Results": "mx.example; spf=pass; dkim=fail header.d=x"},
        {"Received-SPF": "softfail (domain does not designate)"},
        {"X-Mailgun-Dkim-Check-Result": "Fail"},
    ],
)
def test_a_failed_spf_or_dkim_verdict_drops_the_mail(actors, carla, headers):
    address = live_address(customer=actors.customer_a).address
    outcome = receive(sender=actors.sales_a.email, to=address, headers=headers)
    assert outcome.status == "dropped"
    assert dropped("auth_failed") == 1
    assert not Meeting.objects.exists()


def test_a_passing_verdict_is_accepted(actors, carla):
    address = live_address(customer=actors.customer_a).address
    headers = {"Authentication-Results": "mx.example; spf=pass; dkim=pass"}
    assert receive(sender=actors.sales_a.email, to=address, headers=headers).status == "logged"


def test_stakeholders_of_one_visible_account_find_it_without_an_account_address(actors, carla):
    user_address = live_address(user=actors.spec_a).address
    outcome = receive(sender=actors.spec_a.email, to="carla@alpha.example", cc=user_address)
    assert outcome.status == "logged"
    assert outcome.email.customer == actors.customer_a
    assert list(Meeting.objects.get().stakeholders.all()) == [carla]


def test_a_forwarded_emails_header_lines_name_its_participants(actors, carla):
    text = (
        "FYI\n\n---------- Forwarded message ---------\nFrom: Carla <carla@alpha.example>\n"
        "To: Sam <sales_a@example.com>\nSubject: Budget\n\nThe budget is approved."
    )
    user_address = live_address(user=actors.sales_a).address
    outcome = receive(sender=actors.sales_a.email, to=user_address, text=text)
    assert outcome.status == "logged"
    assert outcome.email.customer == actors.customer_a


def test_another_teams_stakeholders_are_never_matched_or_revealed(actors):
    factories.StakeholderFactory(customer=actors.customer_b, email="boris@beta.example")
    outcome = receive(sender=actors.sales_a.email, to="boris@beta.example")
    assert outcome.status == "unmatched"
    email = outcome.email
    assert email.customer is None
    assert not Meeting.objects.exists()
    assert email.participants == [actors.sales_a.email, "boris@beta.example"]


def test_an_account_address_of_an_account_the_sender_cannot_see_logs_nothing(actors):
    address = live_address(customer=actors.customer_b).address
    outcome = receive(sender=actors.sales_a.email, to=address)
    assert outcome.status == "unmatched"
    assert not actors.customer_b.meetings.exists()


def test_a_viewer_cannot_log_mail_on_the_account_they_only_read(actors, carla):
    address = live_address(customer=actors.customer_a).address
    outcome = receive(sender=actors.viewer_a.email, to=f"carla@alpha.example, {address}")
    assert outcome.status == "unmatched"
    assert not Meeting.objects.exists()


def test_stakeholders_of_two_accounts_leave_the_choice_to_the_sender(actors, carla):
    factories.MembershipFactory(customer=actors.customer_a2, user=actors.spec_a)
    factories.StakeholderFactory(customer=actors.customer_a2, email="dora@alpha2.example")
    outcome = receive(sender=actors.spec_a.email, to="carla@alpha.example, dora@alpha2.example")
    assert outcome.status == "unmatched"


def test_a_renewed_address_no_longer_routes_mail(actors, carla):
    old = live_address(customer=actors.customer_a)
    new = renew_address(old, by=actors.sales_a)
    assert new.token != old.token
    assert receive(sender=actors.sales_a.email, to=old.address).status == "unmatched"
    outcome = receive(
        sender=actors.sales_a.email, to=new.address, message_id="<second@mail.example.com>"
    )
    assert outcome.status == "logged"


def test_a_reply_lands_on_the_same_entry_and_adds_its_people(actors, carla):
    address = live_address(customer=actors.customer_a).address
    receive(sender=actors.sales_a.email, to=f"carla@alpha.example, {address}")
    dave = factories.StakeholderFactory(customer=actors.customer_a, email="dave@alpha.example")
    outcome = receive(
        sender=actors.spec_a.email,
        to="carla@alpha.example",
        cc="dave@alpha.example",
        subject="Re: Pilot next steps",
        text="Adding Dave from procurement.",
        message_id="<reply@mail.example.com>",
        in_reply_to="<first@mail.example.com>",
    )
    assert outcome.status == "threaded"
    meeting = Meeting.objects.get()
    assert set(meeting.stakeholders.all()) == {carla, dave}
    assert "we agree on the pilot" in meeting.notes
    assert "Adding Dave from procurement." in meeting.notes
    assert outcome.email.meeting == meeting


def test_a_reply_to_an_entry_on_an_account_the_sender_cannot_see_is_not_threaded(actors, carla):
    address = live_address(customer=actors.customer_a).address
    receive(sender=actors.sales_a.email, to=f"carla@alpha.example, {address}")
    outcome = receive(
        sender=actors.sales_b.email,
        to="carla@alpha.example",
        text="Sneaking in.",
        message_id="<sneak@mail.example.com>",
        in_reply_to="<first@mail.example.com>",
    )
    assert outcome.status == "unmatched"
    assert "Sneaking" not in Meeting.objects.get().notes


def test_the_same_message_twice_is_filed_once(actors, carla):
    address = live_address(customer=actors.customer_a).address
    assert receive(sender=actors.sales_a.email, to=address).status == "logged"
    assert receive(sender=actors.sales_a.email, to=address).status == "duplicate"
    assert InboundEmail.objects.count() == 1
    assert Meeting.objects.count() == 1


def test_attachments_are_kept_up_to_the_limit(actors, carla, media, settings):
    settings.MAILIN_MAX_ATTACHMENT_BYTES = 100
    address = live_address(customer=actors.customer_a).address
    outcome = receive(
        sender=actors.sales_a.email,
        to=address,
        attachments=[("offer.pdf", b"x" * 100), ("video.mp4", b"y" * 101)],
    )
    kept, skipped = outcome.email.attachments.all()
    assert (kept.filename, kept.is_kept, kept.size) == ("offer.pdf", True, 100)
    with kept.file.open("rb") as stored:
        assert stored.read() == b"x" * 100
    assert (skipped.filename, skipped.is_kept, bool(skipped.file)) == ("video.mp4", False, False)
    assert "offer.pdf" in Meeting.objects.get().notes


def test_an_html_only_email_is_sanitized_to_text(actors, carla):
    address = live_address(customer=actors.customer_a).address
    raw = message(sender=actors.sales_a.email, to=address, text="")
    raw.set_content(
        "<p>Budget <b>approved</b></p><script>alert(1)</script><p>Next: contract</p>",
        subtype="html",
    )
    outcome = receive_email(raw, via=InboundEmail.Via.WEBHOOK)
    notes = Meeting.objects.get().notes
    assert outcome.email.body == "Budget approved\nNext: contract"
    assert "alert" not in notes
    assert "<" not in outcome.email.body


def test_control_characters_are_dropped_before_storing(actors, carla):
    address = live_address(customer=actors.customer_a).address
    outcome = receive(
        sender=actors.sales_a.email, to=address, subject="Budget", text="Budget\x00 ok\x07"
    )
    assert outcome.status == "logged"
    assert outcome.email.body == "Budget ok"


def test_admins_see_the_dropped_counts_in_the_admin(client, actors):
    receive(sender="mallory@evil.example", to="someone@alpha.example")
    client.force_login(actors.admin)
    response = client.get("/admin/mailin/droppedmailcount/")
    assert response.status_code == 200
    assert "Sender is not an Accord user" in response.content.decode()
    client.force_login(actors.sales_a)
    assert client.get("/admin/mailin/droppedmailcount/").status_code in (302, 403)
