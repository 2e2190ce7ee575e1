"""Read views of account records, the duplicate-problem warning, delete from the read view."""

import pytest
from django.db import connection
from django.urls import reverse

from customers import queries
from customers.models import Goal, Problem
from tests import factories

pytestmark = pytest.mark.django_db


def record_url(record, kind: str) -> str:
    return reverse("customers:record", args=[record.customer_id, kind, record.pk])


def test_a_problem_reads_with_its_links_where_it_was_heard_and_who_confirmed_it(client, actors):
    customer = actors.customer_a
    goal = factories.GoalFactory(customer=customer, title="Cut empty kilometres")
    step = factories.ProcessStepFactory(process__customer=customer, name="Gate check-in")
    problem = factories.ProblemFactory(
        customer=customer, title="Trucks queue at the gate", process_step=step
    )
    problem.blocks_goals.add(goal)
    meeting = factories.MeetingFactory(customer=customer, title="Bremen gate review")
    meeting.problems.add(problem)
    proposal = factories.ProposalFactory(customer=customer, title="Slot booking")
    proposal.problems.add(problem)
    problem._history_user = actors.spec_a
    problem.confirmed = True
    problem.save()
    client.force_login(actors.viewer_a)
    response = client.get(record_url(problem, "problems"))
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        "Cut empty kilometres",
        "Gate check-in",
        "Bremen gate review",
        "Slot booking",
        "Where it was heard",
        actors.spec_a.display_name,
    ):
        assert text in body
    # A viewer reads: no Edit, no Delete.
    assert reverse("customers:edit-record", args=[customer.pk, "problems", problem.pk]) not in body
    assert "data-confirm=" not in body


def test_edit_is_the_secondary_action_and_delete_asks_first(client, actors):
    goal = factories.GoalFactory(customer=actors.customer_a)
    client.force_login(actors.sales_a)
    body = client.get(record_url(goal, "goals")).content.decode()
    edit = reverse("customers:edit-record", args=[goal.customer_id, "goals", goal.pk])
    delete = reverse("customers:delete-record", args=[goal.customer_id, "goals", goal.pk])
    assert edit in body
    assert body.index(edit) < body.index(delete)
    assert "data-confirm=" in body
    # The edit form no longer starts with (or holds) a delete.
    assert delete not in client.get(edit).content.decode()


def test_a_deleted_record_reads_as_404_and_outsiders_get_404(client, actors):
    goal = factories.GoalFactory(customer=actors.customer_a)
    client.force_login(actors.sales_b)
    assert client.get(record_url(goal, "goals")).status_code == 404
    client.force_login(actors.sales_a)
    delete = reverse("customers:delete-record", args=[goal.customer_id, "goals", goal.pk])
    assert client.post(delete).status_code == 302
    assert client.get(record_url(goal, "goals")).status_code == 404
    assert Goal._base_manager.get(pk=goal.pk).deleted_by == actors.sales_a


def test_the_read_view_runs_a_fixed_number_of_queries(
    client, actors, django_assert_max_num_queries
):
    customer = actors.customer_a
    problem = factories.ProblemFactory(customer=customer)
    client.force_login(actors.sales_a)
    for n in (1, 6):
        for _ in range(n):
            problem.blocks_goals.add(factories.GoalFactory(customer=customer))
            factories.MeetingFactory(customer=customer).problems.add(problem)
        # session, user, MFA, customer + access, problem, goals, step and raiser (select),
        # proposals, meetings, history, notifications, session save
        with django_assert_max_num_queries(15):
            assert client.get(record_url(problem, "problems")).status_code == 200


@pytest.mark.sqlite
def test_a_problem_close_to_an_open_one_warns_and_can_still_be_created(client, actors):
    customer = actors.customer_a
    existing = factories.ProblemFactory(customer=customer, title="Trucks queue at the Bremen gate")
    factories.ProblemFactory(customer=actors.customer_a2, title="Trucks queue at the Bremen gate!")
    client.force_login(actors.spec_a)
    url = reverse("customers:add-record", args=[customer.pk, "problems"])
    data = {"title": "Trucks queuing at Bremen gate", "severity": "high", "status": "open"}
    response = client.post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "already has" in body
    assert record_url(existing, "problems") in body
    assert 'value="Trucks queuing at Bremen gate"' in body  # what was typed is kept
    assert Problem.objects.filter(customer=customer).count() == 1
    response = client.post(url, {**data, "create_anyway": "1"})
    assert response.status_code == 302
    assert Problem.objects.filter(customer=customer).count() == 2


@pytest.mark.sqlite
def test_similar_problems_ignore_solved_deleted_and_unrelated_ones(actors):
    customer = actors.customer_a
    open_one = factories.ProblemFactory(customer=customer, title="Forklift batteries die early")
    factories.ProblemFactory(
        customer=customer, title="Forklift batteries die early", status="solved"
    )
    gone = factories.ProblemFactory(customer=customer, title="Forklift batteries die early")
    gone.soft_delete(by=actors.sales_a)
    factories.ProblemFactory(customer=customer, title="Invoices arrive late")
    found = queries.similar_open_problems(customer.pk, "forklift batteries dying early")
    assert found == [open_one]
    assert queries.similar_open_problems(customer.pk, "Customs paperwork") == []
    assert connection.vendor in {"postgresql", "sqlite"}


def test_the_home_page_offers_new_customer(client, actors):
    client.force_login(actors.sales_a)
    body = client.get(reverse("home")).content.decode()
    assert reverse("customers:create") in body
    client.force_login(actors.spec_a)
    assert reverse("customers:create") not in client.get(reverse("home")).content.decode()


def test_the_404_page_says_to_ask_the_accounts_lead(client, actors):
    client.force_login(actors.sales_b)
    response = client.get(reverse("customers:detail", args=[actors.customer_a.pk]))
    assert response.status_code == 404
    assert "ask the account" in response.content.decode()


def test_a_german_reader_sees_the_record_history_in_german(client, actors):
    goal = factories.GoalFactory(customer=actors.customer_a, title="Cut empty kilometres")
    goal.title = "Cut empty kilometres by half"
    goal.save()
    actors.sales_a.language = "de"
    actors.sales_a.save(update_fields=["language"])
    client.force_login(actors.sales_a)
    url = reverse("customers:record-history", args=[goal.customer_id, "goals", goal.pk])
    body = client.get(url).content.decode()
    assert "hat es angelegt" in body
    assert "hat es geändert" in body
    assert "created it" not in body
