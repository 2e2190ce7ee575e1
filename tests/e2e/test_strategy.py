import pytest
from playwright.sync_api import Page, expect

from strategy.models import Playbook, WhitespaceCell
from tests import factories
from tests.e2e.conftest import sign_in_with_form

pytestmark = pytest.mark.django_db(transaction=True)


def test_lead_fills_a_whitespace_cell_in_place_and_sees_totals_and_scorecard_move(
    live_server, page: Page
):
    lead = factories.UserFactory(username="lead_ws")
    customer = factories.CustomerFactory(name="Nordwind Logistics", lead=lead)
    area = factories.AreaFactory(name="Engineering")
    telematics = factories.OfferingFactory(name="Telematics", area=area)
    factories.OfferingFactory(name="Route planning", area=area)
    north = factories.DivisionFactory(customer=customer, name="North")
    factories.DivisionFactory(customer=customer, name="South")
    factories.WhitespaceCellFactory(
        customer=customer,
        division=north,
        offering=factories.OfferingFactory(name="Fleet leasing"),
        status="installed",
        annual_value=1000,
    )
    playbook = Playbook.objects.create(name="Any segment", min_confirmed_goals=0)
    playbook.required_offerings.add(telematics)
    sign_in_with_form(page, live_server.url, "lead_ws", factories.PASSWORD)
    page.goto(f"{live_server.url}/strategy/customers/{customer.pk}/scorecard/")
    criterion = page.locator(f"#criterion-whitespace-{telematics.pk}")
    expect(criterion).to_contain_text("0 of 2 divisions assessed.")

    page.get_by_role("link", name="Whitespace").click()
    expect(page.locator("#ws-total")).to_contain_text("1,000")
    cell = page.locator(f"#cell-{north.pk}-{telematics.pk}")
    expect(cell).to_have_class("ws-cell ws-none")
    cell.get_by_role("link").click()
    editor = page.locator("#cell-editor")
    editor.get_by_label("Status").select_option("installed")
    editor.get_by_label("Value per year").fill("12000")
    editor.get_by_role("button", name="Save cell").click()

    expect(page.get_by_role("status")).to_contain_text("North, Telematics")
    cell = page.locator(f"#cell-{north.pk}-{telematics.pk}")
    expect(cell).to_have_class("ws-cell ws-installed")
    expect(page.locator("#ws-total")).to_contain_text("13,000")
    expect(page.locator("tbody tr").first.locator(".ws-row-total")).to_contain_text("13,000")
    # In place: the address never changed.
    assert page.url.endswith(f"/strategy/customers/{customer.pk}/whitespace/")
    assert WhitespaceCell.objects.get(division=north, offering=telematics).annual_value == 12000

    # An error keeps the grid and shows the field's message in the editor.
    south_cell = page.locator("tbody tr").nth(1).locator("td.ws-cell").first
    south_cell.get_by_role("link").click()
    page.locator("#cell-editor").get_by_label("Status").select_option("competitor")
    page.locator("#cell-editor").get_by_role("button", name="Save cell").click()
    expect(page.locator("#cell-editor")).to_contain_text("Name the competitor")
    expect(page.locator("#ws-total")).to_contain_text("13,000")

    # The scorecard moved: one more division assessed for the playbook's offering.
    page.get_by_role("link", name="Plan scorecard").click()
    criterion = page.locator(f"#criterion-whitespace-{telematics.pk}")
    expect(criterion).to_contain_text("1 of 2 divisions assessed.")
    expect(criterion.get_by_role("link", name="Fix it")).to_be_visible()
