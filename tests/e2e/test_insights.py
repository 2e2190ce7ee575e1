import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Area
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My accounts")).to_be_visible()


def test_lead_rebuilds_the_summary_without_a_reload_and_it_prints_clean(
    live_server, page: Page, actors
):
    sign_in(page, live_server.url, "sales_a")
    page.goto(f"{live_server.url}/insights/{actors.customer_a.pk}/summary/")
    expect(page.get_by_text("No summary has been built")).to_be_visible()
    page.evaluate("window.__noReload = true")
    page.get_by_role("button", name="Rebuild now").click()
    expect(page.get_by_role("heading", name="Account summary: Alpha Industries")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Version \d+ · built"))).to_be_visible()
    assert page.evaluate("window.__noReload") is True
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Rebuild now")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Account sections")).to_be_hidden()
    expect(page.get_by_role("heading", name="Account summary: Alpha Industries")).to_be_visible()


def test_specialist_writes_their_area_section_on_a_phone(live_server, page: Page, actors):
    area = Area.objects.create(name="Engineering")
    actors.spec_a.area = area
    actors.spec_a.save(update_fields=["area"])
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, "spec_a")
    page.goto(f"{live_server.url}/insights/{actors.customer_a.pk}/plan/")
    page.get_by_role("link", name="Write notes").click()
    page.get_by_label("Notes (markdown)").fill("## Site survey\n\nNeeded **first**.")
    page.get_by_role("button", name="Save section").click()
    expect(page.get_by_text("Section saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="Site survey")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert overflow is False


def test_lead_adds_an_objective_submits_and_the_manager_approves_the_change(
    live_server, page: Page, actors
):
    goal = factories.GoalFactory(customer=actors.customer_a, title="Cut lead time")
    plan_url = f"{live_server.url}/insights/{actors.customer_a.pk}/plan/"
    sign_in(page, live_server.url, "sales_a")
    page.goto(plan_url)
    page.evaluate("window.__noReload = true")
    objectives = page.locator("#section-strategy .plan-items-objective")
    objectives.locator("summary").click()
    objectives.get_by_label(re.compile(r"^Objective")).fill("Become the preferred partner")
    objectives.get_by_label("Metric").fill("Share of inbound volume")
    objectives.get_by_label(re.compile(r"^Target(?! date)")).fill("40 %")
    objectives.get_by_label("Target date").fill("2027-03-31")
    objectives.get_by_label(goal.title).check()
    objectives.locator("button[type=submit]").click()
    strategy = page.locator("#section-strategy")
    expect(strategy.locator(".plan-item")).to_contain_text("Become the preferred partner")
    expect(strategy.get_by_role("link", name=goal.title)).to_be_visible()
    strategy.get_by_role("button", name="Submit this section for review").click()
    expect(strategy.locator("h3 .pill")).to_have_text("Submitted for review")
    assert page.evaluate("window.__noReload") is True

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(actors.mgr_a.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(plan_url)
    strategy = page.locator("#section-strategy")
    change = strategy.locator(".section-review ins")
    expect(change).to_contain_text("Become the preferred partner")
    expect(change).to_contain_text("Cut lead time")
    strategy.get_by_label("Approve the section").check()
    strategy.get_by_role("button", name="Send the section review").click()
    expect(page.locator("#section-strategy h3 .pill")).to_have_text("Approved")
