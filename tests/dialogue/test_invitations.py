"""A calendar invitation (.ics) prefills a planned meeting: matched, unknown and bad files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from customers.models import Stakeholder
from dialogue.invitations import InvitationError, read_invitation
from dialogue.models import PlannedMeeting
from tests import factories

pytestmark = pytest.mark.django_db


def invitation(*attendees: str, start: str = "DTSTART:20261220T083000Z", extra: str = "") -> str:
    """An invitation as Outlook or Google send it: the organizer and attendees by address."""
    lines = "\r\n".join(attendees)
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Test//EN\r\nMETHOD:REQUEST\r\n"
        "BEGIN:VEVENT\r\nUID:invite-1@example.com\r\nDTSTAMP:20261201T100000Z\r\n"
        f"{start}\r\nDTEND:20261220T100000Z\r\nSUMMARY:Fleet review\r\n"
        "LOCATION:Bremen depot\r\nDESCRIPTION:1. Fuel data\\n2. Pilot\r\n"
        f"{lines}\r\n{extra}END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def attendee(email: str, name: str = "") -> str:
    cn = f";CN={name}" if name else ""
    return f"ATTENDEE;ROLE=REQ-PARTICIPANT{cn}:mailto:{email}"


def upload(text: str | bytes, name: str = "invite.ics", content_type: str = "text/calendar"):
    raw = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, raw, content_type=content_type)


def read(client, customer, *, typed: dict | None = None, **ics: object):
    """Press "Read the invitation" on the plan page, with what was typed in the plan form."""
    data = {"action": "import", **(typed or {})}
    data.update({f"ics-{name}": value for name, value in ics.items()})
    return client.post(reverse("dialogue:plan-meeting", args=[customer.pk]), data)


@pytest.fixture
def berlin_lead(actors):
    actors.sales_a.time_zone = "Europe/Berlin"
    actors.sales_a.save()
    return actors.sales_a


def test_matched_attendees_title_and_time_in_the_users_zone(client, actors, berlin_lead):
    customer = actors.customer_a
    greta = factories.StakeholderFactory(
        customer=customer, name="Greta Hansen", email="greta@nordwind.example"
    )
    client.force_login(berlin_lead)
    ics = invitation(
        f"ORGANIZER;CN=Lead:mailto:{berlin_lead.email.upper()}",
        attendee("Greta@Nordwind.Example", "Greta H."),
        attendee(actors.spec_a.email),
    )
    response = read(client, customer, file=upload(ics))
    assert response.status_code == 200
    form = response.context["form"]
    # 08:30 UTC is 09:30 in Berlin in December.
    assert 'value="2026-12-20T09:30"' in response.content.decode()
    assert form["title"].value() == "Fleet review"
    assert form["duration_minutes"].value() == 90
    assert form["location"].value() == "Bremen depot"
    assert form["agenda"].value() == "1. Fuel data\n2. Pilot"
    assert form["stakeholders"].value() == [str(greta.pk)]
    assert set(form["internal_attendees"].value()) == {str(berlin_lead.pk), str(actors.spec_a.pk)}
    assert response.context["invitees"].forms == []
    assert "Customer attendees found: Greta Hansen" in response.content.decode()


def test_unknown_addresses_are_offered_and_only_ticked_ones_created(client, actors):
    customer = actors.customer_a
    client.force_login(actors.sales_a)
    ics = invitation(attendee("new@nordwind.example", "Nina Neu"), attendee("x@nordwind.example"))
    response = read(client, customer, text=ics)
    assert response.status_code == 200
    rows = response.context["invitees"].forms
    assert [(r["name"].value(), r["email"].value()) for r in rows] == [
        ("Nina Neu", "new@nordwind.example"),
        ("", "x@nordwind.example"),
    ]
    assert not any(r["create"].value() for r in rows)  # nothing created unasked
    page = response.content.decode()
    assert "Add new@nordwind.example as a new stakeholder" in page
    # Plan it with Nina ticked and the other address left alone.
    plan = {
        "plan-starts_at": "2026-12-20T09:30",
        "plan-duration_minutes": "90",
        "plan-kind": "meeting",
        "plan-title": "Fleet review",
        "invitee-TOTAL_FORMS": "2",
        "invitee-INITIAL_FORMS": "2",
        "invitee-0-create": "on",
        "invitee-0-name": "Nina Neu",
        "invitee-0-email": "new@nordwind.example",
        "invitee-1-name": "",
        "invitee-1-email": "x@nordwind.example",
    }
    response = client.post(reverse("dialogue:plan-meeting", args=[customer.pk]), plan)
    assert response.status_code == 302
    planned = PlannedMeeting.objects.get()
    nina = Stakeholder.objects.get()
    assert (nina.customer, nina.name, nina.email) == (customer, "Nina Neu", "new@nordwind.example")
    assert list(planned.stakeholders.all()) == [nina]
    assert nina.history.get().history_user == actors.sales_a


def test_a_ticked_address_needs_a_name_and_the_form_keeps_everything(client, actors):
    client.force_login(actors.sales_a)
    plan = {
        "plan-starts_at": "2026-12-20T09:30",
        "plan-duration_minutes": "90",
        "plan-kind": "meeting",
        "plan-title": "Fleet review",
        "invitee-TOTAL_FORMS": "1",
        "invitee-INITIAL_FORMS": "1",
        "invitee-0-create": "on",
        "invitee-0-name": "",
        "invitee-0-email": "new@nordwind.example",
    }
    response = client.post(reverse("dialogue:plan-meeting", args=[actors.customer_a.pk]), plan)
    assert response.status_code == 400
    assert "Give the new stakeholder a name" in response.content.decode()
    assert 'value="Fleet review"' in response.content.decode()
    assert not PlannedMeeting.objects.exists()
    assert not Stakeholder.objects.exists()


def test_another_teams_stakeholders_are_never_matched(client, actors):
    factories.StakeholderFactory(
        customer=actors.customer_b, name="Secret Person", email="shared@example.com"
    )
    factories.StakeholderFactory(
        customer=actors.customer_a2, name="Other Account", email="other@example.com"
    )
    client.force_login(actors.sales_a)
    ics = invitation(attendee("shared@example.com"), attendee("other@example.com"))
    response = read(client, actors.customer_a, file=upload(ics))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Secret Person" not in page
    assert "Other Account" not in page
    assert response.context["form"]["stakeholders"].value() == []
    offered = [r["email"].value() for r in response.context["invitees"].forms]
    assert offered == ["shared@example.com", "other@example.com"]
    # A colleague of another team is no attendee of this account either.
    ics = invitation(attendee(actors.sales_b.email))
    response = read(client, actors.customer_a, file=upload(ics))
    assert str(actors.sales_b.pk) not in response.context["form"]["internal_attendees"].value()


TYPED = {"plan-title": "My own title", "plan-agenda": "Typed agenda", "plan-location": "Oslo"}


@pytest.mark.parametrize(
    ("ics", "message"),
    [
        ({"file": upload("BEGIN:VCALENDAR\r\nthis is : not ; valid\r\n")}, "not valid iCalendar"),
        ({"text": "Hello, see you Tuesday"}, "This is not a calendar invitation"),
        ({"text": "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"}, "holds no event"),
        (
            {"text": invitation(start="DTSTART:not-a-date")},
            "no readable start time",
        ),
        ({"file": upload(b"%PDF-1.7", "agenda.pdf", "application/pdf")}, "Choose a calendar"),
        ({"file": upload(invitation().encode("utf-16"))}, "not UTF-8"),
        ({"file": upload("BEGIN:VCALENDAR\r\n" + "X" * 1_100_000)}, "larger than 1024 KB"),
        ({"text": "BEGIN:VCALENDAR\r\n" + "X" * 1_100_000}, "larger than 1024 KB"),
        ({}, "Choose an .ics file or paste"),
        (
            {"text": invitation(*(attendee(f"p{i}@example.com") for i in range(101)))},
            "more than 100 attendees",
        ),
    ],
    ids=[
        "malformed",
        "not-ics",
        "no-event",
        "bad-start",
        "wrong-type",
        "utf16",
        "huge",
        "huge-paste",
        "empty",
        "mailing-list",
    ],
)
def test_a_bad_invitation_is_a_form_error_and_nothing_typed_is_lost(client, actors, ics, message):
    client.force_login(actors.sales_a)
    response = read(client, actors.customer_a, typed=TYPED, **ics)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "The invitation was not read. Nothing you typed below was lost." in page
    assert 'value="My own title"' in page
    assert "Typed agenda" in page
    assert 'value="Oslo"' in page
    assert not PlannedMeeting.objects.exists()


def test_a_utf8_invitation_with_a_byte_order_mark_and_umlauts_is_read(client, actors):
    client.force_login(actors.sales_a)
    ics = invitation(attendee("jörg@example.com", "Jörg Müller")).replace("Fleet", "Flöten")
    response = read(client, actors.customer_a, file=upload(b"\xef\xbb\xbf" + ics.encode()))
    assert response.status_code == 200
    assert response.context["form"]["title"].value() == "Flöten review"
    assert response.context["invitees"].forms[0]["name"].value() == "Jörg Müller"


def test_only_contributors_of_the_account_may_read_an_invitation(client, actors):
    ics = invitation(attendee("greta@example.com"))
    client.force_login(actors.sales_b)
    assert read(client, actors.customer_a, file=upload(ics)).status_code == 404
    client.force_login(actors.viewer_a)
    assert read(client, actors.customer_a, file=upload(ics)).status_code == 403


def test_the_page_offers_the_import_and_the_edit_page_does_not(client, actors):
    client.force_login(actors.sales_a)
    page = client.get(reverse("dialogue:plan-meeting", args=[actors.customer_a.pk]))
    assert 'enctype="multipart/form-data"' in page.content.decode()
    assert "Read the invitation" in page.content.decode()
    planned = factories.PlannedMeetingFactory(customer=actors.customer_a)
    edit = client.get(reverse("dialogue:edit-planned-meeting", args=[planned.pk]))
    assert "Read the invitation" not in edit.content.decode()


def test_all_day_floating_and_duration_events():
    all_day = read_invitation(
        invitation(start="DTSTART;VALUE=DATE:20261220").replace("DTEND:20261220T100000Z\r\n", "")
    )
    assert (all_day.starts_at.hour, all_day.duration_minutes) == (9, 60)
    floating = read_invitation(
        invitation(start="DTSTART:20261220T143000").replace(
            "DTEND:20261220T100000Z", "DURATION:PT45M"
        )
    )
    assert (floating.starts_at.hour, floating.starts_at.minute) == (14, 30)
    assert floating.starts_at.tzinfo is not None
    assert floating.duration_minutes == 45


ics_like = st.lists(
    st.one_of(
        st.text(max_size=12),
        st.sampled_from(
            [
                "BEGIN:VCALENDAR\r\n",
                "BEGIN:VEVENT\r\n",
                "END:VEVENT\r\n",
                "END:VCALENDAR\r\n",
                "DTSTART:",
                "DTSTART;TZID=Europe/Berlin:",
                "DTSTART;VALUE=DATE:",
                "DTEND:",
                "DURATION:",
                "20261220T083000Z",
                "P1D",
                "-PT5M",
                "ATTENDEE;CN=",
                "mailto:",
                "ORGANIZER:",
                "SUMMARY:",
                ";",
                ":",
                "\r\n",
                " ",
            ]
        ),
    ),
    max_size=40,
).map(lambda parts: "BEGIN:VCALENDAR\r\n" + "".join(parts))


@hsettings(max_examples=300, derandomize=True, deadline=None)
@given(ics_like)
def test_any_text_is_read_or_refused_with_a_message_never_a_crash(text):
    try:
        read_invitation(text)
    except InvitationError as exc:
        message = str(exc)
    else:
        message = "read"
    assert message
