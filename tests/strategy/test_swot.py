import pytest
from django.urls import reverse

from customers.models import Customer, Problem
from strategy import analysis
from strategy.models import AnalysisItem
from tests import factories

pytestmark = pytest.mark.django_db


def _answer(client, customer, answer, source, kind, category=""):
    url = reverse("strategy:answer-suggestion", args=[customer.pk, answer])
    return client.post(url, {"kind": kind, "source": source.pk, "category": category})


def test_model_suggests_severe_open_problems_moves_and_options(actors):
    customer = actors.customer_a
    severe = factories.ProblemFactory(customer=customer, title="Ramps jammed", severity="high")
    factories.ProblemFactory(customer=customer, title="Minor", severity="low")
    factories.ProblemFactory(customer=customer, title="Fixed", severity="critical", status="solved")
    move = factories.StrategicMoveFactory(customer=customer, title="Expand to Poland")
    factories.StrategicMoveFactory(customer=customer, title="Old plan", status="abandoned")
    option = factories.OptionFactory(customer=customer, title="Outsource the warehouse")
    factories.ProblemFactory(customer=actors.customer_b, severity="critical")

    found = {(s.kind, s.record.pk): s.categories for s in analysis.suggestions(customer)}
    assert found == {
        ("problem", severe.pk): ("weakness",),
        ("move", move.pk): ("opportunity", "threat"),
        ("option", option.pk): ("opportunity",),
    }


def test_accepting_and_ignoring_suggestions(client, actors):
    customer = actors.customer_a
    problem = factories.ProblemFactory(customer=customer, title="Ramps jammed", severity="high")
    move = factories.StrategicMoveFactory(customer=customer, title="Expand to Poland")
    client.force_login(actors.spec_a)

    response = _answer(client, customer, "accept", problem, "problem", "weakness")
    assert response.status_code == 302
    response = _answer(client, customer, "ignore", move, "move")
    assert response.status_code == 302
    assert analysis.suggestions(customer) == []
    item = AnalysisItem.objects.get(is_ignored=False)
    assert (item.category, item.text, item.problem, item.source_version) == (
        "weakness",
        "Ramps jammed",
        problem,
        problem.version,
    )
    page = client.get(reverse("strategy:swot", args=[customer.pk])).content.decode()
    assert "Ramps jammed" in page
    # Ignored: neither an item nor a suggestion any more.
    assert "Suggested from the account" not in page
    # Bad answers: a missing source is 400, another customer's record 404, a bad category 400.
    url = reverse("strategy:answer-suggestion", args=[customer.pk, "accept"])
    assert client.post(url, {"kind": "problem"}).status_code == 400
    foreign = factories.ProblemFactory(customer=actors.customer_b, severity="high")
    assert _answer(client, customer, "accept", foreign, "problem", "weakness").status_code == 404
    other = factories.OptionFactory(customer=customer)
    assert _answer(client, customer, "accept", other, "option", "bogus").status_code == 400
    assert _answer(client, customer, "maybe", other, "option").status_code == 404


def test_an_accepted_item_shows_when_its_source_changed_or_closed(client, actors):
    customer = actors.customer_a
    problem = factories.ProblemFactory(customer=customer, title="Ramps jammed", severity="high")
    client.force_login(actors.sales_a)
    _answer(client, customer, "accept", problem, "problem", "weakness")
    item = AnalysisItem.objects.get()
    assert analysis.staleness(item) == ""

    # Someone edits the problem: the item says its source changed.
    response = client.post(
        reverse("customers:edit-record", args=[customer.pk, "problems", problem.pk]),
        {
            "title": "Ramps jammed every morning",
            "severity": "high",
            "status": "open",
            "version": problem.version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item = AnalysisItem.objects.select_related("problem").get()
    assert analysis.staleness(item) == "changed"
    page = client.get(reverse("strategy:swot", args=[customer.pk])).content.decode()
    assert "its source changed since it was accepted" in page

    # Reviewed: current again.
    url = reverse("strategy:review-analysis-item", args=[customer.pk, item.pk])
    assert client.post(url).status_code == 302
    item = AnalysisItem.objects.select_related("problem").get()
    assert analysis.staleness(item) == ""

    # Solved: the item says its source is closed; reviewing unlinks it and keeps the words.
    Problem.objects.filter(pk=problem.pk).update(status="solved")
    item = AnalysisItem.objects.select_related("problem").get()
    assert analysis.staleness(item) == "closed"
    client.post(url)
    item = AnalysisItem.objects.get()
    assert (item.problem, item.text, analysis.staleness(item)) == (None, "Ramps jammed", "")


def test_a_deleted_source_leaves_the_item_marked_removed(actors):
    customer = actors.customer_a
    option = factories.OptionFactory(customer=customer, title="Sell the fleet")
    from strategy import services

    item = services.accept_suggestion(
        customer, source=option, category="opportunity", by=actors.sales_a
    )
    option.delete()
    item.refresh_from_db()
    assert analysis.staleness(item) == "removed"


def test_team_writes_items_linked_to_records_with_field_errors(client, actors):
    customer = actors.customer_a
    goal = factories.GoalFactory(customer=customer, title="Grow in Poland")
    client.force_login(actors.spec_a)
    url = reverse("strategy:add-analysis-item", args=[customer.pk])
    response = client.post(url, {"category": "political", "text": "", "link": ""})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    foreign = factories.GoalFactory(customer=actors.customer_b)
    response = client.post(
        url, {"category": "strength", "text": "Keeps this", "link": f"goal-{foreign.pk}"}
    )
    assert response.status_code == 400
    assert "Keeps this" in response.content.decode()
    response = client.post(
        url, {"category": "strength", "text": "<b>Loyal</b> drivers", "link": f"goal-{goal.pk}"}
    )
    assert response.status_code == 302
    item = AnalysisItem.objects.get()
    assert (item.goal, item.source_kind, item.created_by) == (goal, "goal", actors.spec_a)
    page = client.get(reverse("strategy:swot", args=[customer.pk])).content.decode()
    assert "&lt;b&gt;Loyal&lt;/b&gt; drivers" in page
    before = Customer.objects.get(pk=customer.pk).data_version
    # The viewer cannot delete it; its author can, into the trash.
    delete = reverse("strategy:delete-analysis-item", args=[customer.pk, item.pk])
    client.force_login(actors.viewer_a)
    assert client.post(delete).status_code == 403
    client.force_login(actors.spec_a)
    assert client.post(delete).status_code == 302
    item.refresh_from_db()
    assert item.is_deleted
    assert Customer.objects.get(pk=customer.pk).data_version > before
    assert "Loyal" not in client.get(reverse("strategy:swot", args=[customer.pk])).content.decode()
    # The lead finds it in Recently deleted and brings it back, with its link to the goal.
    client.force_login(actors.sales_a)
    trash = client.get(reverse("integrity:trash", args=[customer.pk])).content.decode()
    assert "SWOT/PESTLE item" in trash
    assert "&lt;b&gt;Loyal&lt;/b&gt; drivers" in trash
    restore = reverse("integrity:restore-deleted", args=[customer.pk, "analysis-items", item.pk])
    assert client.post(restore).status_code == 302
    page = client.get(reverse("strategy:swot", args=[customer.pk])).content.decode()
    assert "&lt;b&gt;Loyal&lt;/b&gt; drivers" in page
    item.refresh_from_db()
    assert (item.is_deleted, item.goal) == (False, goal)


def test_other_team_gets_404(client, actors):
    customer = actors.customer_a
    item = factories.AnalysisItemFactory(customer=customer)
    problem = factories.ProblemFactory(customer=customer, severity="high")
    client.force_login(actors.sales_b)
    assert client.get(reverse("strategy:swot", args=[customer.pk])).status_code == 404
    for name in ("review-analysis-item", "delete-analysis-item"):
        assert (
            client.post(reverse(f"strategy:{name}", args=[customer.pk, item.pk])).status_code == 404
        )
    assert _answer(client, customer, "ignore", problem, "problem").status_code == 404
    # Their own account with our ids finds nothing either.
    own = actors.customer_b
    assert _answer(client, own, "ignore", problem, "problem").status_code == 404
    url = reverse("strategy:delete-analysis-item", args=[own.pk, item.pk])
    assert client.post(url).status_code == 404
    assert AnalysisItem.objects.filter(is_ignored=True).count() == 0


def test_swot_page_queries_are_flat(client, actors, django_assert_max_num_queries):
    customer = actors.customer_a
    client.force_login(actors.sales_a)
    url = reverse("strategy:swot", args=[customer.pk])

    def fill(n: int) -> None:
        for _ in range(n):
            problem = factories.ProblemFactory(customer=customer, severity="high")
            factories.AnalysisItemFactory(customer=customer, problem=problem, source_kind="problem")
            factories.ProblemFactory(customer=customer, severity="critical")
            factories.StrategicMoveFactory(customer=customer)
            factories.OptionFactory(customer=customer)

    fill(1)
    client.get(url)
    # session, user, customer with access, items with sources, taken sources, problems,
    # moves, options, the form's four link lists, unread notifications
    with django_assert_max_num_queries(14) as small:
        client.get(url)
    fill(5)
    with django_assert_max_num_queries(len(small)):
        client.get(url)
