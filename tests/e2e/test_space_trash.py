"""A step of the shared plan is deleted after a confirmation, listed in Recently deleted and
restored by the lead, in Chromium."""

import pytest
from playwright.sync_api import Page, expect

from space import services
from space.models import PlanStep
from tests.e2e.conftest import sign_in_with_form
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

STEP = "Send the gate data"


def test_the_lead_deletes_a_shared_step_after_confirming_and_restores_it(
    live_server, page: Page, actors
):
    customer = actors.customer_a
    space = services.open_space(customer, by=actors.sales_a)
    step = services.add_step(space, title=STEP, owner_user=actors.sales_a)
    sign_in_with_form(page, live_server.url, "sales_a", PASSWORD)
    page.goto(f"{live_server.url}/space/customers/{customer.pk}/")
    row = page.locator(f"#step-{step.pk}")
    expect(row).to_contain_text(STEP)

    dialog = page.locator("#confirm-dialog")
    delete = row.get_by_role("button", name=f"Delete the step {STEP}")
    delete.click()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(f"Delete the step “{STEP}”?")
    dialog.get_by_role("button", name="Keep it").click()
    expect(dialog).to_be_hidden()
    assert PlanStep.objects.filter(pk=step.pk).exists()

    delete.click()
    dialog.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("It is in Recently deleted")).to_be_visible()
    expect(page.locator(f"#step-{step.pk}")).to_have_count(0)
    assert not PlanStep.objects.filter(pk=step.pk).exists()

    page.goto(f"{live_server.url}/customers/{customer.pk}/trash/")
    trashed = page.get_by_role("row", name=STEP)
    expect(trashed).to_contain_text("Shared plan step")
    expect(trashed).to_contain_text(actors.sales_a.display_name)
    trashed.get_by_role("button", name="Restore").click()
    expect(page.get_by_text(f"Restored: {STEP}.")).to_be_visible()
    page.goto(f"{live_server.url}/space/customers/{customer.pk}/")
    expect(page.locator(f"#step-{step.pk}")).to_contain_text(STEP)
