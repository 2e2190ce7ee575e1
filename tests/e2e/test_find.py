"""Issue 18 in a real browser: the type-ahead finds what people type; times in the user's zone."""

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from dialogue.models import Meeting
from tests import factories
from tests.conftest import api_as

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def dach_team(transactional_db):
    lead = factories.UserFactory(username="lena", first_name="Lena", last_name="Lang")
    nordwind = factories.CustomerFactory(name="Nordwind Logistik", lead=lead)
    factories.StakeholderFactory(customer=nordwind, name="Jörg Schröder", title="Einkauf")
    factories.GoalFactory(customer=nordwind, title="Fewer empty runs")
    # Another team's account with the same word: never suggested.
    factories.CustomerFactory(name="Nordwind Süd", lead=factories.UserFactory(username="other"))
    return lead, nordwind


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("main h1").first).to_be_visible()


def test_type_ahead_finds_accounts_by_prefix_and_people_without_accents(
    live_server, page: Page, dach_team
):
    _lead, nordwind = dach_team
    sign_in(page, live_server.url, "lena")
    box = page.locator("#global-search")
    box.press_sequentially("nordw", delay=30)
    suggestions = page.locator("#search-suggestions")
    option = suggestions.get_by_role("option", name="Nordwind Logistik")
    expect(option).to_be_visible()
    expect(suggestions).not_to_contain_text("Süd")
    # Keyboard: the arrow moves into the suggestions, Enter opens the focused one.
    box.press("ArrowDown")
    expect(option).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + reverse("customers:detail", args=[nordwind.pk]))

    box = page.locator("#global-search")
    box.fill("")
    box.press_sequentially("schroder", delay=30)
    expect(
        page.locator("#search-suggestions").get_by_role("option", name="Jörg Schröder")
    ).to_be_visible()
    # Enter in the box opens the full results page, grouped, with the syntax explained.
    box.press("Enter")
    expect(page.get_by_role("heading", name="People at customers")).to_be_visible()
    expect(page.locator("mark").first).to_have_text("Schröder")
    expect(page.get_by_text("How to search")).to_be_visible()


def test_a_berlin_user_takes_the_browsers_zone_and_enters_local_time(
    live_server, new_context, dach_team
):
    lead, nordwind = dach_team
    context = new_context(timezone_id="Europe/Berlin")
    page = context.new_page()
    sign_in(page, live_server.url, "lena")
    banner = page.locator("#propose-time-zone")
    expect(banner).to_contain_text("Europe/Berlin")
    banner.get_by_role("button", name="Use this time zone").click()
    expect(page.locator("#propose-time-zone")).to_have_count(0)
    lead.refresh_from_db()
    assert lead.time_zone == "Europe/Berlin"

    page.goto(live_server.url + reverse("dialogue:log-meeting", args=[nordwind.pk]))
    page.get_by_label("Title").fill("Tourenplanung")
    page.locator("input[name='meeting-occurred_at']").fill("2026-12-05T15:23")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_role("heading", name="Tourenplanung")).to_be_visible()
    expect(page.locator("main")).to_contain_text("15:23")
    meeting = Meeting.objects.get(title="Tourenplanung")
    assert meeting.occurred_at == dt.datetime(2026, 12, 5, 14, 23, tzinfo=dt.UTC)
    body = api_as(lead).get(f"/api/meetings/{meeting.pk}/").json()
    assert body["occurred_at"] == "2026-12-05T14:23:00Z"


def test_a_german_user_sees_the_dashboard_in_german_with_german_formats(
    live_server, page: Page, dach_team
):
    lead, nordwind = dach_team
    lead.language, lead.time_zone = "de", "Europe/Berlin"
    lead.save()
    proposal = factories.ProposalFactory(customer=nordwind, title="Tourenoptimierung")
    factories.ContributionFactory(proposal=proposal, effort_days="2.5", request="Aufwand?")
    factories.GoalFactory(
        customer=nordwind, title="Leerfahrten senken", target_on=dt.date(2026, 12, 5)
    )
    sign_in(page, live_server.url, "lena")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("link", name="Meine Accounts")).to_be_visible()
    page.goto(live_server.url + reverse("health:dashboard"))
    expect(page.get_by_role("heading", name="Account-Health", level=1)).to_be_visible()
    page.goto(live_server.url + reverse("customers:goals", args=[nordwind.pk]))
    expect(page.locator("main")).to_contain_text("Zieldatum 05.12.2026")
    page.goto(live_server.url + reverse("solutions:proposal", args=[proposal.pk]))
    expect(page.locator("main")).to_contain_text("2,5")
