import pytest
from django.urls import reverse

from accounts.models import AccountMembership
from customers.models import BusinessModel, Customer, Goal, Problem, ProcessStep, Stakeholder
from tests import factories


def login(client, user):
    client.force_login(user)
    return client


def add_url(customer, kind):
    return reverse("customers:add-record", args=[customer.pk, kind])


def edit_url(record, kind):
    return reverse("customers:edit-record", args=[record.customer_id, kind, record.pk])


# --- Any record ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("goals", {"title": "Grow", "priority": 1, "status": "active"}),
        ("problems", {"title": "Slow", "severity": "high", "status": "open"}),
        ("processes", {"name": "Order to cash"}),
        (
            "stakeholders",
            {"name": "Ann", "buying_role": "user", "influence": 3, "attitude": "neutral"},
        ),
        ("moves", {"title": "Expand", "kind": "expansion", "status": "announced"}),
        ("options", {"title": "Buy", "kind": "strategic"}),
    ],
)
def test_specialist_creates_every_kind_of_record(client, actors, kind, data):
    response = login(client, actors.spec_a).post(add_url(actors.customer_a, kind), data)
    assert response.status_code == 302, (
        getattr(response, "context", None) and response.context["form"].errors
    )


@pytest.mark.parametrize("kind", ["goals", "problems", "stakeholders", "processes", "moves"])
def test_viewer_gets_403_when_writing(client, actors, kind):
    login(client, actors.viewer_a)
    assert client.get(add_url(actors.customer_a, kind)).status_code == 403
    assert client.post(add_url(actors.customer_a, kind), {"title": "x"}).status_code == 403


def test_outsider_gets_404_on_record_pages(client, actors):
    goal = factories.GoalFactory(customer=actors.customer_a)
    login(client, actors.outsider)
    assert client.get(add_url(actors.customer_a, "goals")).status_code == 404
    assert client.get(edit_url(goal, "goals")).status_code == 404
    assert client.post(edit_url(goal, "goals"), {"title": "x"}).status_code == 404
    history = reverse("customers:record-history", args=[actors.customer_a.pk, "goals", goal.pk])
    assert client.get(history).status_code == 404
    delete = reverse("customers:delete-record", args=[actors.customer_a.pk, "goals", goal.pk])
    assert client.post(delete).status_code == 404


def test_record_of_another_customer_is_404_under_this_one(client, actors):
    goal = factories.GoalFactory(customer=actors.customer_a2)
    login(client, actors.mgr_a)
    url = reverse("customers:edit-record", args=[actors.customer_a.pk, "goals", goal.pk])
    assert client.get(url).status_code == 404


def test_unknown_kind_is_404(client, actors):
    login(client, actors.sales_a)
    assert client.get(add_url(actors.customer_a, "invoices")).status_code == 404


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "", "priority": 1, "status": "active"}, "title"),
        ({"title": "x" * 201, "priority": 1, "status": "active"}, "title"),
        ({"title": "ok", "priority": 7, "status": "active"}, "priority"),
        ({"title": "ok", "priority": "high", "status": "active"}, "priority"),
        ({"title": "ok", "priority": 1, "status": "won"}, "status"),
        ({"title": "ok", "priority": 1, "status": "active", "target_on": "soon"}, "target_on"),
    ],
)
def test_bad_goal_input_shows_field_errors_and_keeps_input(client, actors, data, field):
    response = login(client, actors.spec_a).post(add_url(actors.customer_a, "goals"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert response.context["form"]["title"].value() == data["title"]
    assert not Goal.objects.exists()


def test_problem_links_to_another_customer_are_refused(client, actors):
    other_goal = factories.GoalFactory(customer=actors.customer_a2)
    other_step = factories.ProcessStepFactory(process__customer=actors.customer_a2)
    login(client, actors.mgr_a)
    response = client.post(
        add_url(actors.customer_a, "problems"),
        {
            "title": "Slow",
            "severity": "high",
            "status": "open",
            "blocks_goals": [other_goal.pk],
            "process_step": other_step.pk,
        },
    )
    assert response.status_code == 400
    assert {"blocks_goals", "process_step"} <= set(response.context["form"].errors)


def test_stakeholder_cycle_and_foreign_owner_are_refused(client, actors):
    ceo = factories.StakeholderFactory(customer=actors.customer_a, name="Ceo")
    cfo = factories.StakeholderFactory(customer=actors.customer_a, reports_to=ceo)
    login(client, actors.sales_a)
    response = client.post(
        edit_url(ceo, "stakeholders"),
        {
            "name": "Ceo",
            "buying_role": "decision_maker",
            "influence": 5,
            "attitude": "neutral",
            "reports_to": cfo.pk,
            "owner": actors.sales_b.pk,
            "version": 1,
        },
    )
    assert response.status_code == 400
    assert {"reports_to", "owner"} <= set(response.context["form"].errors)


def test_edit_with_a_stale_version_shows_both_versions_and_overwrites_nothing(client, actors):
    goal = factories.GoalFactory(customer=actors.customer_a, title="Theirs")
    Goal.objects.filter(pk=goal.pk).update(version=2)
    login(client, actors.spec_a)
    response = client.post(
        edit_url(goal, "goals"),
        {"title": "Mine", "priority": 2, "status": "active", "version": 1},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed this" in body
    assert "Theirs" in body
    assert 'value="Mine"' in body
    assert response.context["form"]["version"].value() == "2"
    goal.refresh_from_db()
    assert goal.title == "Theirs"


def test_edit_saves_and_history_shows_the_change(client, actors):
    goal = factories.GoalFactory(customer=actors.customer_a, title="Before")
    login(client, actors.spec_a)
    response = client.post(
        edit_url(goal, "goals"),
        {"title": "After", "priority": 1, "status": "active", "version": 1},
    )
    assert response.status_code == 302
    history = client.get(
        reverse("customers:record-history", args=[actors.customer_a.pk, "goals", goal.pk])
    )
    entry = history.context["entries"][0]
    assert entry.who == actors.spec_a.display_name
    assert ("Title", "Before", "After") in entry.changes


def test_only_lead_managers_admins_delete(client, actors):
    goal = factories.GoalFactory(customer=actors.customer_a)
    url = reverse("customers:delete-record", args=[actors.customer_a.pk, "goals", goal.pk])
    assert login(client, actors.spec_a).post(url).status_code == 403
    assert login(client, actors.mgr_a).post(url).status_code == 302
    assert not Goal.objects.exists()


# --- Goals tree in place ---------------------------------------------------------------------


def test_quick_problem_under_a_goal_is_created_and_linked_with_htmx(client, actors):
    goal = factories.GoalFactory(customer=actors.customer_a)
    response = login(client, actors.spec_a).post(
        add_url(actors.customer_a, "problems"),
        {
            "quick": "1",
            "title": "Paper forms",
            "severity": "high",
            "status": "open",
            "blocks_goals": goal.pk,
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#goal-tree"
    assert "Paper forms" in response.content.decode()
    assert list(Problem.objects.get().blocks_goals.all()) == [goal]


def test_quick_problem_with_errors_returns_the_form_with_errors(client, actors):
    goal = factories.GoalFactory(customer=actors.customer_a)
    response = login(client, actors.spec_a).post(
        add_url(actors.customer_a, "problems"),
        {"quick": "1", "title": "", "severity": "high", "status": "open", "blocks_goals": goal.pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Problem.objects.exists()


def test_link_and_unlink_an_existing_problem(client, actors):
    goal = factories.GoalFactory(customer=actors.customer_a)
    problem = factories.ProblemFactory(customer=actors.customer_a)
    login(client, actors.spec_a)
    link = reverse("customers:link-problem", args=[actors.customer_a.pk, goal.pk])
    assert client.post(link, {"problem": problem.pk}).status_code == 302
    assert list(problem.blocks_goals.all()) == [goal]
    problem.refresh_from_db()
    assert problem.version == 2
    unlink = reverse("customers:unlink-problem", args=[actors.customer_a.pk, goal.pk, problem.pk])
    assert client.post(unlink, headers={"HX-Request": "true"}).status_code == 200
    assert not problem.blocks_goals.exists()


def test_linking_another_customers_problem_links_nothing(client, actors):
    goal = factories.GoalFactory(customer=actors.customer_a)
    foreign = factories.ProblemFactory(customer=actors.customer_a2)
    login(client, actors.mgr_a)
    link = reverse("customers:link-problem", args=[actors.customer_a.pk, goal.pk])
    client.post(link, {"problem": foreign.pk})
    assert not foreign.blocks_goals.exists()


def test_viewer_cannot_link(client, actors):
    goal = factories.GoalFactory(customer=actors.customer_a)
    problem = factories.ProblemFactory(customer=actors.customer_a)
    link = reverse("customers:link-problem", args=[actors.customer_a.pk, goal.pk])
    assert login(client, actors.viewer_a).post(link, {"problem": problem.pk}).status_code == 403


# --- Canvas ----------------------------------------------------------------------------------


def box_url(customer):
    return reverse("customers:save-canvas-box", args=[customer.pk])


def test_canvas_box_saves_in_place(client, actors):
    login(client, actors.spec_a)
    response = client.post(
        box_url(actors.customer_a),
        {"field": "channels", "text": "Distributors", "version": 1},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Saved" in response.content.decode()
    canvas = BusinessModel.objects.get()
    assert (canvas.channels, canvas.version) == ("Distributors", 2)


def test_boxes_edited_from_the_same_page_do_not_conflict(client, actors):
    factories.BusinessModelFactory(customer=actors.customer_a)
    login(client, actors.spec_a)
    client.post(box_url(actors.customer_a), {"field": "channels", "text": "A", "version": 1})
    response = client.post(
        box_url(actors.customer_a), {"field": "cost_structure", "text": "B", "version": 1}
    )
    assert response.status_code == 302
    canvas = BusinessModel.objects.get()
    assert (canvas.channels, canvas.cost_structure, canvas.version) == ("A", "B", 3)


def test_a_box_changed_by_someone_else_conflicts(client, actors):
    factories.BusinessModelFactory(customer=actors.customer_a)
    login(client, actors.spec_a)
    client.post(box_url(actors.customer_a), {"field": "channels", "text": "Theirs", "version": 1})
    response = client.post(
        box_url(actors.customer_a),
        {"field": "channels", "text": "Mine", "version": 1},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert "Someone else changed this box" in body
    assert "Theirs" in body
    assert "Mine" in body
    assert BusinessModel.objects.get().channels == "Theirs"


@pytest.mark.parametrize(
    "data",
    [
        {"field": "channels", "text": "x" * 5001, "version": 1},
        {"field": "channels", "text": "ok", "version": "abc"},
        {"field": "channels", "text": "ok"},
    ],
)
def test_bad_canvas_input_changes_nothing(client, actors, data):
    response = login(client, actors.sales_a).post(box_url(actors.customer_a), data)
    assert response.status_code == 400
    assert not BusinessModel.objects.exists()


def test_unknown_canvas_box_is_404_and_viewer_gets_403(client, actors):
    data = {"field": "lead_id", "text": "x", "version": 1}
    assert login(client, actors.sales_a).post(box_url(actors.customer_a), data).status_code == 404
    data["field"] = "channels"
    assert login(client, actors.viewer_a).post(box_url(actors.customer_a), data).status_code == 403
    assert login(client, actors.outsider).post(box_url(actors.customer_a), data).status_code == 404


# --- Processes -------------------------------------------------------------------------------


def test_steps_are_added_moved_and_removed(client, actors):
    process = factories.ProcessFactory(customer=actors.customer_a)
    login(client, actors.spec_a)
    add = reverse("customers:add-step", args=[actors.customer_a.pk, process.pk])
    prefix = f"step-{process.pk}"
    for name in ("Order", "Ship", "Invoice"):
        assert client.post(add, {f"{prefix}-name": name}).status_code == 302
    invoice = ProcessStep.objects.get(name="Invoice")
    move = reverse("customers:move-step", args=[actors.customer_a.pk, invoice.pk])
    client.post(move, {"direction": "up"}, headers={"HX-Request": "true"})
    assert list(process.steps.values_list("name", flat=True)) == ["Order", "Invoice", "Ship"]
    assert client.post(move, {"direction": "sideways"}).status_code == 400
    order = ProcessStep.objects.get(name="Order")
    client.post(reverse("customers:delete-step", args=[actors.customer_a.pk, order.pk]))
    assert list(process.steps.values_list("position", "name")) == [(1, "Invoice"), (2, "Ship")]


def test_empty_step_name_shows_an_error(client, actors):
    process = factories.ProcessFactory(customer=actors.customer_a)
    add = reverse("customers:add-step", args=[actors.customer_a.pk, process.pk])
    response = login(client, actors.spec_a).post(add, {f"step-{process.pk}-name": ""})
    assert response.status_code == 400
    assert not ProcessStep.objects.exists()


def test_steps_of_other_customers_are_404_and_viewers_get_403(client, actors):
    step = factories.ProcessStepFactory(process__customer=actors.customer_a2)
    move = reverse("customers:move-step", args=[actors.customer_a.pk, step.pk])
    assert login(client, actors.mgr_a).post(move, {"direction": "up"}).status_code == 404
    own = factories.ProcessStepFactory(process__customer=actors.customer_a)
    move = reverse("customers:move-step", args=[actors.customer_a.pk, own.pk])
    assert login(client, actors.viewer_a).post(move, {"direction": "up"}).status_code == 403


# --- Customer and team -----------------------------------------------------------------------


def test_salesperson_creates_a_customer_and_leads_it(client, actors):
    response = login(client, actors.sales_a).post(
        reverse("customers:create"), {"name": "Gamma", "website": "https://gamma.example"}
    )
    customer = Customer.objects.get(name="Gamma")
    assert response.status_code == 302
    assert customer.lead == actors.sales_a
    assert customer.memberships.get().role == "lead"


def test_specialist_cannot_create_a_customer(client, actors):
    assert login(client, actors.spec_a).get(reverse("customers:create")).status_code == 403


def test_bad_customer_input_keeps_what_was_typed(client, actors):
    response = login(client, actors.sales_a).post(
        reverse("customers:create"), {"name": "", "website": "javascript:alert(1)", "size": "xl"}
    )
    assert response.status_code == 400
    assert {"name", "website", "size"} <= set(response.context["form"].errors)
    assert Customer.objects.count() == 3


def test_edit_customer_rules_and_conflict(client, actors):
    url = reverse("customers:edit", args=[actors.customer_a.pk])
    assert login(client, actors.spec_a).get(url).status_code == 403
    assert login(client, actors.outsider).get(url).status_code == 404
    login(client, actors.mgr_a)
    assert client.post(url, {"name": "Alpha AG", "version": 1}).status_code == 302
    stale = client.post(url, {"name": "Alpha SE", "version": 1})
    assert stale.status_code == 409
    assert "Alpha AG" in stale.content.decode()
    actors.customer_a.refresh_from_db()
    assert actors.customer_a.name == "Alpha AG"


def test_team_page_adds_changes_and_removes(client, actors):
    newcomer = factories.UserFactory(username="newbie")
    login(client, actors.sales_a)
    add = reverse("customers:add-member", args=[actors.customer_a.pk])
    assert client.post(add, {"username": "newbie", "role": "viewer"}).status_code == 302
    role = reverse("customers:change-member-role", args=[actors.customer_a.pk, newcomer.pk])
    client.post(role, {"role": "specialist"})
    membership = AccountMembership.objects.get(customer=actors.customer_a, user=newcomer)
    assert membership.role == "specialist"
    remove = reverse("customers:remove-member", args=[actors.customer_a.pk, newcomer.pk])
    client.post(remove)
    assert not AccountMembership.objects.filter(user=newcomer).exists()
    lead_remove = reverse("customers:remove-member", args=[actors.customer_a.pk, actors.sales_a.pk])
    client.post(lead_remove)
    assert AccountMembership.objects.filter(user=actors.sales_a, role="lead").exists()


def test_team_page_rules(client, actors):
    add = reverse("customers:add-member", args=[actors.customer_a.pk])
    assert (
        login(client, actors.spec_a).post(add, {"username": "x", "role": "viewer"}).status_code
        == 403
    )
    assert login(client, actors.outsider).post(add, {"username": "x"}).status_code == 404
    response = login(client, actors.sales_a).post(add, {"username": "nobody", "role": "boss"})
    assert response.status_code == 400
    assert {"username", "role"} <= set(response.context["add_form"].errors)


def test_stakeholder_page_lists_only_live_people(client, actors):
    factories.StakeholderFactory(customer=actors.customer_a, name="Here")
    gone = factories.StakeholderFactory(customer=actors.customer_a, name="Gone")
    Stakeholder.objects.filter(pk=gone.pk).update(deleted_at="2026-01-01T00:00:00Z")
    response = login(client, actors.sales_a).get(
        reverse("customers:stakeholders", args=[actors.customer_a.pk])
    )
    assert [p.name for p in response.context["map"].people] == ["Here"]


def test_customer_history_shows_core_and_canvas_changes(client, actors):
    login(client, actors.sales_a)
    client.post(
        reverse("customers:edit", args=[actors.customer_a.pk]), {"name": "Alpha AG", "version": 1}
    )
    client.post(box_url(actors.customer_a), {"field": "channels", "text": "Web", "version": 1})
    client.post(box_url(actors.customer_a), {"field": "channels", "text": "Shops", "version": 2})
    response = client.get(reverse("customers:history", args=[actors.customer_a.pk]))
    assert response.status_code == 200
    assert ("Name", "Alpha Industries", "Alpha AG") in response.context["entries"][0].changes
    assert ("Channels", "Web", "Shops") in response.context["canvas_entries"][0].changes
    assert response.context["canvas_entries"][0].who == actors.sales_a.display_name
