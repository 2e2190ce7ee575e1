import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from customers.models import BusinessModel, Customer, Problem

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("sales1")
    page.get_by_label("Password").fill("accord-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My accounts")).to_be_visible()


def test_lead_edits_a_canvas_box_in_place_and_adds_a_blocking_problem(
    live_server, page: Page, demo
):
    customer = Customer.objects.get(name="Nordwind Logistics")
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/customers/{customer.pk}/canvas/")
    box = page.locator("#box-channels")
    box.get_by_label("Channels").fill("Direct sales, tenders, shipper portal, EDI")
    box.get_by_role("button", name="Save").click()
    expect(page.locator("#box-channels").get_by_role("status")).to_have_text("Saved")
    # The in-place save did not reload the page: another box can be saved from it too.
    other = page.locator("#box-cost_structure")
    other.get_by_label("Cost structure").fill("Fuel 40%, staff 34%")
    other.get_by_role("button", name="Save").click()
    expect(page.locator("#box-cost_structure").get_by_role("status")).to_have_text("Saved")
    canvas = BusinessModel.objects.get(customer=customer)
    assert canvas.channels == "Direct sales, tenders, shipper portal, EDI"
    assert canvas.cost_structure == "Fuel 40%, staff 34%"

    page.get_by_role("link", name="Goals & problems").click()
    goal = page.locator("section.goal", has_text="Cut empty kilometres by 15%")
    goal.get_by_label("New problem blocking this goal").fill("Drivers wait at ramps for hours")
    goal.get_by_label("Severity").select_option("high")
    goal.get_by_role("button", name="Add problem").click()
    goal = page.locator("section.goal", has_text="Cut empty kilometres by 15%")
    expect(goal.get_by_role("link", name="Drivers wait at ramps for hours")).to_be_visible()
    problem = Problem.objects.get(title="Drivers wait at ramps for hours")
    assert problem.severity == "high"
    assert [g.title for g in problem.blocks_goals.all()] == ["Cut empty kilometres by 15%"]
