import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("accord-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My accounts")).to_be_visible()


def test_spec1_answers_a_request_and_mentions_sales1_who_is_notified(live_server, page: Page, demo):
    base = live_server.url
    _sign_in(page, base, "spec1")

    page.get_by_role("link", name="Requests for me").click()
    request = page.locator("li.request", has_text="Automated cross-dock sorting")
    expect(request).to_be_visible()
    request.get_by_role("button", name="Accept").click()
    # The row is swapped in place: no reload, and it now offers to write the contribution.
    expect(request.get_by_text("In progress")).to_be_visible()
    request.get_by_role("link", name="Write your contribution").click()

    page.get_by_label("What the contribution adds").fill("Controls retrofit: two PLCs.")
    page.get_by_label("Effort (days)").fill("12")
    page.get_by_role("button", name="Save contribution").click()
    expect(page.get_by_text("Contribution saved.")).to_be_visible()

    page.get_by_label(re.compile(r"^Comment")).fill("@sales1 the controls are sized, see above.")
    url_before = page.url
    page.get_by_role("button", name="Post comment").click()
    thread = page.locator("section.comments")
    posted = thread.locator("article.comment", has_text="the controls are sized")
    expect(posted.get_by_role("paragraph")).to_have_text(
        "@sales1 the controls are sized, see above."
    )
    assert page.url == url_before
    expect(page.get_by_label(re.compile(r"^Comment"))).to_have_value("")

    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, base, "sales1")
    badge = page.locator(".usermenu .badge")
    expect(badge).to_have_text(re.compile(r"^[1-9]\d*$"))
    badge.click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    mention = page.locator("li.notification.unread", has_text="mentioned you")
    expect(mention).to_contain_text("Priya Raman mentioned you on “Automated cross-dock sorting”")
    mention.get_by_role("button", name="mentioned you").click()
    expect(page.locator("article.comment .prose")).to_contain_text("the controls are sized")
