"""The prep brief: its sections, its fixed query count, its evening schedule, its email."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import translation

from customers.models import Problem, Stakeholder
from dialogue.models import PlannedMeeting
from insights.models import AccountSummary, PrepBrief
from insights.prep import (
    build_prep_brief,
    prepare_due_briefs,
    present_brief,
    refresh_prep_briefs,
)
from solutions.models import Proposal
from tests import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)


def days_ago(days: int) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


@pytest.fixture
def planned(actors) -> PlannedMeeting:
    """A meeting tomorrow with Greta (a decision maker met 100 days ago) and Olaf (never met)."""
    customer = actors.customer_a
    greta = factories.StakeholderFactory(
        customer=customer,
        name="Greta Hansen",
        buying_role=Stakeholder.BuyingRole.DECISION_MAKER,
        owner=actors.sales_a,
    )
    olaf = factories.StakeholderFactory(customer=customer, name="Olaf Berg")
    plan = factories.PlannedMeetingFactory(
        customer=customer, title="Fuel review", starts_at=NOW + dt.timedelta(days=1)
    )
    plan.stakeholders.add(greta, olaf)
    plan.internal_attendees.add(actors.spec_a)
    return plan


def seed_history(plan: PlannedMeeting, actors) -> None:
    customer = plan.customer
    greta = plan.stakeholders.get(name="Greta Hansen")
    for days, words in ((100, "Bunker prices kill our margin."), (120, "We need visibility.")):
        meeting = factories.MeetingFactory(
            customer=customer, occurred_at=days_ago(days), customer_said=words
        )
        meeting.stakeholders.add(greta)
    problem = factories.ProblemFactory(
        customer=customer, title="No fuel data per vessel", raised_by=greta, confirmed=True
    )
    factories.ProblemFactory(
        customer=customer, title="Solved one", raised_by=greta, status="solved"
    )
    factories.GoalFactory(customer=customer, title="Cut fuel costs", confirmed=False)
    factories.ActionItemFactory(
        customer=customer,
        description="Send the case study",
        meeting=meeting,
        due_on=NOW.date() - dt.timedelta(days=3),
    )
    factories.ActionItemFactory(
        customer=customer,
        description="Book the pilot",
        meeting=meeting,
        due_on=NOW.date() + dt.timedelta(days=3),
    )
    proposal = factories.ProposalFactory(
        customer=customer, title="Fuel monitoring", status=Proposal.Status.IN_REVIEW
    )
    proposal.problems.add(problem)
    factories.ContributionFactory(proposal=proposal, specialist=actors.spec_a)
    AccountSummary.objects.create(
        customer=customer,
        number=1,
        source_data_version=1,
        content={},
        changes=["New problem: No fuel data per vessel"],
        markdown="",
        html="",
        content_hash="x",
        built_at=days_ago(1),
    )


def test_every_section_with_data(planned, actors):
    seed_history(planned, actors)
    # Worded in English whatever language an earlier test in this process left active.
    with translation.override("en"):
        content = present_brief(build_prep_brief(planned.pk, now=NOW).content)
    greta, olaf = content["attendees"]
    assert (greta["name"], greta["role"], greta["owner"]) == (
        "Greta Hansen",
        "Decision maker",
        actors.sales_a.display_name,
    )
    assert greta["last_met"] == days_ago(100).date()
    assert [w["text"] for w in greta["words"]] == [
        "Bunker prices kill our margin.",
        "We need visibility.",
    ]
    assert greta["words"][0]["url"].startswith("/dialogue/meetings/")
    assert (greta["attitude"], content["problems"][0]["severity"]) == ("Neutral", "Medium")
    assert content["proposals"][0]["status"] == "In review"
    assert olaf["last_met"] is None
    assert [p["title"] for p in content["problems"]] == ["No fuel data per vessel"]
    assert any(
        "Cut fuel costs" in q["text"] and q["text"].endswith("?") for q in content["questions"]
    )
    assert not any("No fuel data" in q["text"] for q in content["questions"])  # confirmed
    assert [s["text"] for s in content["next_steps"]] == ["Send the case study", "Book the pilot"]
    assert content["next_steps"][0]["overdue"] is True
    assert content["proposals"][0]["title"] == "Fuel monitoring"
    assert content["proposals"][0]["specialists"] == [actors.spec_a.display_name]
    assert content["changes"] == ["New problem: No fuel data per vessel"]
    assert content["gaps"] == [
        "No meeting with a decision maker in 90 days.",
        "No champion recorded among the stakeholders.",
    ]


def test_every_section_without_data(actors):
    plan = factories.PlannedMeetingFactory(customer=actors.customer_a)
    content = build_prep_brief(plan.pk, now=NOW).content
    for section in ("attendees", "problems", "questions", "next_steps", "proposals", "changes"):
        assert content[section] == []
    assert len(content["gaps"]) == 2


def test_query_count_is_the_same_on_a_normal_and_a_hot_account(
    planned, actors, django_assert_num_queries
):
    seed_history(planned, actors)
    build_prep_brief(planned.pk, now=NOW)  # measured below: the rebuild, as on every change
    # The savepoint; the plan with its attendees (and their owners), our attendees, goals and
    # problems (6); open problems; the attendees' last meetings; unconfirmed goals; unconfirmed
    # problems; next steps; proposals and their contributions (2); summaries' changes;
    # coverage; the brief's upsert (savepoint, select, update, release); the release.
    with django_assert_num_queries(21):
        build_prep_brief(planned.pk, now=NOW)
    customer = planned.customer
    greta = planned.stakeholders.get(name="Greta Hansen")
    for i in range(30):  # a hot account: many meetings, problems, steps and proposals
        meeting = factories.MeetingFactory(
            customer=customer, occurred_at=days_ago(i + 2), customer_said=f"Words {i}"
        )
        meeting.stakeholders.add(greta, *planned.stakeholders.exclude(pk=greta.pk))
        problem = factories.ProblemFactory(customer=customer, raised_by=greta)
        factories.ActionItemFactory(customer=customer, meeting=meeting)
        proposal = factories.ProposalFactory(customer=customer)
        proposal.problems.add(problem)
        factories.ContributionFactory(proposal=proposal)
    with django_assert_num_queries(21):
        content = build_prep_brief(planned.pk, now=NOW).content
    assert len(content["attendees"][0]["words"]) == 3


def test_the_page_shows_the_stored_brief_and_others_get_404(client, planned, actors):
    seed_history(planned, actors)
    url = reverse("insights:prep-brief", args=[planned.pk])
    client.force_login(actors.sales_a)
    assert "built the evening before" in client.get(url).content.decode()
    client.post(reverse("insights:build-prep-brief", args=[planned.pk]))
    body = client.get(url).content.decode()
    assert "Bunker prices kill our margin." in body
    assert "No fuel data per vessel" in body
    fragment = client.get(url, {"part": "body"}).content.decode()
    assert "<html" not in fragment
    assert "Bunker prices" in fragment
    client.force_login(actors.sales_b)
    assert client.get(url).status_code == 404
    assert client.post(reverse("insights:build-prep-brief", args=[planned.pk])).status_code == 404
    client.force_login(actors.viewer_a)
    assert client.get(url).status_code == 200
    assert client.post(reverse("insights:build-prep-brief", args=[planned.pk])).status_code == 403


def test_the_brief_goes_out_at_six_the_evening_before_in_the_zone(planned, actors, settings):
    settings.TIME_ZONE = "America/New_York"
    zone = zoneinfo.ZoneInfo("America/New_York")
    planned.starts_at = dt.datetime(2026, 6, 16, 9, 0, tzinfo=zone)
    planned.save()
    with time_machine.travel(dt.datetime(2026, 6, 15, 17, 59, tzinfo=zone), tick=False):
        assert prepare_due_briefs() == 0
    assert not PrepBrief.objects.exists()
    with time_machine.travel(dt.datetime(2026, 6, 15, 18, 0, tzinfo=zone), tick=False):
        assert prepare_due_briefs() == 2  # the owner and the specialist attending
        assert prepare_due_briefs() == 0  # a second run sends nothing again
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([actors.sales_a.email, actors.spec_a.email])
    message = mail.outbox[0]
    assert "Fuel review" in message.subject
    assert "Greta Hansen" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Greta Hansen" in html


def test_an_attendee_who_lost_access_gets_no_email(planned, actors):
    planned.customer.memberships.filter(user=actors.spec_a).delete()
    with time_machine.travel(NOW + dt.timedelta(hours=7), tick=False):
        prepare_due_briefs()
    assert [m.to[0] for m in mail.outbox] == [actors.sales_a.email]


def test_an_account_change_rebuilds_briefs_of_coming_meetings(planned, actors):
    build_prep_brief(planned.pk, now=NOW)
    factories.ProblemFactory(
        customer=planned.customer,
        title="Fresh worry",
        raised_by=planned.stakeholders.get(name="Olaf Berg"),
    )
    with time_machine.travel(NOW, tick=False):
        assert refresh_prep_briefs(planned.customer_id) == 1
    titles = [p["title"] for p in PrepBrief.objects.get().content["problems"]]
    assert titles == ["Fresh worry"]
    assert Problem.objects.count() == 1


@pytest.mark.parametrize(
    ("zone_name", "starts", "due"),
    [
        # 09:00 in Berlin on the 16th: due 18:00 Berlin on the 15th (16:00 UTC, summer time).
        ("Europe/Berlin", (2026, 6, 16, 9, 0), dt.datetime(2026, 6, 15, 16, 0, tzinfo=dt.UTC)),
        # 09:00 in New York on the 16th: due 18:00 New York on the 15th (22:00 UTC).
        ("America/New_York", (2026, 6, 16, 9, 0), dt.datetime(2026, 6, 15, 22, 0, tzinfo=dt.UTC)),
    ],
)
def test_the_evening_before_is_the_owners_evening_not_the_sites(
    planned, actors, settings, zone_name, starts, due
):
    settings.TIME_ZONE = "Asia/Tokyo"  # the site's zone must not matter
    actors.sales_a.time_zone = zone_name
    actors.sales_a.save()
    planned.starts_at = dt.datetime(*starts, tzinfo=zoneinfo.ZoneInfo(zone_name))
    planned.save()
    with time_machine.travel(due - dt.timedelta(minutes=1), tick=False):
        assert prepare_due_briefs() == 0
    assert not PrepBrief.objects.exists()
    with time_machine.travel(due, tick=False):
        assert prepare_due_briefs() == 2
    assert PrepBrief.objects.get().built_at == due


def test_a_german_attendee_gets_the_brief_in_german_in_their_zone(planned, actors):
    seed_history(planned, actors)
    actors.spec_a.language = "de"
    actors.spec_a.time_zone = "Europe/Berlin"
    actors.spec_a.save()
    actors.sales_a.language = "en"
    actors.sales_a.time_zone = "America/New_York"
    actors.sales_a.save()
    # 07:00 UTC on the 16th: 09:00 in Berlin, 03:00 in New York.
    planned.starts_at = dt.datetime(2026, 6, 16, 7, 0, tzinfo=dt.UTC)
    planned.save()
    with time_machine.travel(dt.datetime(2026, 6, 15, 23, 0, tzinfo=dt.UTC), tick=False):
        assert prepare_due_briefs() == 2
    by_recipient = {m.to[0]: m for m in mail.outbox}
    german = by_recipient[actors.spec_a.email]
    assert german.subject == "[Accord] Gesprächsvorbereitung: Fuel review"
    assert "Wer vom Kunden kommt" in german.body
    assert "Greta Hansen" in german.body
    assert "Ist „Cut fuel costs“ ein Ziel, auf das Sie hinarbeiten?" in german.body
    assert "16.06.2026, 09:00" in german.body
    html, mimetype = german.alternatives[0]
    assert mimetype == "text/html"
    assert "Wer vom Kunden kommt" in html
    assert "Ist „Cut fuel costs“" in html
    english = by_recipient[actors.sales_a.email]
    assert english.subject == "[Accord] Prep brief: Fuel review"
    assert "Who comes from the customer" in english.body
    assert "Is “Cut fuel costs” a goal you are working towards?" in english.body
    assert "16 Jun 2026, 03:00" in english.body
    assert "Wer vom Kunden" not in english.body


def make_hot(plan: PlannedMeeting, actors) -> None:
    """Many attendees on both sides, topics and meetings: what a busy account's plan holds."""
    customer = plan.customer
    for i in range(20):
        person = factories.StakeholderFactory(customer=customer, name=f"Person {i}")
        plan.stakeholders.add(person)
        meeting = factories.MeetingFactory(
            customer=customer, occurred_at=days_ago(i + 2), customer_said=f"Words {i}"
        )
        meeting.stakeholders.add(person)
        plan.problems.add(factories.ProblemFactory(customer=customer, raised_by=person))
        plan.goals.add(factories.GoalFactory(customer=customer))
    plan.internal_attendees.add(actors.sales_a2, actors.viewer_a)


@pytest.mark.parametrize("part", [None, "body"])
def test_the_brief_page_reads_a_fixed_number_of_queries(
    client, planned, actors, part, django_assert_num_queries
):
    seed_history(planned, actors)
    build_prep_brief(planned.pk, now=NOW)
    client.force_login(actors.sales_a)
    url = reverse("insights:prep-brief", args=[planned.pk])
    query = {"part": part} if part else {}
    client.get(url, query)  # the session's first request renews it; measured below
    # The session and user; the plan with its meeting; its attendees, goals and problems (4);
    # the customer with the user's access; the stored brief; the unread notifications' count
    # (the whole page only: the body fragment has no navigation bar).
    queries = 9 if part == "body" else 10
    with django_assert_num_queries(queries):
        assert "Greta Hansen" in client.get(url, query).content.decode()
    make_hot(planned, actors)
    build_prep_brief(planned.pk, now=NOW)
    with django_assert_num_queries(queries):
        assert "Person 19" in client.get(url, query).content.decode()


def test_the_stored_brief_is_worded_in_each_readers_language(client, planned, actors):
    seed_history(planned, actors)
    stored = build_prep_brief(planned.pk, now=NOW).content
    # Stored as values, not words: one brief serves readers of every language.
    assert {"kind": "goal", "title": "Cut fuel costs"}.items() <= stored["questions"][0].items()
    assert stored["gaps"][0] == {"role": "decision_maker", "days": 90}
    assert stored["attendees"][0]["role"] == "decision_maker"
    url = reverse("insights:prep-brief", args=[planned.pk])
    actors.spec_a.language = "de"
    actors.spec_a.save()
    client.force_login(actors.spec_a)
    german = client.get(url).content.decode()
    assert "Ist „Cut fuel costs“ ein Ziel, auf das Sie hinarbeiten?" in german
    assert "Seit 90 Tagen kein Termin mit einem Entscheider." in german
    assert "Greta Hansen</strong></a>, Head of Operations · Entscheider ·" in german
    assert f"zuletzt getroffen {days_ago(100):%d.%m.%Y}" in german
    client.force_login(actors.sales_a)
    english = client.get(url).content.decode()
    assert "Is “Cut fuel costs” a goal you are working towards?" in english
    assert "No meeting with a decision maker in 90 days." in english
    assert "Greta Hansen</strong></a>, Head of Operations · Decision maker ·" in english
