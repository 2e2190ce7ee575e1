"""The lead's space page costs the same however many records the account has: the forms that
list the account's goals, problems, proposals and people are read when opened, and the plan is
shown a page at a time."""

import pytest

from space import services
from space.queries import STEPS_PER_PAGE
from tests import factories

HTMX = {"HTTP_HX_REQUEST": "true"}


def _grow(shared, actors, n: int) -> None:
    customer = actors.customer_a
    for i in range(n):
        factories.GoalFactory(customer=customer, title=f"Goal {i}")
        factories.ProblemFactory(customer=customer, title=f"Problem {i}")
        factories.ProposalFactory(customer=customer, title=f"Proposal {i}", owner=actors.sales_a)
        person = factories.StakeholderFactory(
            customer=customer, name=f"Person {i}", email=f"p{i}@example.com"
        )
        services.add_step(shared.space, title=f"Step {i}", owner_stakeholder=person)


def _url(actors) -> str:
    return f"/space/customers/{actors.customer_a.pk}/"


def test_the_lead_page_runs_at_most_15_queries_however_large_the_account(
    client, shared, actors, django_assert_num_queries
):
    client.force_login(actors.sales_a)
    client.get(_url(actors))
    # session, user, customer and access, space, shared goals and problems, steps (one page),
    # their comments, milestones, shared proposals, messages, guests, pending feedback,
    # events, the shared proposals' problems, the unread count
    with django_assert_num_queries(15):
        page = client.get(_url(actors))
    html = page.content.decode()
    assert shared.goal.title in html
    # The sharing form's choices are not on the page: read when the lead opens the form.
    assert 'name="goals"' not in html
    assert f"{_url(actors)}?form=share" in html
    _grow(shared, actors, STEPS_PER_PAGE + 5)
    with django_assert_num_queries(15):
        page = client.get(_url(actors))
    assert "Proposal 4" not in page.content.decode()


@pytest.mark.parametrize(
    ("name", "listed"),
    [
        ("share", "Goal 4"),
        ("step", "Proposal 4"),
        ("proposal", "Proposal 4"),
        ("invite", "Person 4"),
    ],
)
def test_each_form_lists_the_accounts_records_when_opened(
    client, shared, actors, django_assert_max_num_queries, name, listed
):
    client.force_login(actors.sales_a)
    url = f"{_url(actors)}?form={name}"
    with django_assert_max_num_queries(9) as small:
        fragment = client.get(url, **HTMX)
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    _grow(shared, actors, 5)
    with django_assert_max_num_queries(len(small.captured_queries)):
        fragment = client.get(url, **HTMX)
    assert listed in fragment.content.decode()


def test_the_sharing_form_ticks_what_is_shared(client, shared, actors):
    client.force_login(actors.sales_a)
    fragment = client.get(f"{_url(actors)}?form=share", **HTMX).content.decode()
    assert f'value="{shared.goal.pk}" id="id_goals_0" checked' in fragment.replace("\n", " ")
    assert 'action="/space/customers/' in fragment


def test_without_htmx_the_form_opens_in_the_whole_page(client, shared, actors):
    client.force_login(actors.sales_a)
    page = client.get(f"{_url(actors)}?form=step").content.decode()
    assert '<details id="step" open>' in page
    assert 'name="step-owner"' in page
    assert shared.goal.title in page


def test_only_curators_open_the_forms(shared, actors, client):
    url = f"{_url(actors)}?form=invite"
    client.force_login(actors.viewer_a)
    assert client.get(url, **HTMX).status_code == 403
    client.force_login(actors.sales_b)
    assert client.get(url, **HTMX).status_code == 404
    client.force_login(actors.sales_a)
    assert client.get(f"{_url(actors)}?form=nope").status_code == 400


def test_the_plan_is_shown_a_page_at_a_time(client, shared, actors):
    for i in range(STEPS_PER_PAGE):
        services.add_step(shared.space, title=f"Later step {i:02}", owner_user=actors.sales_a)
    client.force_login(actors.sales_a)
    first = client.get(_url(actors)).content.decode()
    assert first.count('<tr id="step-') == STEPS_PER_PAGE
    assert "?steps=2#plan" in first
    second = client.get(f"{_url(actors)}?steps=2").content.decode()
    assert second.count('<tr id="step-') == 1
    assert "?steps=1#plan" in second
    assert "?steps=3" not in second
    assert client.get(f"{_url(actors)}?steps=x").status_code == 400


def test_a_change_on_a_later_page_of_the_plan_returns_to_it(client, shared, actors):
    steps = [
        services.add_step(shared.space, title=f"Step {i:02}", owner_user=actors.sales_a)
        for i in range(STEPS_PER_PAGE)
    ]
    client.force_login(actors.sales_a)
    second = client.get(f"{_url(actors)}?steps=2").content.decode()
    last = steps[-1]
    assert f"/space/steps/{last.pk}/status/?steps=2" in second
    response = client.post(f"/space/steps/{last.pk}/status/?steps=2", {"status": "done"})
    assert response["Location"] == f"{_url(actors)}?steps=2#plan"
    first = client.get(_url(actors)).content.decode()
    assert f'action="/space/steps/{steps[0].pk}/status/"' in first
    response = client.post(f"/space/steps/{steps[0].pk}/status/", {"status": "done"})
    assert response["Location"] == _url(actors)
