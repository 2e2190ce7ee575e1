"""Feedback on long work: a CSV import says it is working, then what went wrong or what it did."""

import pytest
from playwright.sync_api import Page, expect

from customers.models import Customer
from tests.e2e.conftest import sign_in_with_form
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_importing_customers_shows_progress_then_the_wrong_rows_then_the_result(
    live_server, page: Page, actors
):
    sign_in_with_form(page, live_server.url, "sales_a", PASSWORD)
    page.goto(f"{live_server.url}/customers/import/")
    bad_file = {
        "name": "customers.csv",
        "mimeType": "text/csv",
        "buffer": b"name,industry\nFjord Foods,Food\n,Retail\n",
    }

    # First the busy state alone: a listener on window runs after the page's own handler on
    # document and cancels the submission, so the state stays on screen to be checked.
    page.evaluate("() => window.addEventListener('submit', (e) => e.preventDefault())")
    page.get_by_label("CSV file").set_input_files(files=[bad_file])
    page.get_by_role("button", name="Import").click()
    expect(
        page.get_by_role("status").filter(has_text="Importing: checking every row")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Import")).to_be_disabled()
    expect(page.locator("form[data-busy]")).to_have_attribute("aria-busy", "true")

    page.reload()
    page.get_by_label("CSV file").set_input_files(files=[bad_file])
    page.get_by_role("button", name="Import").click()
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
