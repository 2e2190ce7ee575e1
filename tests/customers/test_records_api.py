import pytest

from customers.models import BusinessModel, Goal, Problem, Process, Stakeholder
from tests import factories
from tests.conftest import api_as


def goal_body(customer, **extra):
    return {"customer": customer.pk, "title": "Grow exports", **extra}


@pytest.mark.parametrize("user", ["sales_a", "spec_a", "mgr_a", "admin"])
def test_contributors_create_goals(actors, user):
    response = api_as(getattr(actors, user)).post(
        "/api/goals/",
        goal_body(actors.customer_a, target_date="2027-03-01", priority=1),
        format="json",
    )
    assert response.status_code == 201, response.json()
    goal = Goal.objects.get(pk=response.json()["id"])
    assert goal.target_on.isoformat() == "2027-03-01"
    assert response.json()["target_date"] == "2027-03-01"
    assert goal.history.first().history_user == getattr(actors, user)


def test_create_bumps_the_customers_data_version(actors):
    before = actors.customer_a.data_version
    api_as(actors.spec_a).post("/api/goals/", goal_body(actors.customer_a), format="json")
    actors.customer_a.refresh_from_db()
    assert actors.customer_a.data_version == before + 1
    assert actors.customer_a.summary_dirty_since is not None


def test_viewer_reads_but_cannot_write(actors):
    goal = factories.GoalFactory(customer=actors.customer_a)
    client = api_as(actors.viewer_a)
    assert client.get(f"/api/goals/{goal.pk}/").status_code == 200
    assert (
        client.post("/api/goals/", goal_body(actors.customer_a), format="json").status_code == 403
    )
    assert client.patch(f"/api/goals/{goal.pk}/", {"title": "x", "version": 1}).status_code == 403
    assert client.delete(f"/api/goals/{goal.pk}/").status_code == 403


@pytest.mark.parametrize(
    "endpoint", ["goals", "problems", "stakeholders", "processes", "strategic-moves", "options"]
)
def test_outsider_gets_404_and_sees_nothing_listed(actors, endpoint):
    factory = {
        "goals": factories.GoalFactory,
        "problems": factories.ProblemFactory,
        "stakeholders": factories.StakeholderFactory,
        "processes": factories.ProcessFactory,
        "strategic-moves": factories.StrategicMoveFactory,
        "options": factories.OptionFactory,
    }[endpoint]
    record = factory(customer=actors.customer_a)
    client = api_as(actors.outsider)
    assert client.get(f"/api/{endpoint}/{record.pk}/").status_code == 404
    assert client.patch(f"/api/{endpoint}/{record.pk}/", {"version": 1}).status_code == 404
    assert client.delete(f"/api/{endpoint}/{record.pk}/").status_code == 404
    assert client.get(f"/api/{endpoint}/").json()["count"] == 0


def test_creating_for_an_invisible_customer_is_refused(actors):
    response = api_as(actors.sales_a).post(
        "/api/goals/", goal_body(actors.customer_b), format="json"
    )
    assert response.status_code == 400
    assert "customer" in response.json()


def test_specialist_may_not_delete_but_lead_may(actors):
    goal = factories.GoalFactory(customer=actors.customer_a)
    assert api_as(actors.spec_a).delete(f"/api/goals/{goal.pk}/").status_code == 403
    assert api_as(actors.sales_a).delete(f"/api/goals/{goal.pk}/").status_code == 204
    assert not Goal.objects.filter(pk=goal.pk).exists()


def test_stale_version_answers_409_and_keeps_the_stored_record(actors):
    goal = factories.GoalFactory(customer=actors.customer_a, title="Original")
    client = api_as(actors.spec_a)
    first = client.patch(f"/api/goals/{goal.pk}/", {"title": "First", "version": 1}, format="json")
    assert first.status_code == 200
    second = client.patch(
        f"/api/goals/{goal.pk}/", {"title": "Second", "version": 1}, format="json"
    )
    assert second.status_code == 409
    goal.refresh_from_db()
    assert goal.title == "First"


def test_update_without_version_answers_428(actors):
    goal = factories.GoalFactory(customer=actors.customer_a)
    response = api_as(actors.spec_a).patch(f"/api/goals/{goal.pk}/", {"title": "x"}, format="json")
    assert response.status_code == 428


def test_customer_cannot_change_after_create(actors):
    goal = factories.GoalFactory(customer=actors.customer_a)
    response = api_as(actors.admin).patch(
        f"/api/goals/{goal.pk}/", {"customer": actors.customer_b.pk, "version": 1}, format="json"
    )
    assert response.status_code == 400
    assert "customer" in response.json()
    goal.refresh_from_db()
    assert goal.customer == actors.customer_a


def test_problem_links_to_another_customers_records_are_refused(actors):
    other_goal = factories.GoalFactory(customer=actors.customer_a2)
    other_step = factories.ProcessStepFactory(process__customer=actors.customer_a2)
    other_person = factories.StakeholderFactory(customer=actors.customer_a2)
    response = api_as(actors.mgr_a).post(
        "/api/problems/",
        {
            "customer": actors.customer_a.pk,
            "title": "Slow invoicing",
            "blocks_goals": [other_goal.pk],
            "process_step": other_step.pk,
            "raised_by": other_person.pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"blocks_goals", "process_step", "raised_by"}
    assert not Problem.objects.exists()


def test_problem_links_within_the_customer_are_saved(actors):
    customer = actors.customer_a
    goal = factories.GoalFactory(customer=customer)
    step = factories.ProcessStepFactory(process__customer=customer)
    person = factories.StakeholderFactory(customer=customer)
    response = api_as(actors.spec_a).post(
        "/api/problems/",
        {
            "customer": customer.pk,
            "title": "Slow invoicing",
            "severity": "high",
            "blocks_goals": [goal.pk],
            "process_step": step.pk,
            "raised_by": person.pk,
            "confirmed": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    problem = Problem.objects.get()
    assert list(problem.blocks_goals.all()) == [goal]
    assert (problem.process_step, problem.raised_by, problem.confirmed) == (step, person, True)


@pytest.mark.parametrize(
    ("endpoint", "body", "field"),
    [
        ("goals", {"title": ""}, "title"),
        ("goals", {"title": "x" * 201}, "title"),
        ("goals", {"title": "ok", "status": "finished"}, "status"),
        ("goals", {"title": "ok", "priority": 4}, "priority"),
        ("goals", {"title": "ok", "priority": "high"}, "priority"),
        ("goals", {"title": "ok", "target_date": "soon"}, "target_date"),
        ("goals", {"title": ["a"]}, "title"),
        ("problems", {"title": "ok", "severity": "dire"}, "severity"),
        ("problems", {"title": "ok", "blocks_goals": [999999]}, "blocks_goals"),
        ("problems", {"title": "ok", "blocks_goals": "1"}, "blocks_goals"),
        ("problems", {"title": "ok", "process_step": "abc"}, "process_step"),
        ("stakeholders", {"name": "ok", "influence": 9}, "influence"),
        ("stakeholders", {"name": "ok", "email": "not-an-email"}, "email"),
        ("stakeholders", {"name": "ok", "buying_role": "king"}, "buying_role"),
        ("stakeholders", {"name": "ok", "reports_to": 999999}, "reports_to"),
        ("stakeholders", {"name": "ok", "owner": 999999}, "owner"),
        ("strategic-moves", {"title": "ok", "kind": "merger"}, "kind"),
        ("strategic-moves", {"title": "ok", "horizon_date": "2027-13-01"}, "horizon_date"),
        ("options", {"title": "ok", "kind": "tactical"}, "kind"),
        ("options", {"title": "ok", "serves_goals": [None]}, "serves_goals"),
        ("processes", {"name": "ok", "steps": [{"name": ""}]}, "steps"),
        ("processes", {"name": "ok", "steps": [{"name": "a", "id": 999999}]}, "steps"),
        ("processes", {"name": "ok", "steps": "many"}, "steps"),
        ("goals", {}, "title"),
    ],
)
def test_bad_input_answers_400_with_field_errors(actors, endpoint, body, field):
    response = api_as(actors.spec_a).post(
        f"/api/{endpoint}/", {"customer": actors.customer_a.pk, **body}, format="json"
    )
    assert response.status_code == 400, response.json()
    assert field in response.json()


def test_stakeholder_owner_must_see_the_account(actors):
    body = {"customer": actors.customer_a.pk, "name": "Eve", "owner": actors.sales_b.pk}
    response = api_as(actors.sales_a).post("/api/stakeholders/", body, format="json")
    assert response.status_code == 400
    assert "owner" in response.json()
    body["owner"] = actors.spec_a.pk
    assert api_as(actors.sales_a).post("/api/stakeholders/", body, format="json").status_code == 201


def test_reports_to_cycles_are_refused(actors):
    ceo = factories.StakeholderFactory(customer=actors.customer_a)
    cfo = factories.StakeholderFactory(customer=actors.customer_a, reports_to=ceo)
    response = api_as(actors.sales_a).patch(
        f"/api/stakeholders/{ceo.pk}/", {"reports_to": cfo.pk, "version": 1}, format="json"
    )
    assert response.status_code == 400
    assert "reports_to" in response.json()
    selfish = api_as(actors.sales_a).patch(
        f"/api/stakeholders/{ceo.pk}/", {"reports_to": ceo.pk, "version": 1}, format="json"
    )
    assert selfish.status_code == 400


def test_stakeholder_influences_and_reports_to_round_trip(actors):
    boss = factories.StakeholderFactory(customer=actors.customer_a)
    response = api_as(actors.spec_a).post(
        "/api/stakeholders/",
        {
            "customer": actors.customer_a.pk,
            "name": "Ann",
            "buying_role": "champion",
            "influence": 4,
            "reports_to": boss.pk,
            "influences": [boss.pk],
            "owner": actors.sales_a.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["reports_to"], data["influences"], data["owner"]) == (
        boss.pk,
        [boss.pk],
        actors.sales_a.pk,
    )


def test_filters_are_validated(actors):
    factories.ProblemFactory(customer=actors.customer_a, severity="high")
    factories.ProblemFactory(customer=actors.customer_a, severity="low")
    client = api_as(actors.sales_a)
    assert client.get("/api/problems/?severity=high").json()["count"] == 1
    customer = actors.customer_a.pk
    assert client.get(f"/api/problems/?customer={customer}&status=open").json()["count"] == 2
    for bad in ("severity=dire", "status=closed", "customer=abc", "customer=-1"):
        response = client.get(f"/api/problems/?{bad}")
        assert response.status_code == 400, bad


def test_process_steps_are_nested_and_writable(actors):
    client = api_as(actors.spec_a)
    response = client.post(
        "/api/processes/",
        {
            "customer": actors.customer_a.pk,
            "name": "Order to cash",
            "steps": [{"name": "Order"}, {"name": "Ship"}, {"name": "Invoice"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert [(s["position"], s["name"]) for s in data["steps"]] == [
        (1, "Order"),
        (2, "Ship"),
        (3, "Invoice"),
    ]
    _order, ship, invoice = data["steps"]
    pain = factories.ProblemFactory(customer=actors.customer_a)
    pain.process_step_id = ship["id"]
    pain.save()
    response = client.patch(
        f"/api/processes/{data['id']}/",
        {
            "version": data["version"],
            "steps": [{"id": invoice["id"], "name": "Invoice"}, {"id": ship["id"], "name": "Ship"}],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    steps = response.json()["steps"]
    assert [(s["id"], s["position"]) for s in steps] == [(invoice["id"], 1), (ship["id"], 2)]
    assert steps[1]["pain_points"] == [pain.pk]
    assert Process.objects.get().steps.count() == 2


def test_process_steps_of_another_process_are_refused(actors):
    other = factories.ProcessStepFactory(process__customer=actors.customer_a)
    process = factories.ProcessFactory(customer=actors.customer_a)
    response = api_as(actors.spec_a).patch(
        f"/api/processes/{process.pk}/",
        {"version": 1, "steps": [{"id": other.pk, "name": "Stolen"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "steps" in response.json()


def test_strategic_moves_and_options(actors):
    client = api_as(actors.spec_a)
    goal = factories.GoalFactory(customer=actors.customer_a)
    move = client.post(
        "/api/strategic-moves/",
        {
            "customer": actors.customer_a.pk,
            "title": "Enter Poland",
            "kind": "expansion",
            "status": "rumoured",
            "horizon_date": "2027-06-30",
        },
        format="json",
    )
    assert move.status_code == 201, move.json()
    assert move.json()["horizon_date"] == "2027-06-30"
    option = client.post(
        "/api/options/",
        {
            "customer": actors.customer_a.pk,
            "title": "Local partner",
            "kind": "operational",
            "serves_goals": [goal.pk],
        },
        format="json",
    )
    assert option.status_code == 201, option.json()
    other_goal = factories.GoalFactory(customer=actors.customer_a2)
    refused = client.patch(
        f"/api/options/{option.json()['id']}/",
        {"serves_goals": [other_goal.pk], "version": 1},
        format="json",
    )
    assert refused.status_code == 400
    assert "serves_goals" in refused.json()


def test_stakeholder_list_hides_removed_people(actors):
    factories.StakeholderFactory(customer=actors.customer_a)
    gone = factories.StakeholderFactory(customer=actors.customer_a)
    Stakeholder.objects.filter(pk=gone.pk).update(deleted_at="2026-01-01T00:00:00Z")
    response = api_as(actors.sales_a).get(f"/api/stakeholders/?customer={actors.customer_a.pk}")
    assert response.json()["count"] == 1


def test_list_query_count_does_not_grow(actors, django_assert_max_num_queries):
    client = api_as(actors.sales_a)
    for n in (2, 20):
        for _ in range(n):
            problem = factories.ProblemFactory(customer=actors.customer_a)
            problem.blocks_goals.add(factories.GoalFactory(customer=actors.customer_a))
        # count, page of problems, their goals, their proposals
        with django_assert_max_num_queries(4):
            assert client.get("/api/problems/").status_code == 200


# --- Business model -------------------------------------------------------------------------


def test_business_model_reads_empty_then_saves(actors):
    client = api_as(actors.spec_a)
    url = f"/api/customers/{actors.customer_a.pk}/business-model/"
    empty = client.get(url).json()
    assert empty["version"] == 1
    assert empty["value_proposition"] == ""
    saved = client.patch(url, {"value_proposition": "Fast parts", "version": 1}, format="json")
    assert saved.status_code == 200, saved.json()
    assert saved.json()["version"] == 2
    assert BusinessModel.objects.get().value_proposition == "Fast parts"
    stale = client.put(url, {"channels": "Web", "version": 1}, format="json")
    assert stale.status_code == 409
    again = client.put(url, {"channels": "Web", "version": 2}, format="json")
    assert again.status_code == 200
    assert again.json()["value_proposition"] == "Fast parts"


def test_business_model_permissions(actors):
    url = f"/api/customers/{actors.customer_a.pk}/business-model/"
    assert api_as(actors.outsider).get(url).status_code == 404
    assert api_as(actors.viewer_a).get(url).status_code == 200
    response = api_as(actors.viewer_a).patch(url, {"channels": "x", "version": 1}, format="json")
    assert response.status_code == 403
    too_long = api_as(actors.sales_a).patch(
        url, {"channels": "x" * 5001, "version": 1}, format="json"
    )
    assert too_long.status_code == 400
    assert "channels" in too_long.json()
