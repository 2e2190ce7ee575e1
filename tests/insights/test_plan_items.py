"""Structured plan sections: items added, edited and removed in place, each section's review,
the reviewer's rendered changes, the trash and the PDF."""

import datetime as dt
import subprocess

import pytest
from django.urls import reverse

from accounts.models import Area, Notification
from core.versioning import StaleVersion
from insights import plans
from insights.models import PlanItem, PlanSection, PlanSectionRevision
from integrity import trash
from tests import factories
from tests.conftest import api_as


def url(name: str, customer, *args) -> str:
    return reverse(f"insights:{name}", args=[customer.pk, *args])


@pytest.fixture
def engineering(actors):
    area = Area.objects.create(name="Engineering")
    actors.spec_a.area = area
    actors.spec_a.save(update_fields=["area"])
    return area


@pytest.fixture
def goal(actors):
    return factories.GoalFactory(customer=actors.customer_a, title="Cut lead time")


def objective_data(goal, **extra) -> dict:
    prefix = "section-strategy-objective"
    return {
        f"{prefix}-title": "Become the preferred logistics partner",
        f"{prefix}-metric": "Share of inbound volume",
        f"{prefix}-target": "40 %",
        f"{prefix}-target_on": "2027-03-31",
        f"{prefix}-goals": [goal.pk],
        **extra,
    }


def add_objective(actors, goal, title="Become the preferred logistics partner") -> PlanItem:
    return plans.add_plan_item(
        actors.customer_a,
        area=None,
        kind="objective",
        values={"title": title, "metric": "Share", "target": "40 %"},
        goals=[goal],
        by=actors.sales_a,
    )


def test_lead_adds_an_objective_linked_to_a_goal_without_javascript(client, actors, goal):
    client.force_login(actors.sales_a)
    response = client.post(
        url("add-strategy-item", actors.customer_a, "objective"), objective_data(goal)
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#section-strategy")
    item = PlanItem.objects.get(customer=actors.customer_a)
    assert (item.kind, item.metric, item.target) == ("objective", "Share of inbound volume", "40 %")
    assert item.target_on == dt.date(2027, 3, 31)
    assert list(item.goals.all()) == [goal]
    body = client.get(url("plan", actors.customer_a)).content.decode()
    assert "Become the preferred logistics partner" in body
    assert reverse("customers:record", args=[actors.customer_a.pk, "goals", goal.pk]) in body
    # Each change is a new version of the section whose revision holds the items.
    revision = PlanSectionRevision.objects.get(section=item.section)
    assert revision.items[0]["goals"] == ["Cut lead time"]


def test_htmx_add_returns_the_section_card(client, actors, goal):
    client.force_login(actors.sales_a)
    response = client.post(
        url("add-strategy-item", actors.customer_a, "objective"),
        objective_data(goal),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#section-strategy"
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card plan-section" id="section-strategy"')
    assert "Become the preferred logistics partner" in body


@pytest.mark.parametrize(
    "bad",
    [
        {"section-strategy-objective-title": ""},
        {"section-strategy-objective-target_on": "31/31/2027"},
        {"section-strategy-objective-goals": ["999999"]},
        {"section-strategy-objective-title": "two\nlines"},
    ],
)
def test_bad_item_input_gives_field_errors(client, actors, goal, bad):
    client.force_login(actors.sales_a)
    data = {**objective_data(goal), **bad}
    response = client.post(url("add-strategy-item", actors.customer_a, "objective"), data)
    assert response.status_code == 400
    assert "has-error" in response.content.decode()
    htmx = client.post(
        url("add-strategy-item", actors.customer_a, "objective"),
        data,
        headers={"HX-Request": "true"},
    )
    assert htmx.status_code == 200  # htmx swaps the card with the errors in it
    assert "has-error" in htmx.content.decode()
    assert not PlanItem.objects.exists()


def test_another_customers_goal_cannot_be_linked(client, actors):
    foreign = factories.GoalFactory(customer=actors.customer_b, title="Theirs")
    client.force_login(actors.sales_a)
    response = client.post(
        url("add-strategy-item", actors.customer_a, "objective"), objective_data(foreign)
    )
    assert response.status_code == 400
    assert not PlanItem.objects.exists()


def test_who_may_add_items(client, actors, goal, engineering):
    customer = actors.customer_a
    client.force_login(actors.sales_b)
    assert (
        client.post(
            url("add-strategy-item", customer, "objective"), objective_data(goal)
        ).status_code
        == 404
    )
    client.force_login(actors.viewer_a)
    assert (
        client.post(
            url("add-strategy-item", customer, "objective"), objective_data(goal)
        ).status_code
        == 403
    )
    client.force_login(actors.spec_a)
    assert (
        client.post(
            url("add-strategy-item", customer, "objective"), objective_data(goal)
        ).status_code
        == 403
    )
    # An area section has offers and open questions, not objectives.
    assert (
        client.post(url("add-area-item", customer, engineering.pk, "objective"), {}).status_code
        == 404
    )
    response = client.post(
        url("add-area-item", customer, engineering.pk, "offer"),
        {
            f"section-area-{engineering.pk}-offer-title": "Line audit",
            f"section-area-{engineering.pk}-offer-effort": "medium",
        },
    )
    assert response.status_code == 302
    offer = PlanItem.objects.get(kind="offer")
    assert (offer.section.area, offer.effort) == (engineering, "medium")


def test_edit_in_place_and_a_stale_edit(client, actors, goal):
    item = add_objective(actors, goal)
    client.force_login(actors.sales_a)
    form = client.get(
        url("edit-plan-item", actors.customer_a, item.pk), headers={"HX-Request": "true"}
    )
    assert form.status_code == 200
    assert f'id="item-{item.pk}"' in form.content.decode()
    data = {
        "title": "Preferred partner",
        "target": "50 %",
        "goals": [goal.pk],
        "version": item.version,
    }
    response = client.post(url("edit-plan-item", actors.customer_a, item.pk), data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.target, item.metric) == ("Preferred partner", "50 %", "")
    stale = client.post(
        url("edit-plan-item", actors.customer_a, item.pk), {**data, "title": "Late"}
    )
    assert stale.status_code == 409
    assert "Someone else changed this" in stale.content.decode()
    with pytest.raises(StaleVersion):
        plans.update_plan_item(item, values={"title": "x"}, expected_version=1, by=actors.sales_a)


def test_deleted_item_goes_to_the_trash_and_comes_back_with_its_goal(client, actors, goal):
    item = add_objective(actors, goal)
    client.force_login(actors.sales_a)
    response = client.post(url("delete-plan-item", actors.customer_a, item.pk))
    assert response.status_code == 302
    assert not PlanItem.objects.exists()
    (deleted,) = trash.deleted_records(actors.customer_a)
    assert deleted.kind == "plan-items"
    assert deleted.deleted_by == actors.sales_a
    assert "Become the preferred logistics partner" in deleted.label
    page = client.get(reverse("integrity:trash", args=[actors.customer_a.pk])).content.decode()
    assert "Plan item" in page
    client.post(
        reverse("integrity:restore-deleted", args=[actors.customer_a.pk, "plan-items", item.pk])
    )
    restored = PlanItem.objects.get(pk=item.pk)
    assert list(restored.goals.all()) == [goal]
    section = restored.section
    # add, delete, restore: three versions, the last one holding the item again.
    assert list(section.revisions.values_list("version", flat=True)) == [4, 3, 2]
    assert section.revisions.first().items[0]["id"] == item.pk
    assert section.revisions.all()[1].items == []


def test_a_section_goes_to_the_trash_and_is_restored_unless_written_again(client, actors, goal):
    item = add_objective(actors, goal)
    client.force_login(actors.sales_a)
    client.post(url("delete-section", actors.customer_a, item.section_id))
    assert not PlanSection.objects.exists()
    assert "Become the preferred" not in client.get(url("plan", actors.customer_a)).content.decode()
    (deleted,) = trash.deleted_records(actors.customer_a)
    assert deleted.kind == "plan-sections"
    assert trash.restore_record(deleted.record, by=actors.sales_a)
    assert PlanItem.objects.get().pk == item.pk
    # Deleted, then written again: the old one stays in the trash.
    plans.delete_plan_section(PlanSection.objects.get(), by=actors.sales_a)
    plans.save_plan_section(
        actors.customer_a, area=None, body="New", expected_version=0, by=actors.sales_a
    )
    old = trash.deleted_record(actors.customer_a, "plan-sections", item.section_id)
    assert trash.restore_record(old, by=actors.sales_a) is False
    assert PlanSection.objects.get().body == "New"


def test_section_review_notifies_the_lead_and_shows_the_structured_changes(
    client, actors, goal, engineering
):
    customer = actors.customer_a
    section = plans.save_plan_section(
        customer, area=engineering, body="Survey", expected_version=0, by=actors.spec_a
    )
    plans.submit_plan_section(section, by=actors.spec_a)
    client.force_login(actors.sales_a)
    first = client.get(url("plan", customer)).content.decode()
    assert "What changed since its last approval" in first
    assert (
        client.post(
            url("review-section", customer, section.pk), {"decision": "approve"}
        ).status_code
        == 302
    )
    section.refresh_from_db()
    assert (section.status, section.approved_version) == ("approved", section.version)
    told = Notification.objects.filter(user=actors.spec_a, kind=Notification.Kind.PLAN_REVIEW)
    assert "approved" in told.get().message
    plans.add_plan_item(
        customer,
        area=engineering,
        kind="question",
        values={"title": "Which **sites** first?"},
        by=actors.spec_a,
    )
    section.refresh_from_db()
    assert section.status == "draft"  # changed since its approval
    client.force_login(actors.spec_a)
    assert client.post(url("submit-section", customer, section.pk)).status_code == 302
    assert Notification.objects.filter(user=actors.sales_a, message__contains="submitted").exists()
    client.force_login(actors.mgr_a)
    body = client.get(url("plan", customer)).content.decode()
    added = body[body.index('<ins class="diff-block prose">') :]
    added = added[: added.index("</ins>")]
    assert "Open questions" in body
    assert "Which <strong>sites</strong> first?" in added
    assert "**" not in added
    response = client.post(
        url("review-section", customer, section.pk), {"decision": "request_changes"}
    )
    assert response.status_code == 400
    client.post(
        url("review-section", customer, section.pk),
        {"decision": "request_changes", "comment": "Dates?"},
    )
    section.refresh_from_db()
    assert section.status == "changes_requested"


def test_strategy_review_is_for_managers(client, actors, goal):
    item = add_objective(actors, goal)
    plans.submit_plan_section(item.section, by=actors.sales_a)
    assert Notification.objects.filter(user=actors.mgr_a, kind="plan_review").exists()
    assert not Notification.objects.filter(user=actors.sales_a).exists()
    client.force_login(actors.sales_a)
    assert (
        client.post(
            url("review-section", actors.customer_a, item.section_id), {"decision": "approve"}
        ).status_code
        == 403
    )
    client.force_login(actors.mgr_b)
    assert (
        client.post(
            url("review-section", actors.customer_a, item.section_id), {"decision": "approve"}
        ).status_code
        == 404
    )
    client.force_login(actors.mgr_a)
    body = client.get(url("plan", actors.customer_a)).content.decode()
    assert "Cut lead time" in body[body.index("What changed since its last approval") :]
    client.post(url("review-section", actors.customer_a, item.section_id), {"decision": "approve"})
    assert Notification.objects.filter(user=actors.sales_a, message__contains="approved").exists()


def test_plan_approval_approves_each_section_as_it_reads(actors, goal):
    item = add_objective(actors, goal)
    plans.submit_plan(actors.customer_a, by=actors.sales_a)
    plans.review_plan(actors.customer_a, by=actors.mgr_a, approve=True)
    section = PlanSection.objects.get(pk=item.section_id)
    assert (section.status, section.approved_version) == ("approved", section.version)


def _fill(actors, goal, engineering, n: int) -> None:
    stakeholder = factories.StakeholderFactory(customer=actors.customer_a)
    for i in range(n):
        add_objective(actors, goal, title=f"Objective {i}")
        for kind, values in (
            ("risk", {"title": f"Risk {i}", "likelihood": "high", "impact": "low"}),
            (
                "action",
                {"title": f"Action {i}", "stakeholder": stakeholder, "owner": actors.sales_a},
            ),
        ):
            plans.add_plan_item(
                actors.customer_a, area=None, kind=kind, values=values, by=actors.sales_a
            )
        plans.add_plan_item(
            actors.customer_a,
            area=engineering,
            kind="offer",
            values={"title": f"Offer {i}"},
            by=actors.spec_a,
        )


@pytest.mark.parametrize("n", [1, 5])
def test_plan_page_queries_do_not_grow_with_items(
    client, actors, goal, engineering, n, django_assert_num_queries
):
    _fill(actors, goal, engineering, n)
    client.force_login(actors.sales_a)
    # session, user, customer with its access, plan + its events, sections, their items, the
    # items' goals, specialist areas, comments, the objective form's goals, the action form's
    # stakeholders and owners, unread notifications.
    with django_assert_num_queries(14):
        body = client.get(url("plan", actors.customer_a)).content.decode()
    assert body.count('class="plan-item"') == 4 * n


def test_outsider_gets_404_on_every_item_endpoint(client, actors, goal):
    item = add_objective(actors, goal)
    client.force_login(actors.sales_b)
    customer = actors.customer_a
    for path in (
        url("edit-plan-item", customer, item.pk),
        url("delete-plan-item", customer, item.pk),
        url("submit-section", customer, item.section_id),
        url("review-section", customer, item.section_id),
        url("delete-section", customer, item.section_id),
    ):
        assert client.post(path).status_code == 404, path


def test_the_plan_pdf_shows_the_structured_plan(client, actors, goal):
    add_objective(actors, goal)
    client.force_login(actors.sales_a)
    response = client.get(url("plan-pdf", actors.customer_a))
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    text = " ".join(text.split())
    for expected in (
        "Objectives",
        "Become the preferred logistics partner",
        "40 %",
        "Cut lead time",
    ):
        assert expected in text


# --- API -----------------------------------------------------------------------------------------


def test_api_reads_and_writes_objectives_risks_and_actions(actors, goal):
    api = api_as(actors.sales_a)
    stakeholder = factories.StakeholderFactory(customer=actors.customer_a)
    created = api.post(
        "/api/plan-items/",
        {
            "customer": actors.customer_a.pk,
            "kind": "objective",
            "title": "Preferred partner",
            "metric": "Share",
            "target": "40 %",
            "target_on": "2027-03-31",
            "goals": [goal.pk],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["kind"], body["goals"], body["section_area"]) == ("objective", [goal.pk], None)
    action = api.post(
        "/api/plan-items/",
        {
            "customer": actors.customer_a.pk,
            "kind": "action",
            "title": "Site visit",
            "stakeholder": stakeholder.pk,
            "owner": actors.spec_a.pk,
            "due_on": "2027-01-15",
        },
        format="json",
    )
    assert action.status_code == 201, action.json()
    listed = api.get("/api/plan-items/", {"customer": actors.customer_a.pk, "kind": "action"})
    assert [i["title"] for i in listed.json()["results"]] == ["Site visit"]
    item_url = f"/api/plan-items/{body['id']}/"
    patched = api.patch(item_url, {"target": "50 %", "version": body["version"]}, format="json")
    assert patched.status_code == 200
    assert patched.json()["target"] == "50 %"
    stale = api.patch(item_url, {"target": "60 %", "version": body["version"]}, format="json")
    assert stale.status_code == 409
    assert api.delete(item_url).status_code == 204
    assert PlanItem._base_manager.get(pk=body["id"]).deleted_at is not None
    assert api.get(item_url).status_code == 404


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "offer", "title": "x"}, "kind"),  # offers belong to an area's section
        ({"kind": "risk", "title": "x", "metric": "y"}, "metric"),
        ({"kind": "risk", "title": ""}, "title"),
        ({"kind": "risk", "title": "x", "likelihood": "certain"}, "likelihood"),
        ({"kind": "objective", "title": "x", "target_on": "soon"}, "target_on"),
        ({"kind": "action", "title": "x", "due_on": "2027-02-30"}, "due_on"),
        ({"kind": "bogus", "title": "x"}, "kind"),
    ],
)
def test_api_bad_input_is_400_with_field_errors(actors, data, field):
    response = api_as(actors.sales_a).post(
        "/api/plan-items/", {"customer": actors.customer_a.pk, **data}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()


def test_api_keeps_links_and_owners_inside_the_account(actors):
    foreign_goal = factories.GoalFactory(customer=actors.customer_a2)
    api = api_as(actors.sales_a)
    base = {"customer": actors.customer_a.pk, "title": "x"}
    response = api.post(
        "/api/plan-items/", {**base, "kind": "objective", "goals": [foreign_goal.pk]}, format="json"
    )
    assert response.status_code == 400
    assert "goals" in response.json()
    response = api.post(
        "/api/plan-items/", {**base, "kind": "action", "owner": actors.sales_b.pk}, format="json"
    )
    assert response.status_code == 400
    assert "owner" in response.json()


def test_api_visibility_and_roles(actors, goal, engineering):
    item = add_objective(actors, goal)
    assert api_as(actors.sales_b).get(f"/api/plan-items/{item.pk}/").status_code == 404
    assert api_as(actors.sales_b).get("/api/plan-items/").json()["results"] == []
    assert api_as(actors.viewer_a).get(f"/api/plan-items/{item.pk}/").status_code == 200
    spec = api_as(actors.spec_a)
    assert spec.delete(f"/api/plan-items/{item.pk}/").status_code == 403
    denied = spec.post(
        "/api/plan-items/",
        {"customer": actors.customer_a.pk, "kind": "risk", "title": "x"},
        format="json",
    )
    assert denied.status_code == 403
    offer = spec.post(
        "/api/plan-items/",
        {
            "customer": actors.customer_a.pk,
            "area": engineering.pk,
            "kind": "offer",
            "title": "Audit",
            "effort": "small",
        },
        format="json",
    )
    assert offer.status_code == 201, offer.json()
    outsider = api_as(actors.sales_b).post(
        "/api/plan-items/",
        {"customer": actors.customer_a.pk, "kind": "risk", "title": "x"},
        format="json",
    )
    assert outsider.status_code == 400  # an invisible customer is an unknown id


def test_the_trash_api_refuses_a_section_written_again_with_409(client, actors, goal):
    item = add_objective(actors, goal)
    plans.delete_plan_section(PlanSection.objects.get(), by=actors.sales_a)
    plans.save_plan_section(
        actors.customer_a, area=None, body="New", expected_version=0, by=actors.sales_a
    )
    url = f"/api/customers/{actors.customer_a.pk}/trash/plan-sections/{item.section_id}/restore/"
    response = api_as(actors.sales_a).post(url)
    assert response.status_code == 409
    assert response.json()["code"] == "restore_refused"
    assert "already has a live section" in response.json()["detail"]
    assert PlanSection.objects.get().body == "New"
    assert trash.deleted_record(actors.customer_a, "plan-sections", item.section_id) is not None
    # The page says the same.
    client.force_login(actors.sales_a)
    restore = reverse(
        "integrity:restore-deleted", args=[actors.customer_a.pk, "plan-sections", item.section_id]
    )
    page = client.post(restore, follow=True).content.decode()
    assert "already has a live section" in page


def test_plan_review_notifications_read_in_each_recipients_language(actors, engineering):
    actors.sales_a.language = "de"
    actors.sales_a.save(update_fields=["language"])
    actors.spec_a.language = "en"
    actors.spec_a.save(update_fields=["language"])
    section = plans.save_plan_section(
        actors.customer_a, area=engineering, body="Survey", expected_version=0, by=actors.spec_a
    )
    plans.submit_plan_section(section, by=actors.spec_a)
    customer = actors.customer_a.name
    (submitted,) = Notification.objects.filter(user=actors.sales_a, kind="plan_review")
    assert submitted.message == (
        f"{actors.spec_a.display_name} hat „Abschnitt Engineering“ im Account-Plan von {customer} "
        "zur Prüfung eingereicht."
    )
    plans.review_plan_section(section, by=actors.mgr_a, approve=False, comment="More detail.")
    to_lead = Notification.objects.filter(user=actors.sales_a).latest("pk").message
    to_author = Notification.objects.filter(user=actors.spec_a).latest("pk").message
    assert to_lead == (
        f"{actors.mgr_a.display_name} hat Änderungen an „Abschnitt Engineering“ im Account-Plan "
        f"von {customer} angefordert. More detail."
    )
    assert to_author == (
        f"{actors.mgr_a.display_name} requested changes to “Engineering section” in the account "
        f"plan of {customer}. More detail."
    )
