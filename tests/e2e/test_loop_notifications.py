"""Browser tests of issue 17's loop: @mention autocomplete by keyboard with the warning on an
unknown mention, and the lead notified when their account turns red."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from accounts.models import Notification, User
from customers import services as customer_services
from customers.models import Customer, Goal
from dialogue.models import Meeting
from health.models import AccountHealth
from health.services import refresh_customer_health
from insights import summaries
from insights.models import AccountSummary
from solutions.models import Proposal
from tests.e2e.conftest import sign_in_with_form

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def test_mention_autocomplete_by_keyboard_and_unknown_mention_warning(
    live_server, page: Page, demo
):
    proposal = Proposal.objects.get(title="Automated cross-dock sorting")
    sign_in_with_form(page, live_server.url, "spec1")
    page.goto(f"{live_server.url}/solutions/proposals/{proposal.pk}/")
    box = page.get_by_label(re.compile(r"^Comment"))
    box.click()
    box.press_sequentially("Thanks @sa", delay=20)
    options = page.get_by_role("option")
    expect(options.first).to_contain_text("Sara Lindqvist")
    # Tomás (sales2) cannot see this account: never offered.
    expect(page.get_by_role("listbox")).not_to_contain_text("Tomás")
    box.press("ArrowDown")
    box.press("ArrowUp")
    box.press("Enter")
    expect(box).to_have_value("Thanks @sales1 ")
    expect(page.get_by_role("listbox")).to_be_hidden()
    box.press_sequentially("and @Tomas, see the sizing.", delay=20)
    warning = page.locator(".mention-warning")
    expect(warning).to_have_text("@Tomas matches nobody on this account")
    page.get_by_role("button", name="Post comment").click()
    # Posted anyway, and the page says again who was not reached.
    expect(page.locator("section.comments")).to_contain_text(
        "@Tomas matched nobody on this account"
    )
    expect(page.locator("article.comment", has_text="see the sizing")).to_be_visible()


def test_editing_a_meetings_notes_offers_mentions_and_tells_the_newly_mentioned(
    live_server, page: Page, demo
):
    # The demo's pilot scope call (Nordwind's newest entry is the filed email "Pilot kick-off
    # dates", whose notes are a multi-line mail body).
    meeting = Meeting.objects.get(customer__name="Nordwind Logistics", title="Pilot scope call")
    spec1 = User.objects.get(username="spec1")
    before = Notification.objects.filter(user=spec1, kind=Notification.Kind.MENTION).count()
    sign_in_with_form(page, live_server.url, "sales1")
    page.goto(f"{live_server.url}/dialogue/meetings/{meeting.pk}/edit/")
    notes = page.get_by_label(re.compile(r"^Notes"))
    notes.click()
    notes.press("Control+End")
    notes.press_sequentially(" Sizing: @pri", delay=20)
    expect(page.get_by_role("option").first).to_contain_text("Priya Raman")
    notes.press("Enter")
    expect(notes).to_have_value(re.compile(r"Sizing: @spec1 $"))
    notes.press_sequentially("and @Tomas.", delay=20)
    expect(page.locator(".mention-warning")).to_have_text("@Tomas matches nobody on this account")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("@Tomas matched nobody on this account")).to_be_visible()
    after = Notification.objects.filter(user=spec1, kind=Notification.Kind.MENTION).count()
    assert after == before + 1


def test_the_lead_is_notified_when_their_account_turns_red(live_server, page: Page, demo, settings):
    customer = Customer.objects.get(name="Nordwind Logistics")
    # Nordwind was green; stricter bands make today's refresh find it red.
    AccountHealth.objects.filter(customer=customer).update(band="green")
    Customer.objects.filter(pk=customer.pk).update(health_band="green")
    settings.HEALTH_GREEN_AT, settings.HEALTH_AMBER_AT = 102, 101
    result = refresh_customer_health(customer.pk)
    assert result.band == "red"

    sign_in_with_form(page, live_server.url, "sales1")
    badge = page.locator(".usermenu .badge")
    expect(badge).to_have_text(re.compile(r"^[1-9]\d*$"))
    badge.click()
    alert = page.locator("li.notification.unread", has_text="Nordwind Logistics turned red")
    expect(alert).to_be_visible()
    alert.get_by_role("button", name=re.compile("turned red")).click()
    expect(page).to_have_url(re.compile(rf"/health/customers/{customer.pk}/$"))


def test_the_diff_between_two_summary_versions_reads_as_rendered_text(
    live_server, page: Page, demo
):
    customer = Customer.objects.get(name="Nordwind Logistics")
    lead = customer.lead
    summaries.rebuild_summary(customer.pk)
    customer_services.create_record(
        Goal, customer=customer, by=lead, fields={"title": "Open a hub in Norway"}
    )
    summaries.rebuild_summary(customer.pk)
    newest = AccountSummary.objects.filter(customer=customer).order_by("-number").first()

    sign_in_with_form(page, live_server.url, "sales1")
    page.goto(
        f"{live_server.url}/insights/{customer.pk}/summary/diff/"
        f"?a={newest.number - 1}&b={newest.number}"
    )
    added = page.locator("section.diff-changed ins.diff-block", has_text="Open a hub in Norway")
    expect(added).to_be_visible()
    # Bold in the summary is bold on the page, not asterisks; no diff markers anywhere.
    expect(added.locator("strong", has_text="Open a hub in Norway")).to_be_visible()
    text = page.locator("main").inner_text()
    assert "**" not in text
    assert "@@" not in text
    # The sections the goal did not touch are folded away.
    expect(page.locator("section.diff-unchanged").first).to_be_visible()
