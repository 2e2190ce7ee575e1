"""Logging the README's meeting at the pace of the meeting: defaults, inline people, Ctrl+Enter."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from customers.models import Stakeholder
from dialogue.models import ActionItem, Meeting
from tests import factories
from tests.e2e.test_dialogue import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

GOAL = "Cut empty kilometres by 15%"
MAX_CLICKS = 8


@pytest.fixture
def nordwind(transactional_db):
    lead = factories.UserFactory(username="lena", first_name="Lena", last_name="Lead")
    customer = factories.CustomerFactory(name="Nordwind Logistics", lead=lead)
    katrin = factories.StakeholderFactory(customer=customer, name="Katrin Vogel", title="COO")
    lars = factories.StakeholderFactory(customer=customer, name="Lars Petersen", title="IT")
    factories.GoalFactory(customer=customer, title=GOAL)
    # The last meeting with this customer: a visit with Katrin and Lars.
    last = factories.MeetingFactory(
        customer=customer,
        kind=Meeting.Kind.VISIT,
        occurred_at=timezone.now() - dt.timedelta(days=20),
    )
    last.stakeholders.add(katrin, lars)
    last.internal_attendees.add(lead)
    return lead, customer


def test_the_readme_meeting_takes_at_most_eight_clicks(live_server, page: Page, nordwind):
    lead, customer = nordwind
    sign_in(page, live_server.url, "lena")
    page.goto(live_server.url + reverse("dialogue:log-meeting", args=[customer.pk]))
    # Every mouse press on the page is counted, whoever makes it.
    page.evaluate(
        "window.__presses = 0;"
        "document.addEventListener('mousedown', () => { window.__presses += 1; }, true);"
    )
    clicks = 0

    def click(locator) -> None:
        nonlocal clicks
        clicks += 1
        locator.click()

    # Proposed from the last meeting: the kind and both attendees.
    expect(page.get_by_label("Visit")).to_be_checked()
    expect(page.locator("[data-picker-chosen]")).to_contain_text("Katrin Vogel")
    expect(page.locator("[data-picker-chosen]")).to_contain_text("Lars Petersen")

    page.get_by_label("Title").fill("Bremen gate review")
    page.get_by_label("What the customer said").fill(
        "Every morning twenty trucks queue at the Bremen gate."
    )
    click(page.get_by_role("group", name="Goals discussed").get_by_label(GOAL))
    click(page.get_by_text("A new problem came up"))
    page.get_by_label("New problem").first.fill("Trucks queue at the Bremen gate")
    clicks += 1  # choosing from a select is a click
    page.get_by_label("Severity").first.select_option("high")
    click(page.get_by_role("group", name="Goals it blocks").first.get_by_label(GOAL))
    # A new face in the room, added without leaving the form.
    click(page.get_by_text("Someone new was there"))
    page.get_by_label("New person").first.fill("Jonas Weber")
    page.get_by_label("Position").first.fill("Gate supervisor")
    clicks += 1
    page.get_by_label("Buying role").first.select_option("influencer")
    page.get_by_label("Next step").first.fill("Send the gate-scheduling case study to Lars")
    # Selects are counted above without a mouse press; every other press went through click().
    assert page.evaluate("window.__presses") <= clicks
    # Ctrl+Enter saves from the field being typed in.
    page.get_by_label("Next step").first.press("Control+Enter")

    expect(page.get_by_role("heading", name="Bremen gate review")).to_be_visible()
    assert clicks <= MAX_CLICKS
    meeting = Meeting.objects.get(title="Bremen gate review")
    assert meeting.kind == Meeting.Kind.VISIT
    assert {s.name for s in meeting.stakeholders.all()} == {
        "Katrin Vogel",
        "Lars Petersen",
        "Jonas Weber",
    }
    jonas = Stakeholder.objects.get(name="Jonas Weber")
    assert (jonas.title, jonas.buying_role) == ("Gate supervisor", "influencer")
    assert [p.title for p in meeting.problems.all()] == ["Trucks queue at the Bremen gate"]
    local = timezone.localtime(meeting.occurred_at)
    assert local.minute % 15 == 0
    assert timezone.now() - meeting.occurred_at < dt.timedelta(minutes=16)
    step = ActionItem.objects.get(meeting=meeting)
    assert step.owner == lead
    assert step.due_on == timezone.localdate() + dt.timedelta(days=7)


def test_several_new_problems_in_one_meeting(live_server, page: Page, nordwind):
    _lead, customer = nordwind
    sign_in(page, live_server.url, "lena")
    page.goto(live_server.url + reverse("dialogue:log-meeting", args=[customer.pk]))
    page.get_by_label("Title").fill("Two problems")
    page.get_by_text("A new problem came up").click()
    page.get_by_label("New problem").first.fill("Gate queue")
    page.get_by_role("button", name="Add another new problem").click()
    page.get_by_label("New problem").nth(1).fill("No slot booking")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_role("heading", name="Two problems")).to_be_visible()
    meeting = Meeting.objects.get(title="Two problems")
    assert sorted(p.title for p in meeting.problems.all()) == ["Gate queue", "No slot booking"]
