"""The daily loop in a browser: a delete that asks first and can be undone with its links, the
timeline's filter, and the phone's one-row header."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from customers.models import Customer, Problem
from tests.e2e.conftest import PHONE, sign_in_with_form

pytestmark = pytest.mark.django_db(transaction=True)

PROBLEM = "Routes are planned by hand in spreadsheets"
GOALS = {"Cut empty kilometres by 15%", "On-time delivery above 97%"}


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def links_of(problem: Problem) -> tuple:
    return (
        {g.title for g in problem.blocks_goals.all()},
        problem.process_step_id,
        set(problem.meetings.values_list("pk", flat=True)),
        set(problem.proposals.values_list("pk", flat=True)),
    )


def test_a_problem_is_deleted_after_a_confirmation_and_restored_with_its_links(
    live_server, page: Page, demo
):
    customer = Customer.objects.get(name="Nordwind Logistics")
    problem = Problem.objects.get(customer=customer, title=PROBLEM)
    before = links_of(problem)
    assert before[0] == GOALS
    sign_in_with_form(page, live_server.url, "sales1")
    page.goto(f"{live_server.url}/customers/{customer.pk}/goals/")
    page.get_by_role("link", name=PROBLEM).first.click()
    # The read view: what it is and its links; Edit is there, Delete comes last.
    expect(page.get_by_role("heading", name=PROBLEM, level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Cut empty kilometres by 15%")).to_be_visible()
    expect(page.get_by_role("link", name="Edit")).to_be_visible()

    delete = page.get_by_role("button", name="Delete this problem")
    dialog = page.locator("#confirm-dialog")
    delete.click()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(PROBLEM)
    dialog.get_by_role("button", name="Keep it").click()
    expect(dialog).to_be_hidden()
    assert Problem.objects.filter(pk=problem.pk).exists()

    delete.click()
    dialog.get_by_role("button", name="Delete this problem").click()
    expect(page.get_by_text("It is in Recently deleted")).to_be_visible()
    assert not Problem.objects.filter(pk=problem.pk).exists()
    expect(page.get_by_role("link", name=PROBLEM)).to_have_count(0)

    page.get_by_role("navigation", name="Account sections").get_by_role(
        "link", name="Recently deleted"
    ).click()
    row = page.get_by_role("row").filter(has_text=PROBLEM)
    expect(row).to_contain_text("Problem")
    expect(row).to_contain_text("Sara Lindqvist")  # who deleted it: sales1
    row.get_by_role("button", name=re.compile("^Restore")).click()
    expect(page.get_by_text(f"Restored: {PROBLEM}.")).to_be_visible()

    page.goto(f"{live_server.url}/customers/{customer.pk}/goals/")
    goal = page.locator("section.goal", has_text="Cut empty kilometres by 15%")
    expect(goal.get_by_role("link", name=PROBLEM)).to_be_visible()
    assert links_of(Problem.objects.get(pk=problem.pk)) == before


def test_the_timeline_filters_by_kind_and_hides_record_changes(live_server, page: Page, demo):
    customer = Customer.objects.get(name="Nordwind Logistics")
    sign_in_with_form(page, live_server.url, "sales1")
    page.goto(f"{live_server.url}/dialogue/customers/{customer.pk}/timeline/")
    timeline = page.get_by_role("list", name="Account history, newest first")
    expect(timeline.locator(".tl-change").first).to_be_visible()
    page.get_by_label("Hide record changes").check()
    page.get_by_role("button", name="Apply").click()
    expect(timeline.locator(".tl-meeting").first).to_be_visible()
    expect(timeline.locator(".tl-change")).to_have_count(0)

    page.get_by_label("Show").select_option(label="Meetings")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile("kind=meeting"))
    entries = timeline.locator(".tl-entry")
    expect(entries.first).to_be_visible()
    assert entries.count() == timeline.locator(".tl-meeting").count()
    # A meeting says who was there and what the customer said, in one line.
    expect(timeline.locator(".tl-people").first).to_contain_text("With")
    page.get_by_role("link", name="Show everything").click()
    expect(timeline.locator(".tl-change").first).to_be_visible()


def test_on_a_phone_the_header_is_one_short_row_and_the_tabs_show_the_current_one(
    live_server, page: Page, demo
):
    customer = Customer.objects.get(name="Nordwind Logistics")
    page.set_viewport_size(PHONE)
    sign_in_with_form(page, live_server.url, "sales1")
    header = page.locator("header.topbar")
    assert header.bounding_box()["height"] <= 80
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_hidden()
    menu = page.get_by_role("button", name=re.compile("^Menu"))
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Action items")).to_be_visible()
    menu.click()
    expect(nav).to_be_hidden()

    # A tab far to the right starts in view: the row is scrolled to it.
    page.goto(f"{live_server.url}/customers/{customer.pk}/trash/")
    assert header.bounding_box()["height"] <= 80
    current = page.locator(".tabs [aria-current=page]")
    expect(current).to_be_in_viewport()
    assert page.evaluate("document.querySelector('.tabs').scrollLeft") > 0
    # "New customer" is one tap from My accounts.
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="New customer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("customer")
