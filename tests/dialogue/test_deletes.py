"""Action items and proposals are deleted from their pages after a confirmation, into the
account's trash; the API deletes action items the same way."""

import pytest
from django.urls import reverse

from dialogue.models import ActionItem
from integrity import trash
from solutions.models import Proposal
from tests import factories
from tests.conftest import api_as

pytestmark = pytest.mark.django_db


def test_an_action_item_is_deleted_after_a_confirmation_into_the_trash(client, actors):
    item = factories.ActionItemFactory(
        customer=actors.customer_a, description="Send the gate study", created_by=actors.spec_a
    )
    client.force_login(actors.spec_a)
    page = client.get(reverse("dialogue:edit-action-item", args=[item.pk])).content.decode()
    assert 'data-confirm="Delete the action item “Send the gate study”?' in page
    response = client.post(reverse("dialogue:delete-action-item", args=[item.pk]))
    assert response.status_code == 302
    assert not ActionItem.objects.filter(pk=item.pk).exists()
    listed = trash.deleted_records(actors.customer_a)
    assert [(d.kind, d.record.pk, d.deleted_by) for d in listed] == [
        ("action-items", item.pk, actors.spec_a)
    ]


def test_only_the_author_or_the_lead_deletes_an_action_item(client, actors):
    item = factories.ActionItemFactory(customer=actors.customer_a, created_by=actors.sales_a)
    url = reverse("dialogue:delete-action-item", args=[item.pk])
    client.force_login(actors.spec_a)
    assert client.post(url).status_code == 403
    edit = client.get(reverse("dialogue:edit-action-item", args=[item.pk])).content.decode()
    assert url not in edit
    client.force_login(actors.outsider)
    assert client.post(url).status_code == 404
    assert ActionItem.objects.filter(pk=item.pk).exists()
    client.force_login(actors.sales_a)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302


def test_the_api_deletes_an_action_item_into_the_trash(actors):
    item = factories.ActionItemFactory(customer=actors.customer_a, created_by=actors.spec_a)
    assert api_as(actors.viewer_a).delete(f"/api/action-items/{item.pk}/").status_code == 403
    assert api_as(actors.outsider).delete(f"/api/action-items/{item.pk}/").status_code == 404
    assert api_as(actors.spec_a).delete(f"/api/action-items/{item.pk}/").status_code == 204
    assert ActionItem._base_manager.get(pk=item.pk).deleted_by == actors.spec_a
    assert api_as(actors.spec_a).get(f"/api/action-items/{item.pk}/").status_code == 404


def test_a_proposal_is_deleted_from_its_page_after_a_confirmation(client, actors):
    proposal = factories.ProposalFactory(
        customer=actors.customer_a, owner=actors.spec_a, title="Cross-dock"
    )
    url = reverse("solutions:delete-proposal", args=[proposal.pk])
    client.force_login(actors.viewer_a)
    page = client.get(reverse("solutions:proposal", args=[proposal.pk])).content.decode()
    assert url not in page
    assert client.post(url).status_code == 403
    client.force_login(actors.outsider)
    assert client.post(url).status_code == 404
    client.force_login(actors.spec_a)
    page = client.get(reverse("solutions:proposal", args=[proposal.pk])).content.decode()
    assert 'data-confirm="Delete the proposal “Cross-dock”?' in page
    assert client.post(url).status_code == 302
    assert Proposal._base_manager.get(pk=proposal.pk).deleted_by == actors.spec_a
    assert [d.kind for d in trash.deleted_records(actors.customer_a)] == ["proposals"]
