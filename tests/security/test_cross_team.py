"""Penetration test finding 1 (a viewer from another team handed the account to that team's
manager) and finding 7 (a specialist lowered to viewer kept writing), and their classes.

The rule (accounts/visibility.py): an account belongs to its lead's team; the managers of the
lead's team have manager rights; the managers of another member's team see the account
read-only, and only where that member is a specialist; a viewer extends visibility to nobody;
every write asks the writer's role at the time of the write.
"""

import json

import pytest

from accounts.models import AccountMembership
from solutions.models import Contribution, Proposal, ProposalFollow
from tests import factories
from tests.security.conftest import Target
from tests.security.policy import CUSTOMER, READER_CHOICE, rule_for
from tests.security.test_idor import OBJECT_ROUTES, UNSAFE, fingerprint, hostile_body, send
from tests.security.test_walk import concrete_path


def members_url(customer) -> str:
    return f"/api/customers/{customer.pk}/members/"


def post_json(client, path: str, body: dict):
    return client.post(path, data=json.dumps(body), content_type="application/json")


def test_a_viewer_from_another_team_gives_their_manager_nothing(actors, clients):
    """The reproduction: team B's lead adds a team A user as a viewer; team A's manager can
    neither see the account nor take it over, and team B's lead keeps it."""
    customer = actors.customer_b
    added = post_json(
        clients["sales_b"], members_url(customer), {"user": actors.spec_a.pk, "role": "viewer"}
    )
    assert added.status_code == 201, added.content
    manager = clients["mgr_a"]
    assert manager.get(f"/api/customers/{customer.pk}/").status_code == 404
    assert manager.get(f"/customers/{customer.pk}/").status_code == 404
    takeover = post_json(
        manager, members_url(customer), {"user": actors.sales_a.pk, "role": "lead"}
    )
    assert takeover.status_code == 404
    removal = manager.delete(f"{members_url(customer)}{actors.sales_b.pk}/")
    assert removal.status_code == 404
    customer.refresh_from_db()
    assert customer.lead_id == actors.sales_b.pk
    assert clients["sales_b"].get(f"/customers/{customer.pk}/").status_code == 200
    ids = {row["id"] for row in manager.get("/api/customers/").json()["results"]}
    assert customer.pk not in ids


@pytest.fixture
def cross_team_specialist(actors):
    """Team A's specialist on team B's account: team A's manager becomes an observer of it."""
    factories.MembershipFactory(
        customer=actors.customer_b, user=actors.spec_a, role=AccountMembership.Role.SPECIALIST
    )
    return actors.customer_b


def test_the_manager_of_another_teams_specialist_reads_only(actors, clients, cross_team_specialist):
    customer = cross_team_specialist
    manager = clients["mgr_a"]
    detail = manager.get(f"/api/customers/{customer.pk}/")
    assert detail.status_code == 200
    assert detail.json()["my_role"] == "observer"
    assert manager.get(f"/customers/{customer.pk}/").status_code == 200
    takeover = post_json(
        manager, members_url(customer), {"user": actors.sales_a.pk, "role": "lead"}
    )
    assert takeover.status_code == 403
    assert manager.delete(f"{members_url(customer)}{actors.sales_b.pk}/").status_code == 403
    renamed = manager.patch(
        f"/api/customers/{customer.pk}/",
        data=json.dumps({"name": "Taken", "version": customer.version}),
        content_type="application/json",
    )
    assert renamed.status_code == 403
    customer.refresh_from_db()
    assert (customer.lead_id, customer.name) == (actors.sales_b.pk, "Beta Holdings")


# A reader's own preference (following a discussion) is not a write on the account; readers
# may use it (test_a_reader_may_follow_a_discussion_and_changes_nothing_else).
WRITE_ROUTES = [r for r in OBJECT_ROUTES if READER_CHOICE not in rule_for(r.key).tags]


@pytest.mark.parametrize("route", WRITE_ROUTES, ids=lambda r: r.name or r.key)
def test_every_write_by_an_observer_is_refused(route, actors, clients, cross_team_specialist):
    """Team A's manager, observing team B's account through team A's specialist, tries every
    unsafe method on every object URL of it: refused, nothing changed."""
    target = Target(cross_team_specialist, actors.sales_b)
    path = concrete_path(route, rule_for(route.key), target)
    before = fingerprint(route, target)
    failures = []
    for method in UNSAFE:
        response = send(clients["mgr_a"], method, path, route.is_api, hostile_body(actors))
        if response.status_code not in (403, 404, 405):
            failures.append(f"mgr_a {method.upper()} {path} -> {response.status_code}")
    assert not failures, "\n".join(failures)
    assert fingerprint(route, target) == before, f"an observer's write changed data via {path}"


def test_the_managers_of_the_leads_team_keep_manager_rights(actors, clients):
    customer = actors.customer_b
    response = post_json(
        clients["mgr_b"], members_url(customer), {"user": actors.mgr_b.pk, "role": "viewer"}
    )
    assert response.status_code == 201, response.content
    assert clients["mgr_b"].get(f"/api/customers/{customer.pk}/").json()["my_role"] == "manager"


def test_the_last_lead_cannot_be_removed(actors, clients):
    customer = actors.customer_b
    response = clients["mgr_b"].delete(f"{members_url(customer)}{actors.sales_b.pk}/")
    assert response.status_code == 400
    assert AccountMembership.objects.filter(
        customer=customer, user=actors.sales_b, role=AccountMembership.Role.LEAD
    ).exists()


# Finding 7: every write checks the role at the time of the write.


@pytest.fixture
def lowered_specialist(actors):
    """spec_a owns a proposal on team A's account and was asked for a contribution, then is
    lowered to viewer."""
    proposal = factories.ProposalFactory(customer=actors.customer_a, owner=actors.spec_a)
    contribution = factories.ContributionFactory(
        proposal=proposal,
        specialist=actors.spec_a,
        status=Contribution.Status.IN_PROGRESS,
        description="Sized",
    )
    AccountMembership.objects.filter(customer=actors.customer_a, user=actors.spec_a).update(
        role=AccountMembership.Role.VIEWER
    )
    return proposal, contribution


def test_a_specialist_lowered_to_viewer_no_longer_changes_their_proposal(
    actors, clients, lowered_specialist
):
    proposal, contribution = lowered_specialist
    colleague = factories.UserFactory(role="specialist")
    factories.MembershipFactory(customer=actors.customer_a, user=colleague)
    client = clients["spec_a"]
    version = proposal.version
    attempts = [
        client.post(
            f"/solutions/proposals/{proposal.pk}/edit/", {"title": "x", "version": version}
        ),
        client.post(f"/solutions/proposals/{proposal.pk}/transition/", {"to": "in_review"}),
        client.patch(
            f"/api/proposals/{proposal.pk}/",
            data=json.dumps({"title": "x", "version": version}),
            content_type="application/json",
        ),
        client.post(
            f"/api/proposals/{proposal.pk}/transition/",
            data=json.dumps({"to": "in_review"}),
            content_type="application/json",
        ),
        client.delete(f"/api/proposals/{proposal.pk}/"),
        post_json(
            client,
            "/api/contributions/",
            {"proposal": proposal.pk, "specialist": colleague.pk, "request": "Size it"},
        ),
        client.post(f"/solutions/contributions/{contribution.pk}/done/"),
        client.post(
            f"/solutions/contributions/{contribution.pk}/write/",
            {"description": "x", "version": contribution.version},
        ),
    ]
    assert [r.status_code for r in attempts] == [403] * len(attempts)
    proposal.refresh_from_db()
    assert (proposal.title, proposal.status, proposal.deleted_at) == (
        Proposal.objects.get(pk=proposal.pk).title,
        Proposal.Status.DRAFT,
        None,
    )
    assert proposal.title != "x"
    contribution.refresh_from_db()
    assert (contribution.status, contribution.description) == (
        Contribution.Status.IN_PROGRESS,
        "Sized",
    )


ACCOUNT_ROUTES = [route for route in WRITE_ROUTES if rule_for(route.key).scope == CUSTOMER]


def test_a_reader_may_follow_a_discussion_and_changes_nothing_else(
    actors, clients, cross_team_specialist
):
    """The observer and a viewer may follow a proposal's comments: their own choice only."""
    proposal = factories.ProposalFactory(customer=cross_team_specialist, owner=actors.sales_b)
    version = proposal.version
    response = clients["mgr_a"].post(
        f"/solutions/proposals/{proposal.pk}/follow/", {"following": "1"}
    )
    assert response.status_code == 302
    assert ProposalFollow.objects.filter(proposal=proposal, user=actors.mgr_a).exists()
    proposal.refresh_from_db()
    assert proposal.version == version


@pytest.mark.parametrize("route", ACCOUNT_ROUTES, ids=lambda r: r.name or r.key)
def test_every_write_by_a_lowered_specialist_is_refused(route, actors, clients, lowered_specialist):
    """Every unsafe method on every object URL of the account, by the specialist lowered to
    viewer a moment ago: refused, nothing changed."""
    target = Target(actors.customer_a, actors.spec_a)
    path = concrete_path(route, rule_for(route.key), target)
    before = fingerprint(route, target)
    failures = []
    for method in UNSAFE:
        response = send(clients["spec_a"], method, path, route.is_api, hostile_body(actors))
        if response.status_code not in (403, 404, 405):
            failures.append(f"spec_a {method.upper()} {path} -> {response.status_code}")
    assert not failures, "\n".join(failures)
    assert fingerprint(route, target) == before, f"a lowered role's write changed data via {path}"
