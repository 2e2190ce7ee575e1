"""The lead's pages: curation, who may change what, and nothing internal reaching guests."""

import subprocess

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase

from health.models import ScoreAnnotation
from space import guests, services
from space.models import Guest, SharedItem, SharedProposal
from tests import factories
from tests.space.conftest import link_from_outbox, sign_in_as_guest


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_lead_opens_the_space_and_shares_goals_and_problems(actors):
    customer = actors.customer_a
    lead = client_for(actors.sales_a)
    url = f"/space/customers/{customer.pk}/"
    assert "Open the shared space" in lead.get(url).content.decode()
    assert lead.post(f"{url}open/").status_code == 302
    goals = factories.GoalFactory.create_batch(2, customer=customer)
    other_teams_goal = factories.GoalFactory(customer=actors.customer_b)
    response = lead.post(f"{url}share/", {"goals": [goals[0].pk, other_teams_goal.pk]})
    assert response.status_code == 400  # another account's goal is not a choice
    assert lead.post(f"{url}share/", {"goals": [g.pk for g in goals]}).status_code == 302
    assert SharedItem.objects.filter(space__customer=customer).count() == 2
    lead.post(f"{url}share/", {"goals": [goals[1].pk]})
    assert list(SharedItem.objects.values_list("goal_id", flat=True)) == [goals[1].pk]


def test_steps_are_owned_on_either_side(actors):
    customer = actors.customer_a
    katrin = factories.StakeholderFactory(customer=customer, name="Katrin Vogel")
    lead = client_for(actors.sales_a)
    url = f"/space/customers/{customer.pk}/"
    lead.post(f"{url}open/")
    assert (
        lead.post(
            f"{url}steps/",
            {"step-title": "Gate data", "step-owner": f"s{katrin.pk}", "step-due_on": "2027-01-12"},
        ).status_code
        == 302
    )
    assert (
        lead.post(
            f"{url}steps/", {"step-title": "Sensor quote", "step-owner": f"u{actors.spec_a.pk}"}
        ).status_code
        == 302
    )
    outsider = factories.UserFactory()
    response = lead.post(f"{url}steps/", {"step-title": "Nope", "step-owner": f"u{outsider.pk}"})
    assert response.status_code == 400
    assert 'value="Nope"' in response.content.decode()  # what was typed is kept
    page = lead.get(url).content.decode()
    assert "Gate data" in page
    assert "Katrin Vogel" in page
    assert "Sensor quote" in page


def test_only_the_lead_managers_and_admins_curate(actors):
    url = f"/space/customers/{actors.customer_a.pk}/"
    assert client_for(actors.spec_a).post(f"{url}open/").status_code == 403
    assert client_for(actors.viewer_a).post(f"{url}open/").status_code == 403
    assert client_for(actors.mgr_a).post(f"{url}open/").status_code == 302
    assert client_for(actors.sales_b).get(url).status_code == 404
    assert client_for(actors.outsider).post(f"{url}open/").status_code == 404


def test_the_lead_sees_who_has_access_and_revokes_it(shared, actors, guest_client):
    lead = client_for(actors.sales_a)
    page = lead.get(f"/space/customers/{actors.customer_a.pk}/").content.decode()
    assert "katrin@nordwind.example" in page
    assert lead.post(f"/space/guests/{shared.guest.pk}/revoke/").status_code == 302
    assert Guest.objects.get().revoked_at is not None
    assert guest_client.get("/shared/").status_code == 302


def test_attachments_must_be_small_pdfs(actors):
    customer = actors.customer_a
    proposal = factories.ProposalFactory(customer=customer)
    lead = client_for(actors.sales_a)
    url = f"/space/customers/{customer.pk}/proposals/"

    def upload(name: str, data: bytes):
        return lead.post(
            url,
            {
                "proposal": proposal.pk,
                "summary": "For you",
                "attachment": SimpleUploadedFile(name, data, "application/pdf"),
            },
        )

    assert upload("offer.pdf", b"<html>not a pdf").status_code == 400
    assert upload("offer.exe", b"%PDF-1.4").status_code == 400
    assert upload("offer.pdf", b"%PDF-1.4" + b"0" * (2 * 1024 * 1024)).status_code == 400
    assert upload("my offer (v2).pdf", b"%PDF-1.4 ok").status_code == 302
    shared = SharedProposal.objects.get()
    assert shared.attachment_name == "my_offer__v2_.pdf"
    download = lead.get(f"/space/proposals/{shared.pk}/attachment/")
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")


INTERNAL = {
    "goal description": "INTERNAL-GOAL-NOTE",
    "problem description": "INTERNAL-PROB",
    "meeting notes": "INTERNAL-MEETING-NOTES",
    "proposal summary": "INTERNAL-PROPOSAL-SUMMARY",
    "comment": "INTERNAL-COMMENT",
    "plan section": "INTERNAL-PLAN-SECTION",
    "health annotation": "INTERNAL-HEALTH-NOTE",
    "unshared goal": "Unshared goal title",
    "unshared proposal": "Unshared proposal title",
    "stakeholder attitude": "Detractor",
}


def test_nothing_internal_reaches_the_guest_pages(shared, actors, guest_client):
    customer = actors.customer_a
    factories.MeetingFactory(customer=customer, notes="INTERNAL-MEETING-NOTES")
    proposal = factories.ProposalFactory(customer=customer, summary="INTERNAL-PROPOSAL-SUMMARY")
    proposal.problems.add(shared.problem)
    factories.CommentFactory(proposal=proposal, body="INTERNAL-COMMENT")
    factories.PlanSectionFactory(customer=customer, body="INTERNAL-PLAN-SECTION")
    factories.GoalFactory(customer=customer, title="Unshared goal title")
    factories.ProposalFactory(customer=customer, title="Unshared proposal title")
    snapshot = factories.HealthSnapshotFactory(customer=customer)
    ScoreAnnotation.objects.create(
        customer=customer, snapshot=snapshot, author=actors.mgr_a, body="INTERNAL-HEALTH-NOTE"
    )
    services.share_proposal(shared.space, proposal=proposal, summary="What we offer you")
    services.add_step(
        shared.space, title="Review", owner_user=actors.sales_a, goal=shared.goal, proposal=proposal
    )
    pages = {
        "space": guest_client.get("/shared/"),
        "pdf": guest_client.get("/shared/plan.pdf"),
    }
    assert all(response.status_code == 200 for response in pages.values())
    texts = {
        "space": pages["space"].content.decode(),
        "pdf": pdf_text(pages["pdf"].content),
    }
    assert "What we offer you" in texts["space"]
    assert shared.problem.title in texts["space"]  # the problem the proposal solves, shared
    for name, text in texts.items():
        for label, secret in INTERNAL.items():
            assert secret not in text, f"{label} leaked into the guest's {name}"


def pdf_text(data: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return result.stdout.decode()


def test_the_plan_pdf_holds_steps_owners_account_date_and_page_numbers(shared, actors):
    services.add_step(shared.space, title="Price the gate sensors", owner_user=actors.spec_a)
    response = client_for(actors.sales_a).get(f"/space/customers/{actors.customer_a.pk}/plan.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in (
        actors.customer_a.name,
        "Send the gate data",
        "Katrin Vogel",
        "Price the gate sensors",
        actors.spec_a.display_name,
        "Page 1 / 1",
    ):
        assert expected in text, expected


def test_the_lead_and_the_guest_share_a_discussion(shared, actors, guest_client):
    field = "body"
    lead = client_for(actors.sales_a)
    lead.post(f"/space/customers/{actors.customer_a.pk}/messages/", {field: "Welcome!"})
    guest_client.post("/shared/messages/", {field: "Thanks, **glad** to be here"})
    page = guest_client.get("/shared/").content.decode()
    assert "Welcome!" in page
    assert "<strong>glad</strong>" in page
    assert (
        client_for(actors.viewer_a)
        .post(f"/space/customers/{actors.customer_a.pk}/messages/", {field: "viewer"})
        .status_code
        == 403
    )


def test_inviting_again_after_a_revocation_gives_access_back(shared, actors):
    guests.revoke_guest(shared.guest, by=actors.sales_a)
    mail.outbox.clear()
    lead = client_for(actors.sales_a)
    with TestCase.captureOnCommitCallbacks(execute=True):
        lead.post(
            f"/space/customers/{actors.customer_a.pk}/guests/", {"stakeholder": shared.katrin.pk}
        )
    sign_in_as_guest(link_from_outbox())


def test_the_internal_plan_and_summary_pdf(actors):
    factories.PlanSectionFactory(customer=actors.customer_a, body="## Objectives\n\nGrow Bremen")
    response = client_for(actors.sales_a).get(f"/insights/{actors.customer_a.pk}/plan/pdf/")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    # The plan, the whitespace grid on a page of its own, then the summary.
    for expected in (actors.customer_a.name, "Grow Bremen", "Account summary", "Page 1 / 3"):
        assert expected in text, expected
    assert (
        client_for(actors.sales_b).get(f"/insights/{actors.customer_a.pk}/plan/pdf/").status_code
        == 404
    )


def test_the_lead_page_runs_a_fixed_number_of_queries(
    shared, actors, django_assert_max_num_queries
):
    lead = client_for(actors.sales_a)
    url = f"/space/customers/{actors.customer_a.pk}/"
    with django_assert_max_num_queries(40) as small:
        assert lead.get(url).status_code == 200
    for n in range(4):
        step = services.add_step(shared.space, title=f"Step {n}", owner_user=actors.spec_a)
        services.post_message(shared.space, body="hi", guest=shared.guest, step=step)
        services.post_message(shared.space, body="hello", user=actors.sales_a)
        factories.SharedProposalFactory(space=shared.space)
        factories.FeedbackFactory(space=shared.space)
        factories.GuestFactory(space=shared.space)
        factories.SharedItemFactory(space=shared.space)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert lead.get(url).status_code == 200
