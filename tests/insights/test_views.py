import pytest
from django.urls import reverse

from accounts.models import Area, Notification
from customers import services as customer_services
from customers.models import Goal
from insights import plans, summaries
from insights.models import AccountPlan, AccountSummary, PlanSection, SummaryBuildState
from tests import factories


def url(name: str, customer, *args) -> str:
    return reverse(f"insights:{name}", args=[customer.pk, *args])


@pytest.fixture
def built(actors):
    """customer_a with two summary versions."""
    summaries.rebuild_summary(actors.customer_a.pk)
    customer_services.create_record(
        Goal, customer=actors.customer_a, by=actors.sales_a, fields={"title": "Enter <Norway>"}
    )
    summaries.rebuild_summary(actors.customer_a.pk)
    return actors.customer_a


READ_PAGES = [
    ("summary", ()),
    ("summary-status", ()),
    ("summary-history", ()),
    ("summary-version", (1,)),
    ("export-summary", ()),
    ("plan", ()),
]


@pytest.mark.parametrize(("name", "args"), READ_PAGES)
def test_outsider_gets_404_on_every_page(client, actors, built, name, args):
    client.force_login(actors.sales_b)
    assert client.get(url(name, built, *args)).status_code == 404


@pytest.mark.parametrize(("name", "args"), READ_PAGES)
def test_viewer_can_read_every_page(client, actors, built, name, args):
    client.force_login(actors.viewer_a)
    assert client.get(url(name, built, *args)).status_code == 200


def test_diff_outsider_404_and_viewer_200(client, actors, built):
    client.force_login(actors.sales_b)
    assert client.get(url("summary-diff", built), {"a": 1, "b": 2}).status_code == 404
    client.force_login(actors.viewer_a)
    assert client.get(url("summary-diff", built), {"a": 1, "b": 2}).status_code == 200


WRITES = [
    ("rebuild-summary", (), {}),
    ("edit-strategy", (), {"body": "x", "version": 0}),
    ("submit-plan", (), {}),
    ("review-plan", (), {"decision": "approve"}),
    ("add-plan-comment", (), {"body": "hello"}),
]


@pytest.mark.parametrize(("name", "args", "data"), WRITES)
def test_outsider_gets_404_on_every_write(client, actors, name, args, data):
    client.force_login(actors.sales_b)
    assert client.post(url(name, actors.customer_a, *args), data).status_code == 404
    assert not Notification.objects.exists()


@pytest.mark.parametrize(("name", "args", "data"), WRITES)
def test_viewer_gets_403_on_every_write(client, actors, name, args, data):
    client.force_login(actors.viewer_a)
    assert client.post(url(name, actors.customer_a, *args), data).status_code == 403


def test_summary_page_shows_the_latest_version(client, actors, built):
    client.force_login(actors.sales_a)
    body = client.get(url("summary", built)).content.decode()
    assert "Version 2" in body
    assert "Enter &lt;Norway&gt;" in body
    assert "<Norway>" not in body
    assert "Rebuild now" in body


def test_summary_page_without_a_version_explains_what_happens(client, actors):
    client.force_login(actors.spec_a)
    body = client.get(url("summary", actors.customer_a)).content.decode()
    assert "No summary has been built" in body
    assert "Rebuild now" not in body


def test_summary_page_query_count_is_fixed(client, actors, built, django_assert_max_num_queries):
    # session, user, customer with access annotations, build state, latest version, unread
    # notifications (base.html), and the session save (savepoint, update, release).
    client.force_login(actors.sales_a)
    with django_assert_max_num_queries(9):
        assert client.get(url("summary", built)).status_code == 200
    for i in range(10):
        factories.MeetingFactory(customer=built, customer_said=f"Said {i}")
        factories.GoalFactory(customer=built)
    summaries.rebuild_summary(built.pk)
    with django_assert_max_num_queries(9):
        assert client.get(url("summary", built)).status_code == 200


def test_history_query_count_is_fixed(client, actors, built, django_assert_max_num_queries):
    # session, user, customer, versions count, versions page, unread notifications, and the
    # session save (savepoint, update, release).
    client.force_login(actors.sales_a)
    with django_assert_max_num_queries(9):
        client.get(url("summary-history", built))
    for i in range(10):
        factories.GoalFactory(customer=built, title=f"Goal {i}")
        summaries.rebuild_summary(built.pk)
    with django_assert_max_num_queries(9):
        body = client.get(url("summary-history", built)).content.decode()
    assert "Goal added: Goal 9" in body


def test_rebuild_now_with_htmx_returns_the_live_region(client, actors, built):
    client.force_login(actors.sales_a)
    factories.GoalFactory(customer=built, title="Fresh goal")
    response = client.post(url("rebuild-summary", built), headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="summary-live"' in body
    assert "<html" not in body
    # Eager in tests: the rebuild already ran, so the region stops polling.
    assert "Version 3" in body
    assert "every 1s" not in body
    assert "Rebuilt: version 3 is new." in body


def test_rebuild_now_on_an_unchanged_account_says_it_is_up_to_date(client, actors, built):
    client.force_login(actors.sales_a)
    response = client.post(url("rebuild-summary", built), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "Up to date: nothing changed since version 2." in body
    assert AccountSummary.objects.filter(customer=built).count() == 2


def test_status_region_polls_while_a_rebuild_is_queued(client, actors, built):
    SummaryBuildState.objects.filter(customer=built).update(status="queued")
    client.force_login(actors.sales_a)
    body = client.get(url("summary-status", built)).content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert "Rebuild queued" in body


def test_a_failed_build_says_so_and_what_to_do(client, actors, built):
    SummaryBuildState.objects.filter(customer=built).update(
        status="failed", attempts=6, last_error="OperationalError: db gone"
    )
    client.force_login(actors.sales_a)
    body = client.get(url("summary", built)).content.decode()
    assert "The last rebuild failed" in body
    assert "tell an administrator" in body
    assert "db gone" not in body
    client.force_login(actors.admin)
    assert "db gone" in client.get(url("summary", built)).content.decode()


def test_rebuild_without_a_broker_tells_the_user(client, actors, built, monkeypatch):
    def broker_down(**kwargs):
        raise OSError("refused")

    monkeypatch.setattr("insights.tasks.rebuild_summary_task.apply_async", broker_down)
    client.force_login(actors.sales_a)
    response = client.post(url("rebuild-summary", built), headers={"HX-Request": "true"})
    assert "job queue is unavailable" in response.content.decode()
    built.refresh_from_db()
    assert built.summary_dirty_since is not None


def test_specialist_cannot_rebuild(client, actors, built):
    client.force_login(actors.spec_a)
    assert client.post(url("rebuild-summary", built)).status_code == 403


def test_rebuild_needs_post(client, actors, built):
    client.force_login(actors.sales_a)
    assert client.get(url("rebuild-summary", built)).status_code == 405


def test_diff_is_rendered_section_by_section(client, actors, built):
    client.force_login(actors.sales_a)
    body = client.get(url("summary-diff", built), {"a": 1, "b": 2}).content.decode()
    # The added goal, rendered as a person reads it: bold, its title's markup escaped.
    added = body[body.index('<ins class="diff-block prose">') :]
    added = added[: added.index("</ins>")]
    assert "<strong>Enter &lt;Norway&gt;</strong>" in added
    assert "@@" not in body
    assert "**" not in body
    assert "+++" not in body
    # Sections the new goal did not touch are folded away as unchanged.
    assert "diff-section diff-unchanged" in body
    assert "diff-section diff-changed" in body


@pytest.mark.parametrize("params", [{}, {"a": "x", "b": 1}, {"a": 1, "b": 99}, {"a": -1, "b": 1}])
def test_diff_bad_input_gives_field_errors(client, actors, built, params):
    client.force_login(actors.sales_a)
    response = client.get(url("summary-diff", built), params)
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()


def test_export_downloads_markdown(client, actors, built):
    client.force_login(actors.viewer_a)
    response = client.get(url("export-summary", built))
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert 'filename="alpha-industries-summary-v2.md"' in response["Content-Disposition"]
    assert response.content.decode().startswith("# Account summary: Alpha Industries")
    older = client.get(url("export-summary", built), {"version": 1})
    assert 'summary-v1.md"' in older["Content-Disposition"]


def test_export_bad_or_missing_version(client, actors, built):
    client.force_login(actors.sales_a)
    assert client.get(url("export-summary", built), {"version": "abc"}).status_code == 400
    assert client.get(url("export-summary", built), {"version": 99}).status_code == 404


def test_unknown_version_is_404(client, actors, built):
    client.force_login(actors.sales_a)
    assert client.get(url("summary-version", built, 99)).status_code == 404


# --- The plan ------------------------------------------------------------------------------------


@pytest.fixture
def engineering(actors):
    area = Area.objects.create(name="Engineering")
    actors.spec_a.area = area
    actors.spec_a.save(update_fields=["area"])
    return area


def test_lead_writes_the_strategy(client, actors, engineering):
    client.force_login(actors.sales_a)
    assert client.get(url("edit-strategy", actors.customer_a)).status_code == 200
    response = client.post(
        url("edit-strategy", actors.customer_a),
        {"body": "## Grow\n\n<script>x</script>", "version": 0},
    )
    assert response.status_code == 302
    body = client.get(url("plan", actors.customer_a)).content.decode()
    assert "<h2>Grow</h2>" in body
    assert "<script>x" not in body


def test_specialist_writes_only_their_area(client, actors, engineering):
    other = Area.objects.create(name="Finance")
    client.force_login(actors.spec_a)
    assert (
        client.post(
            url("edit-strategy", actors.customer_a), {"body": "x", "version": 0}
        ).status_code
        == 403
    )
    assert (
        client.post(
            url("edit-section", actors.customer_a, other.pk), {"body": "x", "version": 0}
        ).status_code
        == 403
    )
    response = client.post(
        url("edit-section", actors.customer_a, engineering.pk),
        {"body": "Survey first", "version": 0},
    )
    assert response.status_code == 302
    section = PlanSection.objects.get(customer=actors.customer_a, area=engineering)
    assert section.updated_by == actors.spec_a


def test_lead_cannot_write_an_area_section(client, actors, engineering):
    client.force_login(actors.sales_a)
    assert client.get(url("edit-section", actors.customer_a, engineering.pk)).status_code == 403


def test_unknown_area_is_404(client, actors):
    client.force_login(actors.sales_a)
    assert client.get(url("edit-section", actors.customer_a, 9999)).status_code == 404


def test_stale_section_save_keeps_input_and_shows_the_stored_text(client, actors):
    plans.save_plan_section(
        actors.customer_a, area=None, body="Stored text", expected_version=0, by=actors.sales_a
    )
    client.force_login(actors.sales_a)
    response = client.post(
        url("edit-strategy", actors.customer_a), {"body": "My text", "version": 0}
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed this" in body
    assert "Stored text" in body
    assert "My text" in body
    assert 'name="version" value="1"' in body


@pytest.mark.parametrize(
    "data", [{"body": "x"}, {"body": "x", "version": "abc"}, {"body": "x" * 50001, "version": 0}]
)
def test_section_bad_input_gives_field_errors(client, actors, data):
    client.force_login(actors.sales_a)
    response = client.post(url("edit-strategy", actors.customer_a), data)
    assert response.status_code == 400


def test_plan_page_lists_strategy_and_specialist_areas(
    client, actors, engineering, django_assert_max_num_queries
):
    client.force_login(actors.spec_a)
    # session, user, customer, plan + its events, sections, specialist areas, comments, unread
    # notifications, and the session save (savepoint, update, release).
    with django_assert_max_num_queries(12):
        body = client.get(url("plan", actors.customer_a)).content.decode()
    assert "Strategy" in body
    assert "Engineering section" in body
    assert reverse("insights:edit-section", args=[actors.customer_a.pk, engineering.pk]) in body
    assert reverse("insights:edit-strategy", args=[actors.customer_a.pk]) not in body


def test_review_workflow_through_the_pages(client, actors):
    customer = actors.customer_a
    client.force_login(actors.mgr_a)
    assert client.post(url("submit-plan", customer)).status_code == 403
    client.force_login(actors.sales_a)
    assert client.post(url("submit-plan", customer), {"comment": "Please look"}).status_code == 302
    assert client.post(url("review-plan", customer), {"decision": "approve"}).status_code == 403
    client.force_login(actors.mgr_a)
    response = client.post(url("review-plan", customer), {"decision": "request_changes"})
    assert response.status_code == 400
    assert "Say what should change." in response.content.decode()
    assert client.post(url("review-plan", customer), {"decision": "bogus"}).status_code == 400
    client.post(url("review-plan", customer), {"decision": "approve", "comment": "Fine"})
    plan = AccountPlan.objects.get(customer=customer)
    assert plan.status == AccountPlan.Status.APPROVED
    assert plan.last_approved_at is not None
    body = client.get(url("plan", customer)).content.decode()
    assert "Last approved" in body


def test_other_teams_manager_is_an_outsider(client, actors):
    client.force_login(actors.mgr_b)
    assert (
        client.post(url("review-plan", actors.customer_a), {"decision": "approve"}).status_code
        == 404
    )


def test_comments(client, actors):
    client.force_login(actors.mgr_a)
    assert client.post(url("add-plan-comment", actors.customer_a), {"body": ""}).status_code == 400
    client.post(url("add-plan-comment", actors.customer_a), {"body": "Add **numbers**"})
    assert Notification.objects.filter(user=actors.sales_a, kind="plan_review").exists()
    body = client.get(url("plan", actors.customer_a)).content.decode()
    assert "<strong>numbers</strong>" in body


def test_summary_shows_the_plan_review_state(client, actors):
    plans.submit_plan(actors.customer_a, by=actors.sales_a)
    plans.review_plan(actors.customer_a, by=actors.mgr_a, approve=True)
    summaries.rebuild_summary(actors.customer_a.pk)
    summary = AccountSummary.objects.get(customer=actors.customer_a)
    assert "Review state: Approved" in summary.markdown


def test_staff_see_failed_builds_in_the_admin(client, actors, built):
    SummaryBuildState.objects.filter(customer=built).update(
        status="failed", attempts=6, last_error="ValueError: poison"
    )
    client.force_login(actors.admin)
    response = client.get("/admin/insights/summarybuildstate/", {"status__exact": "failed"})
    assert response.status_code == 200
    assert "ValueError: poison" in response.content.decode()


def test_reviewer_sees_what_changed_since_the_last_approval(client, actors):
    customer = actors.customer_a
    section = plans.save_plan_section(
        customer, area=None, body="Grow **exports**.", expected_version=0, by=actors.sales_a
    )
    plans.submit_plan(customer, by=actors.sales_a)
    client.force_login(actors.mgr_a)
    first = client.get(url("plan", customer)).content.decode()
    assert "never approved before" in first
    plans.review_plan(customer, by=actors.mgr_a, approve=True)
    plans.save_plan_section(
        customer,
        area=None,
        body="Grow **exports** to Norway.",
        expected_version=section.version,
        by=actors.sales_a,
    )
    plans.submit_plan(customer, by=actors.sales_a)
    body = client.get(url("plan", customer)).content.decode()
    assert "What changed since the last approval" in body
    removed = body[body.index('<del class="diff-block prose">') :]
    assert "Grow <strong>exports</strong>." in removed[: removed.index("</del>")]
    added = body[body.index('<ins class="diff-block prose">') :]
    assert "Grow <strong>exports</strong> to Norway." in added[: added.index("</ins>")]
