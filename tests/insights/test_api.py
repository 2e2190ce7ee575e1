import pytest

from insights import plans, summaries
from insights.models import SummaryBuildState
from tests import factories
from tests.conftest import api_as

SUMMARIES = "/api/summaries/"


def rebuild_url(customer) -> str:
    return f"/api/customers/{customer.pk}/rebuild-summary/"


@pytest.fixture
def built(actors):
    summaries.rebuild_summary(actors.customer_a.pk)
    summaries.rebuild_summary(actors.customer_b.pk)
    return actors


def test_summaries_are_scoped_to_what_the_caller_sees(built):
    response = api_as(built.sales_a).get(SUMMARIES)
    assert response.status_code == 200
    assert {row["customer"] for row in response.json()["results"]} == {built.customer_a.pk}


def test_filter_by_customer_newest_first(built):
    plans.save_plan_section(
        built.customer_a, area=None, body="Grow", expected_version=0, by=built.sales_a
    )
    summaries.rebuild_summary(built.customer_a.pk)
    response = api_as(built.viewer_a).get(SUMMARIES, {"customer": built.customer_a.pk})
    rows = response.json()["results"]
    assert [row["number"] for row in rows] == [2, 1]
    assert rows[0]["content"]["plan_sections"][0]["body"] == "Grow"
    assert rows[0]["markdown"].startswith("# Account summary")
    assert len(rows[0]["content_hash"]) == 64


def test_filter_by_an_invisible_customer_gives_nothing(built):
    response = api_as(built.sales_a).get(SUMMARIES, {"customer": built.customer_b.pk})
    assert response.json()["results"] == []


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "9" * 30])
def test_bad_customer_filter_is_400(built, value):
    response = api_as(built.sales_a).get(SUMMARIES, {"customer": value})
    assert response.status_code == 400
    assert "customer" in response.json()


def test_outsider_gets_404_for_a_summary(built):
    summary = built.customer_a.summaries.get()
    assert api_as(built.sales_b).get(f"{SUMMARIES}{summary.pk}/").status_code == 404
    assert api_as(built.viewer_a).get(f"{SUMMARIES}{summary.pk}/").status_code == 200


def test_summaries_are_read_only(built):
    summary = built.customer_a.summaries.get()
    client = api_as(built.sales_a)
    assert client.post(SUMMARIES, {}, format="json").status_code == 405
    assert client.patch(f"{SUMMARIES}{summary.pk}/", {}, format="json").status_code == 405
    assert client.delete(f"{SUMMARIES}{summary.pk}/").status_code == 405


def test_anonymous_is_refused(api_client):
    assert api_client.get(SUMMARIES).status_code in {401, 403}


def test_rebuild_answers_202_and_builds(actors):
    response = api_as(actors.sales_a).post(rebuild_url(actors.customer_a))
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    assert actors.customer_a.summaries.count() == 1
    assert SummaryBuildState.objects.get(customer=actors.customer_a).status == "succeeded"


def test_manager_may_rebuild(actors):
    assert api_as(actors.mgr_a).post(rebuild_url(actors.customer_a)).status_code == 202


def test_rebuild_outsider_404_viewer_403(actors):
    assert api_as(actors.sales_b).post(rebuild_url(actors.customer_a)).status_code == 404
    assert api_as(actors.mgr_b).post(rebuild_url(actors.customer_a)).status_code == 404
    assert api_as(actors.viewer_a).post(rebuild_url(actors.customer_a)).status_code == 403
    assert api_as(actors.spec_a).post(rebuild_url(actors.customer_a)).status_code == 403
    assert not actors.customer_a.summaries.exists()


def test_rebuild_of_a_missing_customer_is_404(actors):
    assert api_as(actors.admin).post("/api/customers/999999/rebuild-summary/").status_code == 404


def test_rebuild_with_the_broker_down_is_still_accepted(actors, monkeypatch):
    def broker_down(**kwargs):
        raise OSError("refused")

    monkeypatch.setattr("insights.tasks.rebuild_summary_task.apply_async", broker_down)
    response = api_as(actors.sales_a).post(rebuild_url(actors.customer_a))
    assert response.status_code == 202
    assert response.json()["status"] == "deferred"
    actors.customer_a.refresh_from_db()
    assert actors.customer_a.summary_dirty_since is not None


def test_list_query_count_is_fixed(built, django_assert_max_num_queries):
    # count and page of summaries (the forced user needs no query).
    client = api_as(built.admin)
    with django_assert_max_num_queries(2):
        client.get(SUMMARIES)
    for i in range(10):
        factories.GoalFactory(customer=built.customer_a2, title=f"Goal {i}")
        summaries.rebuild_summary(built.customer_a2.pk)
    with django_assert_max_num_queries(2):
        assert len(client.get(SUMMARIES).json()["results"]) == 12
