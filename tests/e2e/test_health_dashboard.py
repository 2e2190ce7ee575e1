import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("accord-demo")
    page.get_by_role("button", name="Sign in").click()


def test_manager_sorts_by_health_and_opens_the_reddest_account(live_server, page: Page, demo):
    # The demo's manager1 reads Accord in German (README, "Demo users").
    sign_in(page, live_server.url, "manager1")
    page.get_by_role("navigation", name="Hauptmenü").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Account-Health", level=1)).to_be_visible()
    table = page.locator("table.health-table")
    expect(table.get_by_role("link", name="Kestrel Aerospace")).to_be_visible()

    table.locator("thead").get_by_role("link", name="Health Score").click()

    expect(page).to_have_url(f"{live_server.url}/health/?sort=score")
    reddest = table.locator("tbody tr").first
    expect(reddest).to_contain_text("Lumen Retail")
    expect(reddest).to_contain_text("Rot")
    reddest.get_by_role("link", name="Lumen Retail").click()

    expect(page.get_by_role("heading", name="Lumen Retail", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Warum: die Bestandteile")).to_be_visible()
    reasons = page.locator("ul.components")
    # The stored reasons, worded in the reader's German.
    expect(
        reasons.get_by_text(re.compile("kritischen Problemen ha(t|ben) kein Angebot"))
    ).to_be_visible()
    expect(
        reasons.get_by_text(re.compile("offenen Maßnahmen (ist|sind) überfällig"))
    ).to_be_visible()
    expect(page.locator(".health-score .band")).to_have_text("Rot")
    # The chart script ran: Chart.js drew into the canvas.
    expect(page.locator("#account-chart")).to_have_attribute("height", re.compile(r"\d+"))
