import pytest

from accounts.models import Area
from solutions import services
from tests import factories


@pytest.fixture
def engineering(db) -> Area:
    return factories.AreaFactory(name="Engineering")


@pytest.fixture
def problem_a(actors):
    goal = factories.GoalFactory(customer=actors.customer_a, title="Grow exports")
    problem = factories.ProblemFactory(
        customer=actors.customer_a, title="Late deliveries", severity="high"
    )
    problem.blocks_goals.add(goal)
    return problem


@pytest.fixture
def proposal_a(actors, problem_a):
    return services.create_proposal(
        actors.customer_a,
        by=actors.sales_a,
        owner=actors.sales_a,
        title="Faster deliveries",
        summary="Solve *late deliveries*",
        problems=[problem_a],
    )


@pytest.fixture
def contribution_a(actors, proposal_a, engineering):
    actors.spec_a.area = engineering
    actors.spec_a.save(update_fields=["area"])
    return services.request_contribution(
        proposal_a, by=actors.sales_a, specialist=actors.spec_a, request="Size the controls"
    )
