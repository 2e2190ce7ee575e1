"""The lead's space page reads each list once, however many records the account has."""

from space import services
from tests import factories


def _grow(shared, actors, n: int) -> None:
    customer = actors.customer_a
    for i in range(n):
        factories.GoalFactory(customer=customer, title=f"Goal {i}")
        factories.ProblemFactory(customer=customer, title=f"Problem {i}")
        factories.ProposalFactory(customer=customer, title=f"Proposal {i}", owner=actors.sales_a)
        person = factories.StakeholderFactory(customer=customer, email=f"p{i}@example.com")
        services.add_step(shared.space, title=f"Step {i}", owner_stakeholder=person)


def test_the_lead_page_reads_each_choice_list_once(
    client, shared, actors, django_assert_max_num_queries
):
    client.force_login(actors.sales_a)
    url = f"/space/customers/{actors.customer_a.pk}/"
    client.get(url)
    with django_assert_max_num_queries(22) as small:
        page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    # The goals are listed by both the sharing form and the step form, from one read.
    assert html.count(shared.goal.title) >= 2
    goal_reads = [q for q in small.captured_queries if 'FROM "customers_goal"' in q["sql"]]
    assert len(goal_reads) == 1, [q["sql"][:120] for q in goal_reads]
    _grow(shared, actors, 5)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(url)
    assert "Proposal 4" in page.content.decode()
