"""A contribution is deleted after a confirmation and restored from Recently deleted with its
discussion, in Chromium."""

import pytest
from playwright.sync_api import Page, expect

from solutions import services
from solutions.models import Contribution
from tests import factories
from tests.e2e.conftest import sign_in_with_form
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_lead_deletes_a_contribution_after_confirming_and_restores_it(
    live_server, page: Page, actors
):
    proposal = services.create_proposal(
        actors.customer_a, by=actors.sales_a, owner=actors.sales_a, title="Dock pilot"
    )
    actors.spec_a.area = factories.AreaFactory(name="Engineering")
    actors.spec_a.save(update_fields=["area"])
    contribution = services.request_contribution(
        proposal, by=actors.sales_a, specialist=actors.spec_a, request="Size the controls"
    )
    services.post_comment(
        proposal, author=actors.spec_a, body="Two weeks of work", contribution=contribution
    )
    sign_in_with_form(page, live_server.url, "sales_a", PASSWORD)
    page.goto(f"{live_server.url}/solutions/contributions/{contribution.pk}/")
    dialog = page.locator("#confirm-dialog")
    delete = page.get_by_role("button", name="Delete this contribution")
    delete.click()
    expect(dialog).to_contain_text("Delete this contribution to “Dock pilot”?")
    dialog.get_by_role("button", name="Keep it").click()
    assert Contribution.objects.filter(pk=contribution.pk).exists()

    delete.click()
    dialog.get_by_role("button", name="Delete this contribution").click()
    expect(page.get_by_text("The contribution was deleted.")).to_be_visible()
    expect(page.get_by_role("heading", name="Dock pilot", level=1)).to_be_visible()
    assert not Contribution.objects.filter(pk=contribution.pk).exists()

    page.goto(f"{live_server.url}/customers/{actors.customer_a.pk}/trash/")
    trashed = page.get_by_role("row", name="Contribution from")
    expect(trashed).to_contain_text(actors.sales_a.display_name)
    trashed.get_by_role("button", name="Restore").click()
    page.goto(f"{live_server.url}/solutions/contributions/{contribution.pk}/")
    expect(page.get_by_text("Two weeks of work")).to_be_visible()
