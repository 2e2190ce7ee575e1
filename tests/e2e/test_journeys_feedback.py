"""Feedback on long work: a CSV import says it is working, then what went wrong or what it did."""

import time

import pytest
from playwright.sync_api import Page, Route, expect

from customers.models import Customer
from tests.e2e.conftest import sign_in_with_form
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_importing_customers_shows_progress_then_the_wrong_rows_then_the_result(
    live_server, page: Page, actors
):
    sign_in_with_form(page, live_server.url, "sales_a", PASSWORD)
    page.goto(f"{live_server.url}/customers/import/")
    # Hold the first upload, as a large file would take, until the busy state was seen.
    held: list[Route] = []
    page.route(
        "**/customers/import/",
        lambda route: held.append(route) if route.request.method == "POST" else route.continue_(),
    )

    page.get_by_label("CSV file").set_input_files(
        files=[
            {
                "name": "customers.csv",
                "mimeType": "text/csv",
                "buffer": b"name,industry\nFjord Foods,Food\n,Retail\n",
            }
        ]
    )
    # The keyboard does not wait for the (held) navigation the way click() does.
    page.get_by_role("button", name="Import").focus()
    page.keyboard.press("Enter")
    # Locators wait for the pending navigation, so the old page is read directly.
    for _ in range(20):  # the button is disabled a tick after the submit event
        busy = page.evaluate(
            """() => ({
              status: document.querySelector("form[data-busy] [role=status]")?.textContent.trim(),
              disabled: document.querySelector("form[data-busy] button[type=submit]").disabled,
              ariaBusy: document.querySelector("form[data-busy]").getAttribute("aria-busy"),
            })"""
        )
        if busy["disabled"]:
            break
        time.sleep(0.05)
    assert busy["status"].startswith("Importing: checking every row")
    assert busy == {**busy, "disabled": True, "ariaBusy": "true"}
    held.pop().continue_()
    page.unroute("**/customers/import/")

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Nothing was imported.")
    expect(alert).to_contain_text("Line 3")
    expect(page.get_by_role("button", name="Import")).to_be_enabled()
    assert not Customer.objects.filter(name="Fjord Foods").exists()

    page.get_by_label("CSV file").set_input_files(
        files=[
            {
                "name": "customers.csv",
                "mimeType": "text/csv",
                "buffer": b"name,industry\nFjord Foods,Food\nNorth Rail,Rail\n",
            }
        ]
    )
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Imported 2 customers.")).to_be_visible()
    expect(page.get_by_role("table").get_by_role("link", name="Fjord Foods")).to_be_visible()
