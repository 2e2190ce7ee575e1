"""Partner companies are a catalogue shared by every account: a delete asks first, moves the
partner to the catalogue's trash (who deleted it and when), hides it from lists, forms and the
API, and a restore brings it back with the contributions that name it."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from integrity import trash
from integrity.transfer import export_account
from solutions.forms import ContributionRequestForm
from solutions.models import Partner
from tests import factories
from tests.conftest import api_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(actors):
    """A partner that contributed to a proposal of customer_a."""
    partner = factories.PartnerFactory(name="Fjord Robotics")
    proposal = factories.ProposalFactory(customer=actors.customer_a)
    factories.ContributionFactory(proposal=proposal, specialist=None, partner=partner)
    return partner


def test_the_edit_page_asks_before_deleting(client, actors, partner):
    client.force_login(actors.sales_a)
    body = client.get(reverse("solutions:edit-partner", args=[partner.pk])).content.decode()
    assert reverse("solutions:delete-partner", args=[partner.pk]) in body
    assert 'data-confirm="Delete the partner “Fjord Robotics”?' in body


def test_a_deleted_partner_leaves_the_catalogue_and_the_forms_but_not_its_contributions(
    client, actors, partner
):
    client.force_login(actors.sales_a)
    response = client.post(reverse("solutions:delete-partner", args=[partner.pk]))
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.deleted_at is not None
    assert partner.deleted_by == actors.sales_a
    last = partner.history.order_by("-history_id").first()
    assert last.history_change_reason.startswith("Deleted")
    listing = client.get(reverse("solutions:partners"))
    assert "Fjord Robotics" not in [p.name for p in listing.context["page"]]
    assert client.get(reverse("solutions:edit-partner", args=[partner.pk])).status_code == 404
    assert not ContributionRequestForm.base_fields["partner"].queryset.filter(pk=partner.pk)
    contribution = partner.contributions.get()
    assert contribution.partner.name == "Fjord Robotics"  # still named where it contributed
    assert api_as(actors.sales_a).get(f"/api/partners/{partner.pk}/").status_code == 404


def test_the_trash_lists_who_deleted_it_and_restores_it(client, actors, partner):
    partner.soft_delete(by=actors.sales_a)
    client.force_login(actors.mgr_a)
    page = client.get(reverse("integrity:partner-trash"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Fjord Robotics" in body
    assert actors.sales_a.display_name in body
    response = client.post(reverse("integrity:restore-partner", args=[partner.pk]))
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.deleted_at is None
    assert partner.contributions.count() == 1
    reason = partner.history.order_by("-history_id").first().history_change_reason
    assert reason.startswith("Restored from the trash")
    assert client.post(reverse("integrity:restore-partner", args=[partner.pk])).status_code == 404


def test_specialists_may_neither_delete_nor_restore(client, actors, partner):
    client.force_login(actors.spec_a)
    assert client.post(reverse("solutions:delete-partner", args=[partner.pk])).status_code == 403
    partner.soft_delete(by=actors.sales_a)
    assert client.get(reverse("integrity:partner-trash")).status_code == 403
    assert client.post(reverse("integrity:restore-partner", args=[partner.pk])).status_code == 403
    assert client.get(reverse("solutions:delete-partner", args=[partner.pk])).status_code == 405


def test_the_api_deletes_softly_and_keeps_the_name_taken(actors, partner):
    api = api_as(actors.sales_a)
    assert api_as(actors.spec_a).delete(f"/api/partners/{partner.pk}/").status_code == 403
    assert api.delete(f"/api/partners/{partner.pk}/").status_code == 204
    assert Partner._base_manager.get(pk=partner.pk).is_deleted
    assert [p["name"] for p in api.get("/api/partners/").json()["results"]] == []
    response = api.post("/api/partners/", {"name": "Fjord Robotics"}, format="json")
    assert response.status_code == 400
    assert "Recently deleted partners" in response.json()["name"][0]


def test_a_new_partner_with_a_deleted_ones_name_is_a_form_error(client, actors, partner):
    partner.soft_delete(by=actors.sales_a)
    client.force_login(actors.sales_a)
    response = client.post(reverse("solutions:add-partner"), {"name": "Fjord Robotics"})
    assert response.status_code == 200
    assert "restore it from Recently deleted partners" in response.content.decode()
    assert Partner._base_manager.filter(name="Fjord Robotics").count() == 1


def test_the_purge_removes_unused_partners_and_keeps_those_that_contributed(actors, partner):
    unused = factories.PartnerFactory(name="Nobody Used Me")
    partner.soft_delete(by=actors.sales_a)
    unused.soft_delete(by=actors.sales_a)
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        trash.purge_trash()
        assert [p.name for p in trash.deleted_partners()] == ["Fjord Robotics"]
        assert trash.restore_partner(Partner._base_manager.get(pk=partner.pk), by=actors.mgr_a)
    assert not Partner._base_manager.filter(name="Nobody Used Me").exists()
    assert Partner.objects.filter(name="Fjord Robotics").exists()


def test_an_export_names_who_deleted_a_partner(actors, partner):
    partner.soft_delete(by=actors.mgr_b)
    data = export_account(actors.customer_a.pk)
    assert actors.mgr_b.username in {user["username"] for user in data["users"]}
