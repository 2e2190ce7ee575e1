"""The shared space's whole loop in Chromium: the lead shares, the guest answers by magic link,
the lead sees it on the timeline, accepts the correction, and the health component moves."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from customers.models import Customer
from health.scoring import compute_health
from space import guests
from space.models import Guest
from tests import factories
from tests.e2e.conftest import sign_in_with_form
from tests.e2e.test_a11y import AXE, check_pages
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My accounts")).to_be_visible()


def understanding_points(customer) -> float:
    components = compute_health(customer, now=timezone.now()).components
    return next(c.points for c in components if c.key == "understanding")


def test_lead_shares_guest_confirms_and_corrects_lead_accepts(
    live_server, page: Page, browser, actors
):
    customer = actors.customer_a
    factories.GoalFactory(customer=customer, title="Cut empty kilometres by 15%")
    factories.GoalFactory(customer=customer, title="Open the Poznan depot")
    factories.ProblemFactory(customer=customer, title="Trucks queue at the Bremen gate")
    factories.StakeholderFactory(
        customer=customer, name="Katrin Vogel", title="CEO", email="katrin@nordwind.example"
    )
    base = live_server.url
    sign_in(page, base, "sales_a")
    page.goto(f"{base}/space/customers/{customer.pk}/")
    page.get_by_role("button", name="Open the shared space").click()
    page.get_by_text("Choose what to share").click()
    page.get_by_label("Cut empty kilometres by 15%").check()
    page.get_by_label("Open the Poznan depot").check()
    page.get_by_label("Trucks queue at the Bremen gate").check()
    page.get_by_role("button", name="Save what is shared").click()
    expect(page.get_by_text("The shared goals and problems are saved.")).to_be_visible()
    page.get_by_text("Add a step").click()
    page.locator("#id_step-title").fill("Send the gate data")
    page.locator("#id_step-owner").select_option(label="Katrin Vogel")
    page.get_by_role("button", name="Add the step").click()
    expect(page.get_by_role("cell", name="Send the gate data", exact=True)).to_be_visible()
    page.get_by_text("Invite a stakeholder").click()
    page.get_by_label("Stakeholder").select_option(label="Katrin Vogel")
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_text("katrin@nordwind.example is invited")).to_be_visible()
    before = understanding_points(customer)

    # The guest, in a browser of their own, follows the emailed link.
    link = re.search(r"https?://[^/\s]+(/shared/link/[^\s]+/)", mail.outbox[-1].body).group(1)
    guest = browser.new_context().new_page()
    guest.goto(f"{base}{link}")
    guest.get_by_role("button", name="Sign in").click()
    expect(guest.get_by_role("heading", name=re.compile("Shared space"))).to_be_visible()
    goal = guest.locator("li.shared-item", has_text="Cut empty kilometres by 15%")
    goal.get_by_role("button", name="Confirm: this is right").click()
    expect(
        guest.locator("li.shared-item", has_text="Cut empty kilometres").get_by_text(
            "Confirmed by Katrin Vogel"
        )
    ).to_be_visible()
    problem = guest.locator("li.shared-item", has_text="Trucks queue at the Bremen gate")
    problem.get_by_text("Correct it, rank it").click()
    problem.get_by_label("In your words").fill("Trucks wait 40 minutes at gate 3")
    problem.get_by_role("button", name="Suggest this wording").click()
    expect(guest.get_by_text("Waiting for the lead")).to_be_visible()
    step = guest.locator("tr", has_text="Send the gate data")
    step.get_by_label("Comment").fill("Sent on Friday")
    step.get_by_role("button", name="Comment", exact=True).click()
    guest.locator("tr", has_text="Send the gate data").get_by_role(
        "button", name="Mark done"
    ).click()
    expect(guest.locator("tr", has_text="Send the gate data")).to_contain_text("Done")
    expect(guest.locator("tr", has_text="Send the gate data")).to_contain_text("Sent on Friday")

    # The lead sees the customer's actions as dialogue and takes the correction.
    page.goto(f"{base}/dialogue/customers/{customer.pk}/timeline/")
    expect(page.get_by_text("Katrin Vogel, CEO confirmed")).to_be_visible()
    expect(page.get_by_text("Katrin Vogel, CEO marked done")).to_be_visible()
    page.goto(f"{base}/space/customers/{customer.pk}/")
    row = page.locator("tr", has_text="Trucks wait 40 minutes at gate 3")
    expect(row).to_contain_text("Trucks queue at the Bremen gate")  # side by side
    row.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Problem: Trucks wait 40 minutes at gate 3")).to_be_visible()
    expect(
        page.get_by_text("Confirmed by Katrin Vogel, CEO, in the shared space on")
    ).to_be_visible()
    assert understanding_points(customer) > before


@pytest.fixture
def demo(transactional_db) -> None:
    call_command("seed_demo", verbosity=0)


@pytest.fixture
def axe_page(page: Page) -> Page:
    page.context.add_init_script(path=str(AXE))
    return page


def test_the_space_pages_have_no_serious_accessibility_violations(live_server, axe_page, demo):
    nordwind = Customer.objects.get(name="Nordwind Logistics")
    sign_in_with_form(axe_page, live_server.url, "sales1")
    check_pages(axe_page, live_server.url, [f"/space/customers/{nordwind.pk}/"])
    katrin = Guest.objects.get(space__customer=nordwind)
    guest = axe_page.context.browser.new_context()
    guest.add_init_script(path=str(AXE))
    guest_page = guest.new_page()
    guest_page.goto(f"{live_server.url}/shared/link/{guests.make_sign_in_token(katrin)}/")
    guest_page.get_by_role("button", name="Sign in").click()
    expect(guest_page.get_by_role("heading", name=re.compile("Shared space"))).to_be_visible()
    check_pages(guest_page, live_server.url, ["/shared/", "/shared/sign-in/"])
