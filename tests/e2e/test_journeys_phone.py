"""Phone-sized screens (390x844) and the keyboard alone: the meeting form end to end."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from customers.models import Customer
from dialogue.models import ActionItem, Meeting
from tests.e2e.conftest import PHONE, horizontal_overflow, sign_in_with_form, sign_out

pytestmark = pytest.mark.django_db(transaction=True)

# Controls a thumb has to hit; inline links inside text are exempt (WCAG 2.5.8).
SMALL_TAP_TARGETS = """() => {
  const selector = "main button, main select, main summary, main a.button, main .tabs a, "
    + "main input:not([type=hidden]):not([type=checkbox]):not([type=radio]), "
    + ".mainnav a, .usermenu a, .usermenu button";
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(el).visibility === "hidden") continue;
    const label = el.textContent.trim().slice(0, 30);
    if (box.height < 40) small.push(`${el.tagName} "${label}" ${box.height}px`);
  }
  return small;
}"""


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def assert_fits_a_phone(page: Page) -> None:
    page.wait_for_load_state("networkidle")
    assert horizontal_overflow(page) == 0, page.url
    assert page.evaluate(SMALL_TAP_TARGETS) == [], page.url


def test_salesperson_logs_a_meeting_on_a_phone(live_server, page: Page, demo):
    page.set_viewport_size(PHONE)
    sign_in_with_form(page, live_server.url, "sales1")
    assert_fits_a_phone(page)
    page.get_by_role("table").get_by_role("link", name="Helix Medical").click()
    expect(page.get_by_role("heading", name="Helix Medical", level=1)).to_be_visible()
    assert_fits_a_phone(page)
    page.get_by_role("navigation", name="Account sections").get_by_role(
        "link", name="Timeline"
    ).click()
    page.get_by_role("link", name="Log a meeting").click()
    assert_fits_a_phone(page)

    page.get_by_label("Title").fill("Line 3 walk-through on the phone")
    page.get_by_label("Call").check()
    search = page.get_by_label("Customer attendees: type a name")
    search.fill("Miriam")
    expect(page.locator("#stakeholder-options .picker-option").first).to_contain_text(
        "Dr. Miriam Okafor"
    )
    search.press("Enter")
    expect(page.locator("[data-picker-chosen]")).to_contain_text("Dr. Miriam Okafor")
    page.get_by_label("What the customer said").fill("“Show me line 3 first.”")
    page.get_by_text("A new problem came up").click()
    page.get_by_label("New problem").fill("Line 3 scanners drop labels")
    page.get_by_label("Next step").first.fill("Book the line 3 scanner test")
    assert_fits_a_phone(page)
    page.get_by_role("button", name="Save meeting").click()

    expect(page.get_by_role("heading", name="Line 3 walk-through on the phone")).to_be_visible()
    expect(page.get_by_text("Book the line 3 scanner test", exact=True)).to_be_visible()
    assert horizontal_overflow(page) == 0
    meeting = Meeting.objects.get(title="Line 3 walk-through on the phone")
    assert [s.name for s in meeting.stakeholders.all()] == ["Dr. Miriam Okafor"]
    assert [p.title for p in meeting.problems.all()] == ["Line 3 scanners drop labels"]


def test_main_pages_fit_a_phone_without_sideways_scrolling(live_server, page: Page, demo):
    nordwind = Customer.objects.get(name="Nordwind Logistics")
    page.set_viewport_size(PHONE)
    sign_in_with_form(page, live_server.url, "sales1")
    for path in (
        "/",
        f"/customers/{nordwind.pk}/",
        f"/dialogue/customers/{nordwind.pk}/meetings/new/",
        f"/dialogue/customers/{nordwind.pk}/timeline/",
        "/dialogue/action-items/",
        "/health/",
    ):
        page.goto(live_server.url + path)
        assert_fits_a_phone(page)
    sign_out(page)

    sign_in_with_form(page, live_server.url, "manager1")
    for path in ("/", "/health/", "/health/?sort=-score"):
        page.goto(live_server.url + path)
        assert_fits_a_phone(page)
        # The wide health table scrolls inside its wrapper, not the page.
    table_wrap = page.locator(".table-wrap").first
    assert table_wrap.evaluate("el => el.scrollWidth > el.clientWidth")
    assert table_wrap.evaluate("el => getComputedStyle(el).overflowX") == "auto"


def tab_to(page: Page, selector: str, *, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_the_meeting_form_works_with_the_keyboard_alone(live_server, page: Page, demo):
    sign_in_with_form(page, live_server.url, "sales1")
    nordwind = Customer.objects.get(name="Nordwind Logistics")
    page.goto(f"{live_server.url}/dialogue/customers/{nordwind.pk}/meetings/new/")
    expect(page.get_by_role("heading", name=re.compile("Log a meeting"))).to_be_visible()

    # The first Tab lands on the skip link, which jumps past the navigation.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")

    tab_to(page, "#id_meeting-title")
    page.keyboard.type("Keyboard-only depot call")
    # The kind radios: the form proposes the last meeting's kind (the demo's "Pilot scope
    # call"; the newer filed email "Pilot kick-off dates" is not a meeting) and Tab lands on
    # it; arrows move the choice.
    expect(page.get_by_label("Call", exact=True)).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowRight")
    expect(page.get_by_label("Visit", exact=True)).to_be_checked()

    # That call's attendee, Lars, is proposed; Katrin is added by keyboard.
    chosen = page.locator("[data-picker-chosen]")
    expect(chosen).to_contain_text("Lars Petersen")
    tab_to(page, "#stakeholder-search")
    page.keyboard.type("Katrin")
    # Wait for this name's matches, not the full list shown on focus.
    expect(page.locator("#stakeholder-options .picker-option").first).to_contain_text("Katrin")
    page.keyboard.press("Enter")
    expect(chosen).to_contain_text("Katrin Vogel")
    expect(chosen).to_contain_text("Lars Petersen")

    tab_to(page, "#id_meeting-customer_said")
    page.keyboard.type("We need the pilot before the budget round.")
    tab_to(page, "input[name='meeting-goals']")
    page.keyboard.press("Space")
    tab_to(page, "#id_steps-0-description")
    page.keyboard.type("Send the pilot budget to Katrin")
    tab_to(page, "button.primary[type=submit]")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Keyboard-only depot call")).to_be_visible()
    meeting = Meeting.objects.get(title="Keyboard-only depot call")
    assert meeting.kind == "visit"
    assert sorted(s.name for s in meeting.stakeholders.all()) == ["Katrin Vogel", "Lars Petersen"]
    assert meeting.goals.count() == 1
    assert ActionItem.objects.filter(
        meeting=meeting, description="Send the pilot budget to Katrin"
    ).exists()
