"""Before and after a meeting in the browser: plan it, read its brief, log the outcome from the
plan; and plan one from a calendar invitation dropped on the page or chosen as a file."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from customers.models import Stakeholder
from dialogue.models import Meeting, PlannedMeeting
from tests import factories
from tests.e2e.test_a11y import AXE, BLOCKING, RUN_AXE, violations_on
from tests.e2e.test_dialogue import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = "Bunker prices kill our margin."


@pytest.fixture
def nordwind(transactional_db):
    lead = factories.UserFactory(
        username="lena", first_name="Lena", last_name="Lead", email="lena@accord.example"
    )
    customer = factories.CustomerFactory(name="Nordwind Logistics", lead=lead)
    katrin = factories.StakeholderFactory(
        customer=customer,
        name="Katrin Vogel",
        title="COO",
        email="katrin.vogel@nordwind.example",
        buying_role=Stakeholder.BuyingRole.DECISION_MAKER,
    )
    last = factories.MeetingFactory(
        customer=customer,
        occurred_at=timezone.now() - dt.timedelta(days=20),
        customer_said=WORDS,
    )
    last.stakeholders.add(katrin)
    return lead, customer


def test_plan_a_meeting_open_its_brief_and_log_the_outcome_from_the_plan(
    live_server, page: Page, nordwind
):
    _lead, customer = nordwind
    sign_in(page, live_server.url, "lena")
    page.goto(live_server.url + reverse("dialogue:plan-meeting", args=[customer.pk]))
    page.get_by_label("Title").fill("Fuel review")
    search = page.get_by_label("Customer attendees: type a name")
    search.fill("Katrin")
    expect(page.locator("#stakeholder-options")).to_contain_text("Katrin Vogel")
    search.press("Enter")
    expect(page.locator("[data-picker-chosen]")).to_contain_text("Katrin Vogel")
    page.get_by_label("Agenda").fill("Fuel data per vessel")
    # Enter in a field plans the meeting (it does not read an invitation).
    page.get_by_label("Title").press("Enter")
    expect(page.get_by_role("heading", name="Fuel review")).to_be_visible()
    planned = PlannedMeeting.objects.get()
    assert [s.name for s in planned.stakeholders.all()] == ["Katrin Vogel"]

    # The brief: not built yet, then built by hand and read.
    brief = page.locator("#prep-brief")
    expect(brief).to_contain_text("The brief is built the evening before the meeting.")
    brief.get_by_role("link", name="Open the printable brief").click()
    page.get_by_role("button", name="Build now").click()
    expect(page.get_by_role("heading", name="Who comes from the customer")).to_be_visible()
    expect(page.locator(".prep-brief")).to_contain_text("Katrin Vogel")
    expect(page.locator(".prep-brief")).to_contain_text(WORDS)

    # After the meeting: the log form is the plan, filled in.
    page.goto(live_server.url + reverse("dialogue:planned-meeting", args=[planned.pk]))
    page.get_by_role("link", name="Log the outcome").click()
    expect(page.get_by_label("Title")).to_have_value("Fuel review")
    expect(page.locator("[data-picker-chosen]")).to_contain_text("Katrin Vogel")
    expect(page.get_by_label("Notes")).to_have_value("Fuel data per vessel")
    page.get_by_label("What the customer said").fill("We lose a day a week on fuel reports.")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_role("heading", name="Fuel review")).to_be_visible()
    planned.refresh_from_db()
    assert planned.status == PlannedMeeting.Status.LOGGED
    meeting = Meeting.objects.get(plan=planned)
    assert meeting.customer_said == "We lose a day a week on fuel reports."
    assert [s.name for s in meeting.stakeholders.all()] == ["Katrin Vogel"]


def invitation(summary: str = "Fleet review") -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Test//EN\r\nMETHOD:REQUEST\r\n"
        "BEGIN:VEVENT\r\nUID:e2e-invite@example.com\r\nDTSTAMP:20261201T100000Z\r\n"
        "DTSTART:20271102T090000Z\r\nDTEND:20271102T100000Z\r\n"
        f"SUMMARY:{summary}\r\nLOCATION:Bremen depot\r\n"
        "ORGANIZER;CN=Lena Lead:mailto:lena@accord.example\r\n"
        "ATTENDEE;CN=Katrin Vogel:mailto:Katrin.Vogel@nordwind.example\r\n"
        "ATTENDEE;CN=Nina Neu:mailto:nina.neu@nordwind.example\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


DROP = """([name, text]) => {
    const data = new DataTransfer();
    data.items.add(new File([text], name, {type: "text/calendar"}));
    for (const type of ["dragover", "drop"]) {
        document.querySelector("main").dispatchEvent(
            new DragEvent(type, {dataTransfer: data, bubbles: true, cancelable: true}));
    }
}"""


def test_an_invitation_dropped_on_the_page_prefills_the_plan(live_server, page: Page, nordwind):
    _lead, customer = nordwind
    sign_in(page, live_server.url, "lena")
    page.goto(live_server.url + reverse("dialogue:plan-meeting", args=[customer.pk]))
    page.get_by_label("Agenda").fill("Bring the fuel figures")
    # A file that is no invitation: an error, and what was typed is still there.
    page.evaluate(DROP, ["notes.ics", "Dear Lena, see you Tuesday"])
    expect(page.locator("#invitation-errors")).to_contain_text("The invitation was not read.")
    expect(page.get_by_text("This is not a calendar invitation (.ics).")).to_be_visible()
    expect(page.get_by_label("Agenda")).to_have_value("Bring the fuel figures")

    page.evaluate(DROP, ["invite.ics", invitation()])
    expect(page.locator("#invitation-read")).to_contain_text("Customer attendees found: Katrin")
    expect(page.get_by_label("Title")).to_have_value("Fleet review")
    expect(page.get_by_label("Where")).to_have_value("Bremen depot")
    expect(page.get_by_label("Agenda")).to_have_value("Bring the fuel figures")
    expect(page.locator("[data-picker-chosen]")).to_contain_text("Katrin Vogel")
    local = timezone.localtime(dt.datetime(2027, 11, 2, 9, 0, tzinfo=dt.UTC))
    expect(page.get_by_label("When")).to_have_value(local.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Add nina.neu@nordwind.example as a new stakeholder").check()
    page.get_by_role("button", name="Plan meeting").click()
    expect(page.get_by_role("heading", name="Fleet review")).to_be_visible()
    planned = PlannedMeeting.objects.get()
    assert sorted(s.name for s in planned.stakeholders.all()) == ["Katrin Vogel", "Nina Neu"]
    assert Stakeholder.objects.get(name="Nina Neu").email == "nina.neu@nordwind.example"


def test_an_invitation_chosen_as_a_file_is_read_at_once(live_server, page: Page, nordwind):
    _lead, customer = nordwind
    sign_in(page, live_server.url, "lena")
    page.goto(live_server.url + reverse("dialogue:plan-meeting", args=[customer.pk]))
    page.get_by_label("Invitation file (.ics)").set_input_files(
        {"name": "invite.ics", "mimeType": "text/calendar", "buffer": invitation().encode()}
    )
    expect(page.get_by_label("Title")).to_have_value("Fleet review")
    expect(page.locator("[data-picker-chosen]")).to_contain_text("Katrin Vogel")
    # Nina is offered, not created: nothing was ticked.
    expect(
        page.get_by_label("Add nina.neu@nordwind.example as a new stakeholder")
    ).not_to_be_checked()
    page.get_by_role("button", name="Plan meeting").click()
    expect(page.get_by_role("heading", name="Fleet review")).to_be_visible()
    assert not Stakeholder.objects.filter(name="Nina Neu").exists()


def test_the_plan_page_and_a_read_invitation_pass_axe(live_server, page: Page, nordwind):
    _lead, customer = nordwind
    page.context.add_init_script(path=str(AXE))
    sign_in(page, live_server.url, "lena")
    url = live_server.url + reverse("dialogue:plan-meeting", args=[customer.pk])
    assert violations_on(page, url) == []
    page.evaluate(DROP, ["invite.ics", invitation()])
    expect(page.locator("#invitation-read")).to_be_visible()
    found = page.evaluate(RUN_AXE)
    assert [v for v in found if v["impact"] in BLOCKING] == []
    page.evaluate(DROP, ["invite.ics", "not an invitation"])
    expect(page.locator("#invitation-errors")).to_be_visible()
    found = page.evaluate(RUN_AXE)
    assert [v for v in found if v["impact"] in BLOCKING] == []
