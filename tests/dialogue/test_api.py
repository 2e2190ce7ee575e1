import pytest
from django.utils import timezone

from dialogue.models import Meeting
from tests import factories
from tests.conftest import api_as

pytestmark = pytest.mark.django_db


def meeting_body(for_customer, **overrides):
    body = {
        "customer": for_customer.pk,
        "occurred_at": "2026-11-20T10:30:00Z",
        "kind": "call",
        "title": "Pricing call",
        "notes": "Discussed **terms**",
        "customer_said": "Too expensive",
        "insights": "Price is an objection",
        "sentiment": "negative",
    }
    body.update(overrides)
    return body


def test_create_meeting_as_specialist(actors):
    goal = factories.GoalFactory(customer=actors.customer_a)
    stakeholder = factories.StakeholderFactory(customer=actors.customer_a)
    response = api_as(actors.spec_a).post(
        "/api/meetings/",
        meeting_body(
            actors.customer_a,
            goals=[goal.pk],
            stakeholders=[stakeholder.pk],
            internal_attendees=[actors.sales_a.pk],
        ),
        format="json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["author"] == actors.spec_a.pk
    assert data["goals"] == [goal.pk]
    meeting = Meeting.objects.get()
    actors.customer_a.refresh_from_db()
    assert actors.customer_a.last_meeting_at == meeting.occurred_at


def test_viewer_cannot_create_meeting(actors):
    response = api_as(actors.viewer_a).post(
        "/api/meetings/", meeting_body(actors.customer_a), format="json"
    )
    assert response.status_code == 403
    assert not Meeting.objects.exists()


def test_outsider_cannot_create_meeting_or_see_one(actors):
    response = api_as(actors.sales_b).post(
        "/api/meetings/", meeting_body(actors.customer_a), format="json"
    )
    assert response.status_code == 400
    assert "customer" in response.json()
    meeting = factories.MeetingFactory(customer=actors.customer_a)
    client = api_as(actors.sales_b)
    assert client.get(f"/api/meetings/{meeting.pk}/").status_code == 404
    assert (
        client.patch(
            f"/api/meetings/{meeting.pk}/", {"title": "x", "version": 1}, format="json"
        ).status_code
        == 404
    )
    assert client.delete(f"/api/meetings/{meeting.pk}/").status_code == 404
    assert client.get("/api/meetings/").json()["results"] == []


@pytest.mark.parametrize("field", ["stakeholders", "goals", "problems"])
def test_records_of_another_customer_are_400(actors, field):
    factory = {
        "stakeholders": factories.StakeholderFactory,
        "goals": factories.GoalFactory,
        "problems": factories.ProblemFactory,
    }[field]
    other = factory(customer=actors.customer_a2)
    response = api_as(actors.mgr_a).post(
        "/api/meetings/", meeting_body(actors.customer_a, **{field: [other.pk]}), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    hidden = factory(customer=actors.customer_b)
    response = api_as(actors.sales_a).post(
        "/api/meetings/", meeting_body(actors.customer_a, **{field: [hidden.pk]}), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not Meeting.objects.exists()


def test_internal_attendee_who_cannot_see_the_account_is_400(actors):
    response = api_as(actors.sales_a).post(
        "/api/meetings/",
        meeting_body(actors.customer_a, internal_attendees=[actors.sales_b.pk]),
        format="json",
    )
    assert response.status_code == 400
    assert "internal_attendees" in response.json()


@pytest.mark.parametrize(
    "overrides",
    [
        {"title": ""},
        {"title": "x" * 201},
        {"kind": "party"},
        {"sentiment": "ecstatic"},
        {"occurred_at": "yesterday"},
        {"occurred_at": "1990-01-01T00:00:00Z"},
        {"notes": "n" * 50001},
        {"customer": "abc"},
        {"stakeholders": ["abc"]},
        {"title": "nul\u0000byte"},
    ],
)
def test_bad_meeting_input_is_400(actors, overrides):
    response = api_as(actors.sales_a).post(
        "/api/meetings/", meeting_body(actors.customer_a, **overrides), format="json"
    )
    assert response.status_code == 400
    assert set(overrides) & set(response.json()) or "NUL" in response.json().get("detail", "")


def test_update_meeting_needs_version_and_detects_conflicts(actors):
    meeting = factories.MeetingFactory(customer=actors.customer_a)
    client = api_as(actors.sales_a)
    url = f"/api/meetings/{meeting.pk}/"
    assert client.patch(url, {"title": "New"}, format="json").status_code == 428
    assert client.patch(url, {"title": "New", "version": 1}, format="json").status_code == 200
    assert client.patch(url, {"title": "Again", "version": 1}, format="json").status_code == 409
    assert (
        client.patch(
            url, {"customer": actors.customer_a2.pk, "version": 2}, format="json"
        ).status_code
        == 400
    )
    meeting.refresh_from_db()
    assert (meeting.title, meeting.version) == ("New", 2)


def test_viewer_cannot_update_or_delete_meeting(actors):
    meeting = factories.MeetingFactory(customer=actors.customer_a)
    client = api_as(actors.viewer_a)
    url = f"/api/meetings/{meeting.pk}/"
    assert client.get(url).status_code == 200
    assert client.patch(url, {"title": "x", "version": 1}, format="json").status_code == 403
    assert client.delete(url).status_code == 403


def test_delete_meeting_is_soft(actors):
    meeting = factories.MeetingFactory(customer=actors.customer_a, author=actors.spec_a)
    client = api_as(actors.spec_a)
    assert client.delete(f"/api/meetings/{meeting.pk}/").status_code == 204
    assert client.get(f"/api/meetings/{meeting.pk}/").status_code == 404
    assert Meeting.objects.filter(pk=meeting.pk, deleted_at__isnull=False).exists()


def test_only_the_author_the_lead_and_managers_delete_a_meeting(actors):
    """Penetration test: a specialist could delete the lead's meeting."""
    meeting = factories.MeetingFactory(customer=actors.customer_a, author=actors.sales_a)
    for user in (actors.spec_a, actors.viewer_a):
        assert api_as(user).delete(f"/api/meetings/{meeting.pk}/").status_code == 403
    assert Meeting.objects.filter(pk=meeting.pk, deleted_at__isnull=True).exists()
    assert api_as(actors.mgr_a).delete(f"/api/meetings/{meeting.pk}/").status_code == 204
    own = factories.MeetingFactory(customer=actors.customer_a, author=actors.spec_a)
    assert api_as(actors.sales_a).delete(f"/api/meetings/{own.pk}/").status_code == 204


def test_meeting_list_filters(actors):
    factories.MeetingFactory(customer=actors.customer_a, kind="call")
    factories.MeetingFactory(customer=actors.customer_a2, kind="visit")
    client = api_as(actors.mgr_a)
    assert len(client.get("/api/meetings/").json()["results"]) == 2
    assert len(client.get(f"/api/meetings/?customer={actors.customer_a.pk}").json()["results"]) == 1
    assert len(client.get("/api/meetings/?kind=visit").json()["results"]) == 1
    assert client.get("/api/meetings/?customer=abc").status_code == 400
    assert client.get("/api/meetings/?kind=party").status_code == 400


def item_body(for_customer, for_owner, **overrides):
    body = {
        "customer": for_customer.pk,
        "description": "Call back",
        "owner": for_owner.pk,
        "due_date": "2026-12-01",
    }
    body.update(overrides)
    return body


def test_create_and_complete_action_item(actors):
    client = api_as(actors.spec_a)
    response = client.post(
        "/api/action-items/", item_body(actors.customer_a, actors.sales_a), format="json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["due_date"], data["status"], data["created_by"]) == (
        "2026-12-01",
        "open",
        actors.spec_a.pk,
    )
    response = client.patch(
        f"/api/action-items/{data['id']}/", {"status": "done", "version": 1}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["completed_at"] is not None


def test_action_item_owner_who_cannot_see_the_account_is_400(actors):
    response = api_as(actors.sales_a).post(
        "/api/action-items/", item_body(actors.customer_a, actors.sales_b), format="json"
    )
    assert response.status_code == 400
    assert "owner" in response.json()


def test_action_item_meeting_of_another_customer_is_400(actors):
    meeting = factories.MeetingFactory(customer=actors.customer_a2)
    response = api_as(actors.mgr_a).post(
        "/api/action-items/",
        item_body(actors.customer_a, actors.sales_a, meeting=meeting.pk),
        format="json",
    )
    assert response.status_code == 400
    assert "meeting" in response.json()


@pytest.mark.parametrize(
    "overrides",
    [
        {"description": ""},
        {"description": "d" * 501},
        {"due_date": "soon"},
        {"due_date": "3000-01-01"},
        {"status": "maybe"},
        {"owner": 0},
    ],
)
def test_bad_action_item_input_is_400(actors, overrides):
    response = api_as(actors.sales_a).post(
        "/api/action-items/",
        item_body(actors.customer_a, actors.sales_a, **overrides),
        format="json",
    )
    assert response.status_code == 400
    assert set(overrides) & set(response.json())


def test_action_item_roles(actors):
    item = factories.ActionItemFactory(customer=actors.customer_a)
    url = f"/api/action-items/{item.pk}/"
    assert (
        api_as(actors.viewer_a)
        .patch(url, {"status": "done", "version": 1}, format="json")
        .status_code
        == 403
    )
    assert (
        api_as(actors.viewer_a)
        .post("/api/action-items/", item_body(actors.customer_a, actors.sales_a), format="json")
        .status_code
        == 403
    )
    assert api_as(actors.outsider).get(url).status_code == 404
    assert (
        api_as(actors.sales_b)
        .patch(url, {"status": "done", "version": 1}, format="json")
        .status_code
        == 404
    )
    item.refresh_from_db()
    assert item.status == "open"


def test_action_item_filters(actors):
    factories.ActionItemFactory(customer=actors.customer_a, owner=actors.spec_a)
    factories.ActionItemFactory(customer=actors.customer_a, owner=actors.sales_a, status="done")
    factories.ActionItemFactory(customer=actors.customer_b)
    client = api_as(actors.sales_a)
    assert len(client.get("/api/action-items/").json()["results"]) == 2
    assert len(client.get("/api/action-items/?status=open").json()["results"]) == 1
    assert len(client.get(f"/api/action-items/?owner={actors.spec_a.pk}").json()["results"]) == 1
    assert len(client.get("/api/action-items/?owner=me").json()["results"]) == 1
    for bad in ("status=maybe", "owner=abc", "customer=-1", "customer=1e3"):
        assert client.get(f"/api/action-items/?{bad}").status_code == 400, bad


def test_search_api_requires_q_and_caps_length(actors):
    client = api_as(actors.sales_a)
    assert client.get("/api/search/").status_code == 400
    assert client.get("/api/search/?q=").status_code == 400
    assert client.get("/api/search/?q=" + "a" * 201).status_code == 400
    assert client.get("/api/search/?q=ok&page=abc").status_code == 400
    assert client.get("/api/search/?q=ok&page=0").status_code == 400


def test_search_api_hits_have_documented_fields(actors):
    factories.MeetingFactory(
        customer=actors.customer_a, title="Conveyor retrofit", notes="The conveyor <b>stalls</b>"
    )
    response = api_as(actors.sales_a).get("/api/search/?q=conveyor")
    assert response.status_code == 200
    hit = response.json()["results"][0]
    assert {"type", "id", "customer", "title", "snippet"} <= set(hit)
    assert hit["type"] == "meeting"
    assert hit["customer"] == actors.customer_a.pk
    assert "<mark>" in hit["snippet"].lower()
    assert "<b>" not in hit["snippet"]


def test_search_api_anonymous_is_refused(api_client):
    assert api_client.get("/api/search/?q=test").status_code in (401, 403)


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("sales_a", 201),
        ("spec_a", 201),
        ("mgr_a", 201),
        ("admin", 201),
        ("viewer_a", 403),
        ("sales_a2", 400),
        ("sales_b", 400),
        ("outsider", 400),
    ],
)
def test_who_may_log_a_meeting_through_the_api(actors, actor, expected):
    # Callers who cannot see the customer get "does not exist" for it, like any unknown id.
    response = api_as(getattr(actors, actor)).post(
        "/api/meetings/", meeting_body(actors.customer_a), format="json"
    )
    assert response.status_code == expected
    assert Meeting.objects.count() == (1 if expected == 201 else 0)


def test_meeting_list_query_count_is_fixed(actors, django_assert_max_num_queries):
    client = api_as(actors.sales_a)
    for n in (2, 20):
        for _ in range(n):
            meeting = factories.MeetingFactory(customer=actors.customer_a)
            meeting.goals.add(factories.GoalFactory(customer=actors.customer_a))
        # user, MFA device check, count, page of meetings, and one prefetch each for
        # stakeholders, internal attendees, goals and problems.
        with django_assert_max_num_queries(9):
            assert client.get("/api/meetings/").status_code == 200


def test_meeting_list_links_are_the_ids_of_each_relation(actors):
    """The list reads each to-many link from its prefetched ids (PrefetchedIds); a meeting's
    page and the list give the same links, deleted records left out."""
    meeting = factories.MeetingFactory(customer=actors.customer_a)
    goals = [factories.GoalFactory(customer=actors.customer_a) for _ in range(2)]
    problem = factories.ProblemFactory(customer=actors.customer_a)
    kept, gone = (factories.StakeholderFactory(customer=actors.customer_a) for _ in range(2))
    meeting.goals.add(*goals)
    meeting.problems.add(problem)
    meeting.stakeholders.add(kept, gone)
    meeting.internal_attendees.add(actors.spec_a)
    gone.deleted_at = timezone.now()
    gone.save(update_fields=["deleted_at"])
    factories.MeetingFactory(customer=actors.customer_a)  # a meeting with no links
    client = api_as(actors.sales_a)
    listed = {row["id"]: row for row in client.get("/api/meetings/").json()["results"]}
    one = client.get(f"/api/meetings/{meeting.pk}/").json()
    row = listed[meeting.pk]
    assert sorted(row["goals"]) == sorted(goal.pk for goal in goals)
    assert row["problems"] == [problem.pk]
    assert row["stakeholders"] == [kept.pk]
    assert row["internal_attendees"] == [actors.spec_a.pk]
    assert row["customer"] == actors.customer_a.pk
    for name in ("goals", "problems", "stakeholders", "internal_attendees"):
        assert sorted(row[name]) == sorted(one[name])
    assert row["customer"] == one["customer"]
    assert [len(r["goals"]) for pk, r in listed.items() if pk != meeting.pk] == [0]
