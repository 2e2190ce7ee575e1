"""The mutual action plan's steps and milestones are deleted into the account's trash (asked
first), vanish for guests, and come back with their links when the lead restores them; the
timeline says deleted and restored."""

import datetime as dt

import pytest
from django.urls import reverse

from integrity import trash
from space import services
from space.models import Milestone, PlanStep
from tests.conftest import api_as


@pytest.fixture
def milestone(shared):
    milestone = services.add_milestone(
        shared.space, title="Pilot live at Bremen", due_on=dt.date(2026, 9, 1)
    )
    PlanStep.objects.filter(pk=shared.step.pk).update(milestone=milestone)
    return milestone


def space_url(actors) -> str:
    return reverse("space:space", args=[actors.customer_a.pk])


def restore(client, actors, kind, pk):
    return client.post(reverse("integrity:restore-deleted", args=[actors.customer_a.pk, kind, pk]))


def test_a_deleted_step_leaves_the_guests_plan_and_comes_back_when_restored(
    client, actors, shared, guest_client, milestone
):
    client.force_login(actors.sales_a)
    page = client.get(space_url(actors)).content.decode()
    delete = reverse("space:delete-step", args=[shared.step.pk])
    assert f'action="{delete}" data-confirm="Delete the step' in page
    assert "Send the gate data" in guest_client.get("/shared/").content.decode()

    assert client.post(delete).url == space_url(actors)
    assert not PlanStep.objects.filter(pk=shared.step.pk).exists()
    assert "Send the gate data" not in guest_client.get("/shared/").content.decode()
    assert f'id="step-{shared.step.pk}"' not in client.get(space_url(actors)).content.decode()
    # A guest cannot reach it either (its own page answers 404).
    step_page = guest_client.post(reverse("space:guest-step", args=[shared.step.pk]), {})
    assert step_page.status_code == 404
    assert api_as(actors.sales_a).get(f"/api/space-steps/{shared.step.pk}/").status_code == 404

    (item,) = trash.deleted_records(actors.customer_a)
    assert (item.kind, item.kind_label, item.deleted_by) == (
        "space-steps",
        "Shared plan step",
        actors.sales_a,
    )
    trash_page = client.get(reverse("integrity:trash", args=[actors.customer_a.pk]))
    assert "Send the gate data" in trash_page.content.decode()
    restore(client, actors, "space-steps", shared.step.pk)
    restored = PlanStep.objects.get(pk=shared.step.pk)
    assert restored.milestone == milestone
    assert restored.owner_stakeholder == shared.katrin
    assert "Send the gate data" in guest_client.get("/shared/").content.decode()

    entries = client.get(reverse("dialogue:timeline", args=[actors.customer_a.pk])).context[
        "entries"
    ]
    changes = [e.description for e in entries if e.kind == "change"]
    assert changes[:2] == ["Shared plan step restored", "Shared plan step deleted"]


def test_a_deleted_milestone_leaves_its_steps_without_it_until_restored(
    client, actors, shared, guest_client, milestone
):
    client.force_login(actors.sales_a)
    delete = reverse("space:delete-milestone", args=[milestone.pk])
    assert (
        f'action="{delete}" data-confirm="Delete the milestone'
        in client.get(space_url(actors)).content.decode()
    )
    assert "Pilot live at Bremen" in guest_client.get("/shared/").content.decode()
    client.post(delete)
    assert not Milestone.objects.filter(pk=milestone.pk).exists()
    guest_page = guest_client.get("/shared/").content.decode()
    assert "Send the gate data" in guest_page
    assert "Pilot live at Bremen" not in guest_page
    lead_page = client.get(space_url(actors)).content.decode()
    assert f'id="milestone-{milestone.pk}"' not in lead_page
    assert f'id="step-{shared.step.pk}"' in lead_page
    (item,) = trash.deleted_records(actors.customer_a)
    assert item.kind == "space-milestones"
    restore(client, actors, "space-milestones", milestone.pk)
    assert PlanStep.objects.get(pk=shared.step.pk).milestone_id == milestone.pk
    assert "Pilot live at Bremen" in guest_client.get("/shared/").content.decode()


def test_only_those_who_curate_the_space_delete(client, actors, shared, milestone):
    for user, status in ((actors.spec_a, 403), (actors.viewer_a, 403), (actors.outsider, 404)):
        client.force_login(user)
        assert client.post(reverse("space:delete-step", args=[shared.step.pk])).status_code == (
            status
        )
        assert (
            client.post(reverse("space:delete-milestone", args=[milestone.pk])).status_code
            == status
        )
    assert PlanStep.objects.filter(pk=shared.step.pk).exists()
    assert Milestone.objects.filter(pk=milestone.pk).exists()
    client.force_login(actors.mgr_a)
    client.post(reverse("space:delete-step", args=[shared.step.pk]))
    assert PlanStep._base_manager.get(pk=shared.step.pk).deleted_by == actors.mgr_a


def test_the_api_deletes_a_step_into_the_trash(actors, shared):
    url = f"/api/space-steps/{shared.step.pk}/"
    assert api_as(actors.spec_a).delete(url).status_code == 403
    assert api_as(actors.outsider).delete(url).status_code == 404
    assert api_as(actors.sales_a).delete(url).status_code == 204
    assert api_as(actors.sales_a).get(url).status_code == 404
    (item,) = trash.deleted_records(actors.customer_a)
    assert (item.kind, item.record.pk, item.deleted_by) == (
        "space-steps",
        shared.step.pk,
        actors.sales_a,
    )
    restore = f"/api/customers/{actors.customer_a.pk}/trash/space-steps/{shared.step.pk}/restore/"
    assert api_as(actors.sales_a).post(restore).status_code == 200
    assert api_as(actors.sales_a).get(url).status_code == 200


def test_recently_deleted_names_the_kinds_in_the_readers_language(client, actors, shared):
    actors.sales_a.language = "de"
    actors.sales_a.save(update_fields=["language"])
    services.delete_step(shared.step, by=actors.sales_a)
    client.force_login(actors.sales_a)
    page = client.get(reverse("integrity:trash", args=[actors.customer_a.pk])).content.decode()
    assert "<td>Schritt des gemeinsamen Plans</td>" in page
    assert "die Schritte und Meilensteine des gemeinsamen Plans" in page
