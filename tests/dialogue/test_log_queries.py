"""Logging a meeting costs a fixed number of statements (issue 24: at most 15, counting what
runs after the commit), whatever the account's size: choice lists read once, the account's
bookkeeping and the change feed's claim in one UPDATE, no session write (the saved page learns
which browser draft to clear from a one-minute cookie)."""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.forms_data import log_meeting_data
from customers import changes
from dialogue.models import Meeting
from tests import factories

POST_STATEMENTS = 15


def _statements(queries: list[dict]) -> list[str]:
    """What production runs: the test's transaction adds savepoints around atomic blocks."""
    return [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 40])
def test_logging_a_meeting_runs_15_statements_at_any_size(
    client, actors, size, monkeypatch, django_capture_on_commit_callbacks
):
    customer = actors.customer_a
    factories.StakeholderFactory.create_batch(size, customer=customer)
    factories.GoalFactory.create_batch(size, customer=customer)
    factories.ProblemFactory.create_batch(size, customer=customer)
    client.force_login(actors.sales_a)
    url = reverse("dialogue:log-meeting", args=[customer.pk])
    data = log_meeting_data(customer.pk, 1)
    told = []
    consumer = SimpleNamespace(apply_async=lambda **kw: told.append(kw["args"][0]))
    monkeypatch.setattr(changes, "consumers", lambda: [consumer])
    # Session, user, customer with access, the four choice lists; the meeting and its history
    # row, its four lists of links, its next step; the account's UPDATE (data version,
    # last_meeting_at and the change feed's claim). After the commit, no statement.
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(url, data)
    assert response.status_code == 302
    statements = _statements(queries.captured_queries)
    assert len(statements) == POST_STATEMENTS, "\n".join(s[:120] for s in statements)
    assert told == [customer.pk]
    assert not any("django_session" in s and s.startswith("UPDATE") for s in statements)
    meeting = Meeting.objects.get(title=data["meeting-title"])
    assert set(meeting.stakeholders.values_list("pk", flat=True)) == set(
        data["meeting-stakeholders"]
    )
    assert meeting.action_items.get().owner_id == actors.sales_a.pk
    customer.refresh_from_db()
    assert customer.last_meeting_at == meeting.occurred_at
    # The saved page tells the browser which draft to forget, once.
    detail = client.get(response.url).content.decode()
    assert 'name="accord-clear-draft"' in detail
    assert 'name="accord-clear-draft"' not in client.get(response.url).content.decode()


@pytest.mark.django_db
def test_a_choice_from_another_account_is_refused_without_a_500(client, actors):
    customer = actors.customer_a
    factories.StakeholderFactory(customer=customer)
    elsewhere = factories.StakeholderFactory(customer=actors.customer_b)
    client.force_login(actors.sales_a)
    data = {**log_meeting_data(customer.pk, 2), "meeting-stakeholders": [elsewhere.pk, "x"]}
    response = client.post(reverse("dialogue:log-meeting", args=[customer.pk]), data)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Meeting.objects.filter(title=data["meeting-title"]).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 30])
def test_the_log_page_reads_each_choice_list_once_at_any_size(
    client, actors, size, django_assert_max_num_queries
):
    customer = actors.customer_a
    factories.StakeholderFactory.create_batch(size, customer=customer)
    factories.GoalFactory.create_batch(size, customer=customer)
    factories.ProblemFactory.create_batch(size, customer=customer)
    factories.MeetingFactory.create_batch(size, customer=customer)
    client.force_login(actors.sales_a)
    url = reverse("dialogue:log-meeting", args=[customer.pk])
    # Session, user, customer with access, last meeting, unread notifications, and the four
    # choice lists (stakeholders, colleagues, goals, problems), each shared by every field
    # and row of the page that lists it.
    with django_assert_max_num_queries(9):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('name="meeting-goals"') == size
    assert html.count('name="new_problem-0-blocks_goals"') == size


@pytest.mark.django_db
def test_the_attendee_list_reads_only_what_its_options_show(client, actors):
    customer = actors.customer_a
    ada = factories.StakeholderFactory(customer=customer, name="Ada", title="CTO")
    client.force_login(actors.sales_a)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dialogue:log-meeting", args=[customer.pk]))
    [sql] = [
        q["sql"] for q in queries.captured_queries if 'FROM "customers_stakeholder"' in q["sql"]
    ]
    # A large account lists a few hundred stakeholders: their notes and contacts stay unread.
    assert '"customers_stakeholder"."email"' not in sql
    assert f'<option value="{ada.pk}">Ada — CTO</option>' in response.content.decode()
