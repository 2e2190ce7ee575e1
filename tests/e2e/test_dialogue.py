"""Logging a meeting in a real browser: the form, the draft, the timeline, and inert XSS."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from dialogue.models import ActionItem, Meeting
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

XSS_PAYLOADS = [
    "<script>alert('s')</script>",
    "<img src=x onerror=alert('i')>",
    "<svg onload=alert('v')>",
    "[link](javascript:alert('m'))",
    "<a href=\"javascript:alert('a')\">a</a>",
    "\"><script>alert('q')</script>",
    "<iframe src=\"data:text/html,<script>alert('d')</script>\"></iframe>",
    "<body onload=alert('b')>",
    "![x](x\" onerror=\"alert('md'))",
    "<details open ontoggle=alert('t')>",
]


@pytest.fixture
def team(transactional_db):
    lead = factories.UserFactory(username="lena", first_name="Lena", last_name="Lead")
    customer = factories.CustomerFactory(name="Fjord Shipping", lead=lead)
    factories.StakeholderFactory(customer=customer, name="Greta Hansen", title="CFO")
    factories.StakeholderFactory(customer=customer, name="Olaf Berg", title="COO")
    factories.GoalFactory(customer=customer, title="Cut fuel costs")
    return lead, customer


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My accounts")).to_be_visible()


def test_log_a_meeting_with_new_problem_and_next_step_then_find_it_on_the_timeline(
    live_server, page: Page, team
):
    lead, customer = team
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, "lena")
    page.goto(live_server.url + reverse("dialogue:log-meeting", args=[customer.pk]))
    # The phone-sized page does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_label("Title").fill("Fuel review with Greta")
    page.get_by_label("Call").check()
    # The type-ahead picker, keyboard only: type, arrow into the matches, Enter.
    search = page.get_by_label("Customer attendees: type a name")
    search.fill("gre")
    expect(page.locator("#stakeholder-options").get_by_text("Greta Hansen")).to_be_visible()
    search.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("[data-picker-chosen]")).to_contain_text("Greta Hansen")
    # Enter in the search box picks the top match; it does not submit the half-done form.
    search.fill("olaf")
    expect(page.locator("#stakeholder-options").get_by_text("Olaf Berg")).to_be_visible()
    search.press("Enter")
    expect(page.locator("[data-picker-chosen]")).to_contain_text("Olaf Berg")
    page.get_by_role("button", name="Remove Olaf Berg").click()
    expect(page.locator("[data-picker-chosen]")).not_to_contain_text("Olaf Berg")
    page.get_by_label("What the customer said").fill("Bunker prices are killing our margin.")
    page.get_by_label("Cut fuel costs").first.check()
    page.get_by_text("A new problem came up").click()
    page.get_by_label("New problem").fill("No fuel monitoring per vessel")
    page.get_by_label("Severity").select_option("high")
    page.get_by_label("Next step").first.fill("Send the fuel monitoring case study")
    page.get_by_label("Due").first.fill("2026-12-15")
    page.get_by_role("button", name="Save meeting").click()

    expect(page.get_by_role("heading", name="Fuel review with Greta")).to_be_visible()
    expect(page.get_by_text("Send the fuel monitoring case study", exact=True)).to_be_visible()
    meeting = Meeting.objects.get()
    assert [s.name for s in meeting.stakeholders.all()] == ["Greta Hansen"]
    assert [p.title for p in meeting.problems.all()] == ["No fuel monitoring per vessel"]
    assert ActionItem.objects.get().owner == lead

    page.get_by_role("link", name="Timeline").first.click()
    timeline = page.locator("ol.timeline")
    expect(timeline.get_by_role("link", name="Fuel review with Greta")).to_be_visible()
    expect(timeline.get_by_text("No fuel monitoring per vessel")).to_be_visible()
    expect(timeline.get_by_text("Send the fuel monitoring case study")).to_be_visible()


def test_reloading_a_half_filled_form_restores_the_draft_and_saving_clears_it(
    live_server, page: Page, team
):
    _, customer = team
    sign_in(page, live_server.url, "lena")
    url = live_server.url + reverse("dialogue:log-meeting", args=[customer.pk])
    page.goto(url)
    expect(page.locator("#draft-status")).to_contain_text("saved as a draft")
    page.get_by_label("Title").fill("Half-written visit")
    page.get_by_label("Notes").fill("Greta wants a **pilot**")
    page.get_by_role("button", name="Add another next step").click()
    page.get_by_label("Next step").nth(1).fill("Second step typed")
    expect(page.locator("#draft-status")).to_contain_text("Draft saved")

    page.reload()
    expect(page.locator("#draft-status")).to_contain_text("Draft restored")
    expect(page.get_by_label("Title")).to_have_value("Half-written visit")
    expect(page.get_by_label("Notes")).to_have_value("Greta wants a **pilot**")
    expect(page.get_by_label("Next step").nth(1)).to_have_value("Second step typed")

    # A failed submit (server-side error) keeps everything too.
    page.get_by_label("When").fill("1999-01-01T10:00")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_text("Enter a date from the year 2000 on.")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Half-written visit")
    expect(page.get_by_label("Next step").nth(1)).to_have_value("Second step typed")

    page.get_by_label("When").fill("2026-11-20T10:00")
    page.get_by_label("Next step").nth(1).fill("")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_role("heading", name="Half-written visit")).to_be_visible()
    page.goto(url)
    expect(page.get_by_label("Title")).to_have_value("")
    expect(page.locator("#draft-status")).not_to_contain_text("restored")


def test_xss_payloads_in_every_text_field_run_no_script(live_server, page: Page, team):
    lead, customer = team
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    payload = " ".join(XSS_PAYLOADS)
    meeting = factories.MeetingFactory(
        customer=customer,
        title="XSS " + XSS_PAYLOADS[0],
        notes=payload,
        customer_said=payload,
        insights=payload,
    )
    factories.ActionItemFactory(
        customer=customer, meeting=meeting, owner=lead, description=payload[:500]
    )
    factories.ProblemFactory(
        customer=customer, title="onerror " + XSS_PAYLOADS[1], source=payload[:300]
    )
    meeting.stakeholders.add(factories.StakeholderFactory(customer=customer, name=XSS_PAYLOADS[2]))
    sign_in(page, live_server.url, "lena")
    pages = [
        reverse("dialogue:meeting", args=[meeting.pk]),
        reverse("dialogue:edit-meeting", args=[meeting.pk]),
        reverse("dialogue:timeline", args=[customer.pk]),
        reverse("dialogue:my-action-items"),
        reverse("search:results") + "?q=alert",
        reverse("search:results") + "?q=onerror",
        reverse("dialogue:log-meeting", args=[customer.pk]),
    ]
    for path in pages:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert page.locator("body script").count() == 0, path
        assert page.locator("[onerror], [onload], [ontoggle]").count() == 0, path
    page.goto(live_server.url + reverse("dialogue:meeting", args=[meeting.pk]))
    expect(page.get_by_role("heading", name="XSS " + XSS_PAYLOADS[0])).to_be_visible()
    expect(page.get_by_text("<img src=x onerror=alert('i')>").first).to_be_visible()
    page.goto(live_server.url + reverse("dialogue:log-meeting", args=[customer.pk]))
    page.get_by_label("Customer attendees: type a name").fill("svg")
    expect(page.locator("#stakeholder-options")).to_contain_text("<svg onload")
    assert dialogs == []
