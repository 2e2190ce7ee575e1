"""The three journeys of issue 11, in headless Chromium, from the login form onwards.

The demo data is seeded once per test; after that every step goes through the browser. The ORM
is only read for final assertions, and journey 1 runs a real Celery worker against Redis so the
account summary is rebuilt the way production does it.
"""

import csv
import datetime as dt
import io
import re
import time

import pytest

# See tests/insights/test_worker.py: importing DRF's views first breaks an import cycle that
# the in-process worker's start-up checks would otherwise hit.
import rest_framework.views  # noqa: F401
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from config.celery import app as celery_app
from customers.models import Customer, Problem
from dialogue.models import ActionItem, Meeting
from health.models import ScoreAnnotation
from solutions.models import Comment, Contribution
from tests.e2e.conftest import sign_in_with_form, sign_out

pytestmark = pytest.mark.django_db(transaction=True)

MEETING = "Bremen gate review with Katrin and Lars"
NEW_PROBLEM = "Trucks queue at the Bremen gate every morning"
NEXT_STEP = "Send the gate-scheduling case study to Lars"
GOAL = "Cut empty kilometres by 15%"


@pytest.fixture
def demo(transactional_db):
    """The demo data, built eagerly (as `make run` does), then an empty queue."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        call_command("seed_demo", verbosity=0)
    finally:
        celery_app.conf.task_always_eager = previous
    if settings.REDIS_URL:
        celery_app.control.purge()
    yield
    if settings.REDIS_URL:
        celery_app.control.purge()


@pytest.mark.worker
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (CI always sets it)")
def test_salesperson_logs_a_meeting_and_finds_it_everywhere(live_server, page: Page, demo):
    base = live_server.url
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        sign_in_with_form(page, base, "sales1")
        expect(page.get_by_role("heading", name="My accounts", level=1)).to_be_visible()
        page.get_by_role("table").get_by_role("link", name="Nordwind Logistics").click()
        expect(page.get_by_role("heading", name="Nordwind Logistics", level=1)).to_be_visible()
        breadcrumb = page.get_by_role("navigation", name="Breadcrumb")
        expect(breadcrumb.get_by_role("link", name="My accounts")).to_be_visible()

        tabs = page.get_by_role("navigation", name="Account sections")
        tabs.get_by_role("link", name="Timeline").click()
        page.get_by_role("link", name="Log a meeting").click()
        expect(page.get_by_role("heading", name=re.compile("Log a meeting"))).to_be_visible()

        # The demo's records were stamped a moment ago; a meeting "in a few minutes" sorts
        # above them on the timeline's first page, as a freshly logged meeting does for real.
        soon = timezone.localtime() + dt.timedelta(minutes=5)
        page.get_by_label("When").fill(soon.strftime("%Y-%m-%dT%H:%M"))
        page.get_by_label("Title").fill(MEETING)
        page.get_by_label("Visit").check()
        search = page.get_by_label("Customer attendees: type a name")
        for name in ("Katrin Vogel", "Lars Petersen"):
            search.fill(name.split()[0])
            # Wait for this name's matches, not the full list shown on focus.
            expect(page.locator("#stakeholder-options .picker-option").first).to_contain_text(name)
            search.press("Enter")
            expect(page.locator("[data-picker-chosen]")).to_contain_text(name)
        page.get_by_label("What the customer said").fill(
            "“Every morning twenty trucks queue at the Bremen gate.”"
        )
        page.get_by_role("group", name="Goals discussed").get_by_label(GOAL).check()
        page.get_by_text("A new problem came up").click()
        page.get_by_label("New problem").fill(NEW_PROBLEM)
        page.get_by_label("Severity").select_option("high")
        page.get_by_role("group", name="Goals it blocks").get_by_label(GOAL).check()
        page.get_by_label("Next step").first.fill(NEXT_STEP)
        page.get_by_label("Due").first.fill("2027-01-15")
        page.get_by_role("button", name="Save meeting").click()

        expect(page.get_by_role("heading", name=MEETING)).to_be_visible()
        expect(page.get_by_text(NEXT_STEP, exact=True)).to_be_visible()

        # On the timeline.
        page.get_by_role("navigation", name="Account sections").get_by_role(
            "link", name="Timeline"
        ).click()
        timeline = page.get_by_role("list", name="Account history, newest first")
        expect(timeline.get_by_role("link", name=MEETING)).to_be_visible()
        expect(timeline.get_by_text(NEW_PROBLEM).first).to_be_visible()
        expect(timeline.get_by_text(NEXT_STEP).first).to_be_visible()

        # In the problem tree, under the goal it blocks.
        page.get_by_role("navigation", name="Account sections").get_by_role(
            "link", name="Goals & problems"
        ).click()
        goal = page.get_by_role("region", name=re.compile(re.escape(GOAL)))
        expect(goal.get_by_role("link", name=NEW_PROBLEM)).to_be_visible()

        # In my action items.
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Action items").click()
        expect(page.get_by_role("heading", name="My action items")).to_be_visible()
        expect(page.get_by_text(NEXT_STEP, exact=True)).to_be_visible()

        # In the account summary, rebuilt by the worker after the meeting was saved.
        page.get_by_role("navigation", name="Main").get_by_role("link", name="My accounts").click()
        page.get_by_role("table").get_by_role("link", name="Nordwind Logistics").click()
        page.get_by_role("navigation", name="Account sections").get_by_role(
            "link", name="Summary"
        ).click()
        summary = page.locator("article.summary-doc")
        deadline = time.monotonic() + 30
        while MEETING not in (summary.text_content() or "") and time.monotonic() < deadline:
            page.wait_for_timeout(1000)
            page.reload()
        expect(summary).to_contain_text(MEETING)
        expect(summary).to_contain_text(NEW_PROBLEM)
        expect(summary).to_contain_text(NEXT_STEP)

    meeting = Meeting.objects.get(title=MEETING)
    assert sorted(s.name for s in meeting.stakeholders.all()) == ["Katrin Vogel", "Lars Petersen"]
    assert [g.title for g in meeting.goals.all()] == [GOAL]
    problem = Problem.objects.get(title=NEW_PROBLEM)
    assert [g.title for g in problem.blocks_goals.all()] == [GOAL]
    assert ActionItem.objects.get(description=NEXT_STEP).owner.username == "sales1"


def test_specialist_answers_a_request_and_the_salesperson_replies(live_server, page: Page, demo):
    base = live_server.url
    sign_in_with_form(page, base, "spec1")
    home_requests = page.get_by_role("region", name="Requests for me")
    expect(home_requests.get_by_role("link", name="Automated cross-dock sorting")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Requests for me").click()
    request = page.locator("li.request", has_text="Automated cross-dock sorting")
    request.get_by_role("button", name="Accept").click()
    expect(request.get_by_text("In progress")).to_be_visible()
    request.get_by_role("link", name="Write your contribution").click()

    page.get_by_label("What the contribution adds").fill(
        "Controls retrofit: two PLCs and a new scanner gate; integration with the TMS via its API."
    )
    page.get_by_label("Effort (days)").fill("15")
    page.get_by_role("button", name="Save contribution").click()
    expect(page.get_by_text("Contribution saved.")).to_be_visible()

    page.get_by_label(re.compile(r"^Comment")).fill(
        "@sales1 the controls part is sized: 15 days, see my contribution."
    )
    page.get_by_role("button", name="Post comment").click()
    thread = page.locator("section.comments")
    expect(thread.locator("article.comment", has_text="the controls part is sized")).to_be_visible()
    sign_out(page)

    sign_in_with_form(page, base, "sales1")
    badge = page.locator(".usermenu .badge")
    expect(badge).to_have_text(re.compile(r"^[1-9]\d*$"))
    badge.click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    mention = page.locator("li.notification.unread", has_text="mentioned you")
    expect(mention.first).to_contain_text("Automated cross-dock sorting")
    mention.first.get_by_role("button", name="mentioned you").click()
    comment = page.locator("article.comment", has_text="the controls part is sized")
    expect(comment).to_be_visible()

    entry = page.locator("ol.thread > li", has=comment)
    entry.locator("summary", has_text="Reply").click()
    entry.get_by_label("Reply to Priya Raman").fill("Thanks Priya, I will put it in the quote.")
    entry.get_by_role("button", name="Reply", exact=True).click()
    expect(page.locator("article.comment", has_text="I will put it in the quote")).to_be_visible()

    contribution = Contribution.objects.get(
        proposal__title="Automated cross-dock sorting", specialist__username="spec1"
    )
    assert contribution.description.startswith("Controls retrofit")
    reply = Comment.objects.get(body="Thanks Priya, I will put it in the quote.")
    assert reply.author.username == "sales1"
    assert reply.parent is not None
    assert "the controls part is sized" in reply.parent.body


def test_manager_reviews_health_annotates_and_exports_red_accounts(live_server, page: Page, demo):
    base = live_server.url
    # The demo's manager1 reads Accord in German (README, "Demo users").
    sign_in_with_form(page, base, "manager1")
    expect(page.get_by_role("heading", name="Teamübersicht", level=1)).to_be_visible()
    page.get_by_role("link", name="Health-Dashboard öffnen").click()
    expect(page.get_by_role("heading", name="Account-Health", level=1)).to_be_visible()

    table = page.locator("table.health-table")
    table.locator("thead").get_by_role("link", name="Health Score").click()
    expect(page).to_have_url(re.compile(r"sort=score"))
    expect(table.locator("tbody tr").first).to_contain_text("Rot")

    page.get_by_role("combobox", name="Ampel").select_option("red")
    page.get_by_role("button", name="Anwenden").click()
    expect(page).to_have_url(re.compile(r"band=red"))
    rows = table.locator("tbody tr")
    red_names = sorted(Customer.objects.filter(health_band="red").values_list("name", flat=True))
    expect(rows).to_have_count(len(red_names))
    for i in range(len(red_names)):
        expect(rows.nth(i)).to_contain_text("Rot")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV exportieren").click()
    download = download_info.value
    assert download.suggested_filename.startswith("account-health-")
    with open(download.path(), encoding="utf-8-sig") as exported_file:
        text = exported_file.read()
    exported = list(csv.reader(io.StringIO(text)))
    assert exported[0][:4] == ["Account", "Account-Verantwortlicher", "Health Score", "Ampel"]
    assert sorted(row[0] for row in exported[1:]) == red_names
    assert {row[3] for row in exported[1:]} == {"Rot"}

    rows.first.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Warum: die Bestandteile")).to_be_visible()
    expect(page.locator(".health-score .band")).to_have_text("Rot")
    account = page.get_by_role("heading", level=1).text_content()

    note = "Discussed with Sara: the overdue items are a handover gap, fixed next week."
    page.get_by_role("textbox", name=re.compile(r"^Kommentar")).fill(note)
    page.get_by_role("button", name="Kommentar hinzufügen").click()
    expect(page.locator("#score-history").get_by_text(note)).to_be_visible()

    annotation = ScoreAnnotation.objects.get(body=note)
    assert annotation.customer.name == account
    assert annotation.author.username == "manager1"
