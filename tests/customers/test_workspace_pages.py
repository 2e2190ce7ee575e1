import pytest
from django.test import Client
from django.urls import reverse

from customers.models import BusinessModel, Goal, Problem, Stakeholder
from solutions.models import Proposal
from tests import factories

PAGES = ["detail", "canvas", "goals", "processes", "stakeholders", "strategy", "team", "history"]


def populate(customer, n=1):
    """n of every kind of record, linked the way sales teams link them."""
    owner = customer.lead
    factories.BusinessModelFactory(customer=customer)
    boss = factories.StakeholderFactory(
        customer=customer, buying_role=Stakeholder.BuyingRole.DECISION_MAKER, owner=owner
    )
    for i in range(n):
        goal = factories.GoalFactory(customer=customer)
        process = factories.ProcessFactory(customer=customer)
        step = factories.ProcessStepFactory(process=process, position=1)
        factories.ProcessStepFactory(process=process, position=2)
        person = factories.StakeholderFactory(
            customer=customer, reports_to=boss, influence=4 if i % 2 else 2
        )
        person.influences.add(boss)
        problem = factories.ProblemFactory(
            customer=customer,
            severity=Problem.Severity.HIGH if i % 2 else Problem.Severity.CRITICAL,
            process_step=step,
            raised_by=person,
        )
        problem.blocks_goals.add(goal)
        factories.ProblemFactory(customer=customer)
        proposal = factories.ProposalFactory(customer=customer)
        proposal.problems.add(problem)
        factories.StrategicMoveFactory(customer=customer)
        factories.OptionFactory(customer=customer).serves_goals.add(goal)


@pytest.mark.parametrize("section", PAGES)
def test_every_workspace_page_renders_for_a_viewer(client, actors, section):
    populate(actors.customer_a, 2)
    client.force_login(actors.viewer_a)
    response = client.get(reverse(f"customers:{section}", args=[actors.customer_a.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("section", PAGES)
def test_outsider_gets_404_on_every_workspace_page(client, actors, section):
    client.force_login(actors.outsider)
    response = client.get(reverse(f"customers:{section}", args=[actors.customer_a.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("count", [20, 200])
def test_workspace_pages_run_a_fixed_number_of_queries(
    actors, django_assert_max_num_queries, count
):
    # One account populated once for all six pages (200 of everything takes 4,800 inserts);
    # each page gets a client of its own, as in a test of its own.
    populate(actors.customer_a, count)
    # Every page: session, user, MFA device check, customer with the caller's access, unread
    # notification count, session save in a savepoint (8). Then at most: overview = members,
    # goals, their open problems, severe problems, key people, moves, counts (7); goals =
    # goals, their problems, proposals, all problems, proposals (5); processes = processes,
    # steps, pain points (3); stakeholders = people, influences (2); strategy = moves,
    # options, goals (3); canvas = 1.
    for section in ["detail", "goals", "processes", "stakeholders", "strategy", "canvas"]:
        client = Client()
        client.force_login(actors.sales_a)
        url = reverse(f"customers:{section}", args=[actors.customer_a.pk])
        with django_assert_max_num_queries(16, info=f"the {section} page"):
            response = client.get(url)
        assert response.status_code == 200, section


def test_overview_shows_the_picture(client, actors):
    customer = actors.customer_a
    goal = factories.GoalFactory(customer=customer, title="Cut delivery time")
    problem = factories.ProblemFactory(
        customer=customer, title="Manual route planning", severity="critical"
    )
    problem.blocks_goals.add(goal)
    factories.StakeholderFactory(customer=customer, name="Dana Boss", buying_role="champion")
    factories.StrategicMoveFactory(customer=customer, title="Enter Poland")
    client.force_login(actors.spec_a)
    body = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    for text in ("Cut delivery time", "Manual route planning", "Dana Boss", "Enter Poland"):
        assert text in body
    assert "nobody owns this relationship" in body


def test_goals_page_flags_severe_problems_no_open_proposal_addresses(client, actors):
    customer = actors.customer_a
    covered = factories.ProblemFactory(customer=customer, title="Covered", severity="high")
    factories.ProblemFactory(customer=customer, title="Orphan", severity="critical")
    proposal = factories.ProposalFactory(customer=customer, title="Fix it")
    proposal.problems.add(covered)
    client.force_login(actors.sales_a)
    response = client.get(reverse("customers:goals", args=[customer.pk]))
    severe = response.context["severe"]
    assert {p.title: p.is_unaddressed for p in severe} == {"Covered": False, "Orphan": True}
    assert "No open proposal addresses this." in response.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).status == "draft"


def test_stakeholder_map_flags_gaps(client, actors):
    customer = actors.customer_a
    factories.StakeholderFactory(customer=customer, name="Key Person", influence=5)
    client.force_login(actors.sales_a)
    gaps = client.get(reverse("customers:stakeholders", args=[customer.pk])).context["map"].gaps
    assert "No decision maker identified." in gaps
    assert "No champion identified." in gaps
    assert any("Key Person" in g for g in gaps)


def test_org_chart_nests_reports(client, actors):
    customer = actors.customer_a
    ceo = factories.StakeholderFactory(customer=customer, name="Ceo")
    cfo = factories.StakeholderFactory(customer=customer, name="Cfo", reports_to=ceo)
    factories.StakeholderFactory(customer=customer, name="Controller", reports_to=cfo)
    client.force_login(actors.sales_a)
    chart = client.get(reverse("customers:stakeholders", args=[customer.pk])).context["map"]
    assert [n.person.name for n in chart.org_chart] == ["Ceo"]
    assert chart.org_chart[0].reports[0].reports[0].person.name == "Controller"


def test_canvas_page_shows_an_empty_canvas_before_the_first_save(client, actors):
    client.force_login(actors.sales_a)
    response = client.get(reverse("customers:canvas", args=[actors.customer_a.pk]))
    assert response.status_code == 200
    assert len(response.context["boxes"]) == 9
    assert not BusinessModel.objects.exists()
    assert not Goal.objects.exists()
