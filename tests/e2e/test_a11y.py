"""axe-core on every main page, as each role sees it: no serious or critical violations.

axe is vendored at static/vendor/axe/axe.min.js. The pages' CSP allows only our own scripts
with a nonce, so `page.add_script_tag(content=...)` would be blocked; the script is added as a
Playwright init script instead, which the browser injects outside the page's CSP (the same way
tests/e2e/test_xss.py installs its probe). The pages themselves are served unchanged.

The URLs are built from the seeded demo data (read-only ORM look-ups); each page is then loaded
in Chromium and checked as rendered, after its scripts ran.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import Page, expect

from customers.models import Customer
from dialogue.models import Meeting
from solutions.models import Contribution, Proposal
from tests import factories
from tests.e2e.conftest import PHONE, sign_in_with_form

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe" / "axe.min.js"
BLOCKING = {"serious", "critical"}
RUN_AXE = """async () => {
  // Page.evaluate has no timeout of its own: never wait on axe forever.
  const timeout = new Promise(
    (_, reject) => setTimeout(() => reject(new Error("axe timed out")), 30000)
  );
  const result = await Promise.race([axe.run(document, {resultTypes: ["violations"]}), timeout]);
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
  }));
}"""


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


@pytest.fixture
def axe_page(page: Page) -> Page:
    page.context.add_init_script(path=str(AXE))
    return page


def violations_on(page: Page, url: str) -> list[str]:
    response = page.goto(url)
    assert response is not None
    assert response.status == 200, url
    page.wait_for_load_state("networkidle")
    found = page.evaluate(RUN_AXE)
    return [
        f"{url}: {v['impact']} {v['id']} ({v['help']}) at {', '.join(v['nodes'])}"
        for v in found
        if v["impact"] in BLOCKING
    ]


def check_pages(page: Page, base: str, paths: list[str]) -> None:
    problems: list[str] = []
    for path in paths:
        problems += violations_on(page, base + path)
    assert problems == [], "\n".join(problems)


def account_pages(customer: Customer) -> list[str]:
    pk = customer.pk
    return [
        f"/customers/{pk}/",
        f"/customers/{pk}/canvas/",
        f"/customers/{pk}/goals/",
        f"/customers/{pk}/processes/",
        f"/customers/{pk}/stakeholders/",
        f"/customers/{pk}/strategy/",
        f"/customers/{pk}/team/",
        f"/customers/{pk}/history/",
        f"/dialogue/customers/{pk}/timeline/",
        f"/dialogue/customers/{pk}/meetings/new/",
        f"/solutions/customers/{pk}/proposals/",
        f"/insights/{pk}/summary/",
        f"/insights/{pk}/plan/",
        f"/health/customers/{pk}/",
    ]


def test_login_page_has_no_serious_violations(live_server, axe_page: Page):
    assert violations_on(axe_page, f"{live_server.url}/accounts/login/") == []


def test_salesperson_pages_have_no_serious_violations(live_server, axe_page: Page, demo):
    nordwind = Customer.objects.get(name="Nordwind Logistics")
    meeting = Meeting.objects.filter(customer=nordwind).first()
    proposal = Proposal.objects.get(title="Automated cross-dock sorting")
    sign_in_with_form(axe_page, live_server.url, "sales1")
    check_pages(
        axe_page,
        live_server.url,
        [
            "/",
            *account_pages(nordwind),
            f"/customers/{nordwind.pk}/audit/",
            f"/dialogue/meetings/{meeting.pk}/",
            "/dialogue/action-items/",
            "/search/?q=dock",
            "/search/?q=zzzznothing",
            f"/solutions/proposals/{proposal.pk}/",
            "/accounts/notifications/",
            "/health/",
            "/customers/new/",
            "/customers/import/",
            "/mailin/",
            # The demo's email on Nordwind: its page with the folded quote and attachment.
            f"/mailin/emails/{nordwind.inbound_emails.order_by('sent_at').first().pk}/",
        ],
    )


def test_specialist_pages_have_no_serious_violations(live_server, axe_page: Page, demo):
    request = Contribution.objects.filter(specialist__username="spec1").first()
    helix = Customer.objects.get(name="Helix Medical")
    sign_in_with_form(axe_page, live_server.url, "spec1")
    check_pages(
        axe_page,
        live_server.url,
        [
            "/",
            "/solutions/requests/",
            f"/solutions/contributions/{request.pk}/",
            f"/solutions/proposals/{request.proposal_id}/",
            f"/insights/{helix.pk}/plan/",
            "/accounts/notifications/",
            "/dialogue/action-items/",
        ],
    )


def test_manager_pages_have_no_serious_violations(live_server, axe_page: Page, demo):
    red = Customer.objects.filter(health_band="red").first()
    sign_in_with_form(axe_page, live_server.url, "manager1")
    check_pages(
        axe_page,
        live_server.url,
        [
            "/",
            "/health/",
            "/health/?band=red&sort=score",
            "/health/?band=green&industry=Nothing",
            f"/health/customers/{red.pk}/",
            *account_pages(red),
        ],
    )


def test_admin_home_has_no_serious_violations(live_server, axe_page: Page, demo):
    sign_in_with_form(axe_page, live_server.url, "admin")
    expect(axe_page.get_by_role("link", name="Administration: users, teams, areas")).to_be_visible()
    check_pages(axe_page, live_server.url, ["/", "/solutions/partners/"])


def test_empty_states_have_no_serious_violations(live_server, axe_page: Page, db):
    factories.UserFactory(username="newcomer")
    sign_in_with_form(axe_page, live_server.url, "newcomer", factories.PASSWORD)
    expect(axe_page.get_by_text("No accounts yet.")).to_be_visible()
    check_pages(
        axe_page,
        live_server.url,
        ["/", "/dialogue/action-items/", "/solutions/requests/", "/accounts/notifications/"],
    )


def test_security_pages_have_no_serious_violations(live_server, axe_page: Page, db):
    user = factories.UserFactory(username="careful")
    factories.ApiTokenFactory(user=user, name="nightly export")
    check_pages(
        axe_page,
        live_server.url,
        ["/accounts/password/reset/", "/accounts/password/reset/sent/"],
    )
    sign_in_with_form(axe_page, live_server.url, "careful", factories.PASSWORD)
    axe_page.goto(f"{live_server.url}/accounts/two-factor/")
    expect(axe_page.get_by_role("cell", name="nightly export")).to_be_visible()
    check_pages(axe_page, live_server.url, ["/accounts/two-factor/", "/accounts/password/"])


def test_phone_sized_pages_have_no_serious_violations(live_server, axe_page: Page, demo):
    nordwind = Customer.objects.get(name="Nordwind Logistics")
    axe_page.set_viewport_size(PHONE)
    sign_in_with_form(axe_page, live_server.url, "sales1")
    check_pages(
        axe_page,
        live_server.url,
        [
            "/",
            f"/customers/{nordwind.pk}/",
            f"/dialogue/customers/{nordwind.pk}/meetings/new/",
            "/dialogue/action-items/",
            "/health/",
        ],
    )


def test_the_axe_check_notices_a_violation(live_server, axe_page: Page):
    """Guards against a vacuous pass: an unlabelled field on our own origin is reported."""
    axe_page.goto(f"{live_server.url}/accounts/login/")
    axe_page.evaluate(
        "() => document.querySelector('main').insertAdjacentHTML('beforeend', "
        "'<input type=text id=unlabelled>')"
    )
    found = axe_page.evaluate(RUN_AXE)
    assert any(v["id"] == "label" and v["impact"] in BLOCKING for v in found)
