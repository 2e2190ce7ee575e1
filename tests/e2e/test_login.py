import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def test_sales1_signs_in_and_sees_only_their_customers(live_server, page: Page, demo):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    page.get_by_label("Username").fill("sales1")
    page.get_by_label("Password").fill("accord-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My accounts")).to_be_visible()
    table = page.get_by_role("table")
    for name in ("Nordwind Logistics", "Helix Medical", "Brightwater Foods"):
        expect(table.get_by_role("link", name=name)).to_be_visible()
    for name in ("Kestrel Aerospace", "Lumen Retail"):
        expect(page.get_by_text(name)).to_have_count(0)
