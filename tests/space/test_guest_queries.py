"""Every guest page runs a fixed number of queries, however much the space holds (the guest's
main page is pinned in test_guest.py)."""

from django.test import Client

from space import guests, services
from space.queries import STEPS_PER_PAGE, guest_page
from tests import factories


def grow(shared, actors, n: int = 5) -> None:
    for i in range(n):
        milestone = services.add_milestone(shared.space, title=f"Phase {i}", due_on=None)
        step = services.add_step(
            shared.space,
            title=f"Step {i}",
            owner_user=actors.sales_a,
            milestone=milestone,
        )
        services.post_message(shared.space, body="on it", guest=shared.guest, step=step)
        services.add_step(shared.space, title=f"Their step {i}", owner_stakeholder=shared.katrin)
        factories.SharedProposalFactory(space=shared.space)


def test_the_sign_in_page_reads_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert Client().get("/shared/sign-in/").status_code == 200


def test_the_link_page_reads_the_guest_once(shared, django_assert_num_queries):
    token = guests.make_sign_in_token(shared.guest)
    # The guest (with stakeholder and space) named by the link.
    with django_assert_num_queries(1):
        assert Client().get(f"/shared/link/{token}/").status_code == 200
    # A tampered link is refused before any query.
    with django_assert_num_queries(0):
        assert Client().get(f"/shared/link/{token}x/").status_code == 400


def test_the_guests_plan_pdf_keeps_its_query_count(
    shared, guest_client, actors, django_assert_max_num_queries
):
    # The guest session, then the plan's reads (items, milestones, steps with their comments,
    # proposals and the problems they solve, messages).
    with django_assert_max_num_queries(12) as small:
        response = guest_client.get("/shared/plan.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    grow(shared, actors)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert guest_client.get("/shared/plan.pdf").status_code == 200


def test_a_shared_attachment_takes_two_queries(shared, guest_client, django_assert_num_queries):
    shared_proposal = factories.SharedProposalFactory(space=shared.space)
    # The guest session, the attachment (within the guest's space).
    with django_assert_num_queries(2):
        response = guest_client.get(f"/shared/proposals/{shared_proposal.pk}/attachment/")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")


def test_guest_posts_keep_their_query_count(
    shared, guest_client, actors, django_assert_max_num_queries
):
    """An answer costs the same in a full space as in an empty one."""
    url = f"/shared/steps/{shared.step.pk}/"
    prefix = f"s{shared.step.pk}"
    with django_assert_max_num_queries(30) as small:
        assert guest_client.post(url, {f"{prefix}-action": "done"}).status_code == 302
    grow(shared, actors)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert guest_client.post(url, {f"{prefix}-action": "reopen"}).status_code == 302


def test_the_guest_sees_the_plan_a_page_at_a_time_and_the_pdf_holds_it_all(
    shared, guest_client, actors
):
    for i in range(STEPS_PER_PAGE):
        services.add_step(shared.space, title=f"Later step {i:02}", owner_user=actors.sales_a)
    first = guest_client.get("/shared/").content.decode()
    assert first.count('<tr id="step-') == STEPS_PER_PAGE
    assert "?steps=2#plan" in first
    second = guest_client.get("/shared/?steps=2").content.decode()
    assert second.count('<tr id="step-') == 1
    assert f"Later step {STEPS_PER_PAGE - 1:02}" in second
    pdf = guest_page(shared.space, guest=None)
    assert len(pdf.steps) == STEPS_PER_PAGE + 1


def test_a_guests_answer_on_a_later_page_of_the_plan_returns_to_it(shared, guest_client, actors):
    steps = [
        services.add_step(shared.space, title=f"Step {i:02}", owner_user=actors.sales_a)
        for i in range(STEPS_PER_PAGE)
    ]
    last = steps[-1]
    second = guest_client.get("/shared/?steps=2").content.decode()
    assert f'action="/shared/steps/{last.pk}/?steps=2"' in second
    url = f"/shared/steps/{last.pk}/?steps=2"
    response = guest_client.post(url, {f"s{last.pk}-action": "done"})
    assert response["Location"] == "/shared/?steps=2#plan"
    # A comment left empty shows its error on the same page of the plan.
    response = guest_client.post(url, {f"s{last.pk}-action": "comment", f"s{last.pk}-body": ""})
    assert response.status_code == 400
    assert "Write a comment." in response.content.decode()
