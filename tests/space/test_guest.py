"""Guests: the emailed link, the guest session, and what guests do in their space."""

import datetime as dt

import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client, TestCase
from django.utils import timezone

from customers.models import Goal, Problem
from health.scoring import compute_health
from health.words import reason_texts
from space import events, guests, reminders, services
from space.models import Feedback, GuestSession, PlanStep, SpaceEvent
from space.tasks import send_step_reminders_task
from tests import factories
from tests.space.conftest import link_from_outbox, sign_in_as_guest

SIGN_IN = "/shared/sign-in/"


def ask_for_link(email: str, ip: str = "10.3.0.1"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return Client().post(SIGN_IN, {"email": email}, REMOTE_ADDR=ip)


# The link


def test_the_invitation_email_holds_a_link_that_signs_the_guest_in(shared, actors):
    (sent,) = mail.outbox
    assert sent.to == ["katrin@nordwind.example"]
    assert "\n" not in sent.subject
    assert actors.customer_a.name in sent.subject
    client = sign_in_as_guest(link_from_outbox())
    cookie = client.cookies[settings.SPACE_GUEST_COOKIE]
    assert cookie["path"] == "/shared/"
    assert cookie["httponly"]
    page = client.get("/shared/")
    assert page.status_code == 200
    assert "Cut empty kilometres by 15%" in page.content.decode()


def test_a_link_works_once(shared):
    link = link_from_outbox()
    sign_in_as_guest(link)
    assert Client().post(link).status_code == 400
    assert Client().get(link).status_code == 400


def test_a_link_expires_after_fifteen_minutes(shared):
    link = link_from_outbox()
    with time_machine.travel(dt.timedelta(minutes=15, seconds=5)):
        response = Client().post(link)
    assert response.status_code == 400
    assert "does not work" in response.content.decode()


def test_a_tampered_link_is_refused(shared):
    link = link_from_outbox()
    token = link.rstrip("/").rsplit("/", 1)[1]
    forged = link.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    assert Client().post(forged).status_code == 400
    assert Client().post("/shared/link/not-a-token/").status_code == 400


def test_a_revoked_guest_link_and_session_stop_working(shared, actors, guest_client):
    with TestCase.captureOnCommitCallbacks(execute=True):
        guests.request_sign_in_link(email="katrin@nordwind.example")
    link = link_from_outbox()
    guests.revoke_guest(shared.guest, by=actors.sales_a)
    assert Client().post(link).status_code == 400
    response = guest_client.get("/shared/")
    assert response.status_code == 302
    assert response["Location"] == SIGN_IN


def test_the_sign_in_answer_is_the_same_whether_the_address_is_invited(shared, isolated_cache):
    mail.outbox.clear()
    known = ask_for_link("KATRIN@nordwind.example")
    unknown = ask_for_link("nobody@example.com")
    assert known.status_code == unknown.status_code == 200
    assert known.content.decode().replace(
        known.cookies.get("csrftoken", "").__str__(), ""
    ) == unknown.content.decode().replace(unknown.cookies.get("csrftoken", "").__str__(), "")
    (sent,) = mail.outbox
    assert sent.to == ["katrin@nordwind.example"]


def test_link_requests_are_rate_limited(shared, isolated_cache):
    for _ in range(10):
        assert ask_for_link("someone@example.com").status_code == 200
    assert ask_for_link("someone@example.com").status_code == 429
    # Per address: three emails an hour, then nothing more (the answer does not change).
    mail.outbox.clear()
    for n in range(5):
        assert ask_for_link("katrin@nordwind.example", ip=f"10.4.0.{n}").status_code == 200
    assert len(mail.outbox) == 3


def test_the_guest_session_ends_after_the_idle_timeout(shared, guest_client):
    with time_machine.travel(dt.timedelta(seconds=settings.SPACE_GUEST_IDLE_SECONDS + 61)):
        response = guest_client.get("/shared/")
    assert response.status_code == 302
    assert GuestSession.objects.get().ended_at is not None


def test_access_expires_after_the_configured_time_without_activity(shared, guest_client):
    days = settings.SPACE_GUEST_EXPIRY_DAYS
    with time_machine.travel(dt.timedelta(days=days, minutes=1)):
        assert ask_for_link("katrin@nordwind.example").status_code == 200
        assert len(mail.outbox) == 1  # only the invitation: no new link


def test_signing_out_ends_the_session(shared, guest_client):
    assert guest_client.post("/shared/sign-out/").status_code == 302
    assert guest_client.get("/shared/").status_code == 302


# What guests say


def test_a_confirmation_records_provenance_and_moves_the_health_component(
    shared, guest_client, actors
):
    before = next(
        c
        for c in compute_health(actors.customer_a, now=timezone.now()).components
        if c.key == "understanding"
    )
    item = shared.space.items.get(goal=shared.goal)
    assert guest_client.post(f"/shared/items/{item.pk}/confirm/").status_code == 302
    shared.goal.refresh_from_db()
    assert shared.goal.confirmed
    assert shared.goal.source.startswith("Confirmed by Katrin Vogel, CEO, in the shared space on ")
    after = next(
        c
        for c in compute_health(actors.customer_a, now=timezone.now()).components
        if c.key == "understanding"
    )
    assert after.points > before.points
    assert any("confirmed by the customer" in reason for reason in reason_texts(after.reasons))
    event = SpaceEvent.objects.get(action=events.CONFIRMED)
    assert (event.actor, event.subject) == ("Katrin Vogel, CEO", shared.goal.title)


def test_a_confirmed_problem_feeds_problem_understanding_with_its_provenance(
    shared, guest_client, actors
):
    factories.GoalFactory(customer=actors.customer_a, title="Open the Poznan depot")

    def understanding():
        components = compute_health(actors.customer_a, now=timezone.now()).components
        return next(c for c in components if c.key == "understanding")

    before = understanding()
    item = shared.space.items.get(problem=shared.problem)
    assert guest_client.post(f"/shared/items/{item.pk}/confirm/").status_code == 302
    shared.problem.refresh_from_db()
    assert shared.problem.confirmed
    after = understanding()
    assert after.points > before.points
    assert any(
        reason.startswith("1 open problem confirmed by the customer (Confirmed by Katrin Vogel")
        and "in the shared space on" in reason
        for reason in reason_texts(after.reasons)
    ), reason_texts(after.reasons)


def test_a_correction_is_a_suggestion_until_the_lead_accepts_it(shared, guest_client, actors):
    item = shared.space.items.get(problem=shared.problem)
    response = guest_client.post(
        f"/shared/items/{item.pk}/correct/",
        {f"c{item.pk}-title": "Trucks wait 40 minutes at gate 3", f"c{item.pk}-text": "mornings"},
    )
    assert response.status_code == 302
    shared.problem.refresh_from_db()
    assert shared.problem.title == "Trucks queue at the Bremen gate"
    feedback = Feedback.objects.get(kind=Feedback.Kind.CORRECT)
    lead = Client()
    lead.force_login(actors.sales_a)
    page = lead.get(f"/space/customers/{actors.customer_a.pk}/").content.decode()
    # Side by side: our wording and theirs.
    assert "Trucks queue at the Bremen gate" in page
    assert "Trucks wait 40 minutes at gate 3" in page
    assert lead.post(f"/space/feedback/{feedback.pk}/accept/").status_code == 302
    shared.problem.refresh_from_db()
    assert shared.problem.title == "Trucks wait 40 minutes at gate 3"
    assert "Katrin Vogel" in shared.problem.source
    # Deciding twice changes nothing.
    assert lead.post(f"/space/feedback/{feedback.pk}/decline/").status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == Feedback.Status.ACCEPTED


def test_priority_irrelevance_and_own_goals_are_suggestions(shared, guest_client, actors):
    goal_item = shared.space.items.get(goal=shared.goal)
    guest_client.post(f"/shared/items/{goal_item.pk}/rank/", {f"r{goal_item.pk}-value": "1"})
    problem_item = shared.space.items.get(problem=shared.problem)
    guest_client.post(f"/shared/items/{problem_item.pk}/irrelevant/", {})
    guest_client.post("/shared/suggest/", {"kind": "new_goal", "title": "Open a Polish depot"})
    assert Feedback.objects.filter(status=Feedback.Status.PENDING).count() == 3
    shared.goal.refresh_from_db()
    assert shared.goal.priority == 2
    for feedback in Feedback.objects.all():
        services.decide_feedback(feedback, accept=True, by=actors.sales_a)
    shared.goal.refresh_from_db()
    shared.problem.refresh_from_db()
    assert shared.goal.priority == 1
    assert shared.problem.status == Problem.Status.PARKED
    new = Goal.objects.get(title="Open a Polish depot")
    assert new.confirmed
    assert new.customer_id == actors.customer_a.pk
    assert shared.space.items.filter(goal=new).exists()


def test_bad_guest_input_is_a_400_that_keeps_what_was_typed(shared, guest_client):
    item = shared.space.items.get(goal=shared.goal)
    response = guest_client.post(
        f"/shared/items/{item.pk}/correct/", {f"c{item.pk}-title": "line\nbreak"}
    )
    assert response.status_code == 400
    response = guest_client.post("/shared/suggest/", {"kind": "new_goal", "title": ""})
    assert response.status_code == 400
    response = guest_client.post(
        f"/shared/steps/{shared.step.pk}/", {f"s{shared.step.pk}-action": "date"}
    )
    assert response.status_code == 400
    assert "Choose a date" in response.content.decode()


def test_an_answer_with_errors_opens_its_item_with_the_error_and_what_was_typed(
    shared, guest_client
):
    item = shared.space.items.get(goal=shared.goal)
    response = guest_client.post(
        f"/shared/items/{item.pk}/correct/",
        {f"c{item.pk}-title": "", f"c{item.pk}-text": "Kept <text>"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert html.count("<details open>") == 1
    assert "This field is required." in html
    assert "Kept &lt;text&gt;</textarea>" in html
    response = guest_client.post(f"/shared/items/{item.pk}/rank/", {f"r{item.pk}-value": "9"})
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    problem = shared.space.items.get(problem=shared.problem)
    page = guest_client.get("/shared/").content.decode()
    assert "<details open>" not in page
    assert f'<select name="r{item.pk}-value" id="id_r{item.pk}-value"><option value="1">' in page
    assert f'name="r{problem.pk}-value" id="id_r{problem.pk}-value"><option value="low">' in page


# Steps


def test_guests_tick_comment_and_propose_dates(shared, guest_client, actors):
    prefix = f"s{shared.step.pk}"
    url = f"/shared/steps/{shared.step.pk}/"
    assert guest_client.post(url, {f"{prefix}-action": "done"}).status_code == 302
    assert (
        guest_client.post(
            url, {f"{prefix}-action": "comment", f"{prefix}-body": "Sent on Friday"}
        ).status_code
        == 302
    )
    assert (
        guest_client.post(
            url, {f"{prefix}-action": "date", f"{prefix}-due_on": "2027-02-01"}
        ).status_code
        == 302
    )
    shared.step.refresh_from_db()
    assert shared.step.status == PlanStep.Status.DONE
    assert shared.step.proposed_due_on == dt.date(2027, 2, 1)
    assert shared.step.comments.get().body == "Sent on Friday"
    timeline = Client()
    timeline.force_login(actors.sales_a)
    text = timeline.get(f"/dialogue/customers/{actors.customer_a.pk}/timeline/").content.decode()
    assert "Katrin Vogel, CEO marked done" in text
    assert "Katrin Vogel, CEO commented on" in text


def test_overdue_steps_get_one_reminder_per_period(shared, actors):
    mail.outbox.clear()
    PlanStep.objects.filter(pk=shared.step.pk).update(due_on=dt.date.today() - dt.timedelta(days=2))
    ours = services.add_step(
        shared.space,
        title="Price the gate sensors",
        owner_user=actors.sales_a,
        due_on=dt.date.today() - dt.timedelta(days=1),
    )
    assert send_step_reminders_task() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [actors.sales_a.email, "katrin@nordwind.example"]
    )
    assert send_step_reminders_task() == 0
    assert not reminders.remind_step_owner(ours.pk)
    with time_machine.travel(dt.timedelta(days=settings.SPACE_REMINDER_DAYS, minutes=1)):
        assert send_step_reminders_task() == 2


def test_reminders_are_written_in_each_recipients_language(shared, actors):
    """A colleague's reminder in their own language; a guest's in the inviting lead's."""
    mail.outbox.clear()
    actors.sales_a.language = "de"
    actors.sales_a.save(update_fields=["language"])
    actors.spec_a.language = "en"
    actors.spec_a.save(update_fields=["language"])
    overdue = dt.date.today() - dt.timedelta(days=2)
    PlanStep.objects.filter(pk=shared.step.pk).update(due_on=overdue)
    ours = services.add_step(
        shared.space, title="Price the sensors", owner_user=actors.spec_a, due_on=overdue
    )
    assert reminders.remind_step_owner(shared.step.pk)
    assert reminders.remind_step_owner(ours.pk)
    katrin, spec = mail.outbox
    assert katrin.to == ["katrin@nordwind.example"]  # invited by sales_a, who reads German
    assert katrin.subject == "Überfälliger Schritt: Send the gate data"
    assert "Der Schritt „Send the gate data“ des Plans mit" in katrin.body
    assert "Öffnen Sie den gemeinsamen Bereich" in katrin.body
    assert spec.to == [actors.spec_a.email]
    assert spec.subject == "Overdue step: Price the sensors"
    assert 'The step "Price the sensors" of the plan with' in spec.body
    # A German colleague's reminder is German too, and the guest's follows the lead's choice.
    actors.sales_a.language = "en"
    actors.sales_a.save(update_fields=["language"])
    actors.spec_a.language = "de"
    actors.spec_a.save(update_fields=["language"])
    PlanStep.objects.update(last_reminded_at=None)
    mail.outbox.clear()
    assert reminders.remind_step_owner(shared.step.pk)
    assert reminders.remind_step_owner(ours.pk)
    katrin, spec = mail.outbox
    assert katrin.subject == "Overdue step: Send the gate data"
    assert spec.subject == "Überfälliger Schritt: Price the sensors"


def test_the_guest_page_runs_a_fixed_number_of_queries(
    shared, guest_client, django_assert_max_num_queries, actors
):
    def grow() -> None:
        for n in range(4):
            goal = factories.GoalFactory(customer=actors.customer_a)
            factories.SharedItemFactory(space=shared.space, goal=goal)
            step = services.add_step(shared.space, title=f"Step {n}", owner_user=actors.sales_a)
            services.post_message(shared.space, body="hi", guest=shared.guest, step=step)
            services.post_message(shared.space, body="hello", user=actors.sales_a)
            factories.SharedProposalFactory(space=shared.space)

    # The guest session, the page's reads (items, milestones, steps, their comments,
    # proposals, the shared problems they solve, messages, the guest's own suggestions).
    with django_assert_max_num_queries(9) as small:
        assert guest_client.get("/shared/").status_code == 200
    grow()
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert guest_client.get("/shared/").status_code == 200
