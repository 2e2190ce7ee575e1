"""A contribution is deleted into the account's trash (asked first), by whoever asked for it,
the proposal's owner, the lead or a manager; the lead restores it with its discussion."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountMembership, User
from integrity import trash
from solutions import services
from solutions.models import Comment, Contribution, Partner
from tests import factories
from tests.conftest import api_as


@pytest.fixture
def contribution(actors, proposal_a, engineering):
    actors.spec_a.area = engineering
    actors.spec_a.save(update_fields=["area"])
    contribution = services.request_contribution(
        proposal_a, by=actors.sales_a, specialist=actors.spec_a, request="Size the controls"
    )
    services.post_comment(
        proposal_a, author=actors.spec_a, body="Two weeks", contribution=contribution
    )
    return contribution


def delete_url(contribution) -> str:
    return reverse("solutions:delete-contribution", args=[contribution.pk])


def test_the_lead_deletes_after_a_confirmation_and_restores_it_with_its_discussion(
    client, actors, contribution
):
    client.force_login(actors.sales_a)
    page = client.get(reverse("solutions:contribution", args=[contribution.pk])).content.decode()
    # The delete button asks first (the page's confirmation dialog reads data-confirm).
    assert f'action="{delete_url(contribution)}" data-confirm="Delete this contribution' in page
    response = client.post(delete_url(contribution))
    assert response.url == reverse("solutions:proposal", args=[contribution.proposal_id])
    assert not Contribution.objects.filter(pk=contribution.pk).exists()
    assert client.get(reverse("solutions:contribution", args=[contribution.pk])).status_code == 404
    assert api_as(actors.sales_a).get(f"/api/contributions/{contribution.pk}/").status_code == 404
    proposal_page = client.get(
        reverse("solutions:proposal", args=[contribution.proposal_id])
    ).content.decode()
    assert reverse("solutions:contribution", args=[contribution.pk]) not in proposal_page
    # Listed in Recently deleted with who deleted it.
    (item,) = trash.deleted_records(actors.customer_a)
    assert item.kind == "contributions"
    assert item.deleted_by == actors.sales_a
    trash_page = client.get(reverse("integrity:trash", args=[actors.customer_a.pk]))
    assert "Contribution from" in trash_page.content.decode()
    client.post(
        reverse(
            "integrity:restore-deleted",
            args=[actors.customer_a.pk, "contributions", contribution.pk],
        )
    )
    restored = Contribution.objects.get(pk=contribution.pk)
    assert restored.request == "Size the controls"
    assert Comment.objects.get(contribution=restored).body == "Two weeks"
    assert client.get(reverse("solutions:contribution", args=[contribution.pk])).status_code == 200
    # The timeline says what happened to it.
    entries = client.get(reverse("dialogue:timeline", args=[actors.customer_a.pk])).context[
        "entries"
    ]
    changes = [e.description for e in entries if e.kind == "change"]
    assert changes[:2] == ["Contribution restored", "Contribution deleted"]


def test_who_may_delete_a_contribution(client, actors, contribution, proposal_a):
    # The asked specialist declines instead; a viewer reads; an outsider sees nothing.
    for user, status in ((actors.spec_a, 403), (actors.viewer_a, 403), (actors.outsider, 404)):
        client.force_login(user)
        assert client.post(delete_url(contribution)).status_code == status
        assert api_as(user).delete(f"/api/contributions/{contribution.pk}/").status_code == status
    client.force_login(actors.spec_a)
    page = client.get(reverse("solutions:contribution", args=[contribution.pk])).content.decode()
    assert delete_url(contribution) not in page
    assert Contribution.objects.filter(pk=contribution.pk).exists()
    # Whoever asked for it deletes it, though someone else owns the proposal.
    asker = factories.UserFactory(username="asker", role=User.Role.SPECIALIST)
    factories.MembershipFactory(
        customer=actors.customer_a, user=asker, role=AccountMembership.Role.SPECIALIST
    )
    asked = factories.ContributionFactory(proposal=proposal_a, requested_by=asker)
    client.force_login(asker)
    assert client.post(delete_url(asked)).status_code == 302
    assert not Contribution.objects.filter(pk=asked.pk).exists()
    # A manager of the lead's team, over the API.
    response = api_as(actors.mgr_a).delete(f"/api/contributions/{contribution.pk}/")
    assert response.status_code == 204
    assert Contribution._base_manager.get(pk=contribution.pk).deleted_by == actors.mgr_a


def test_a_partner_whose_contribution_is_in_the_trash_outlives_the_purge(actors, proposal_a):
    partner = factories.PartnerFactory(name="Dockworks")
    contribution = factories.ContributionFactory(
        proposal=proposal_a, specialist=None, partner=partner
    )
    partner.soft_delete(by=actors.admin)
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        # The partner's retention is over, but its contribution (deleted now) can still come
        # back and name it.
        services.delete_contribution(contribution, by=actors.sales_a)
        trash.purge_trash()
    assert Partner._base_manager.filter(pk=partner.pk).exists()
    assert Contribution._base_manager.filter(pk=contribution.pk).exists()


def test_a_german_lead_reads_the_trash_in_german(client, actors, contribution):
    actors.sales_a.language = "de"
    actors.sales_a.save(update_fields=["language"])
    services.delete_contribution(contribution, by=actors.sales_a)
    client.force_login(actors.sales_a)
    page = client.get(reverse("integrity:trash", args=[actors.customer_a.pk])).content.decode()
    assert (
        f"<td>Beitrag von {actors.spec_a.display_name} zu Faster deliveries</td>\n"
        "      <td>Beitrag</td>"
    ) in page
