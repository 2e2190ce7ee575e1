"""The solutions API: proposals, transitions, contributions, comments and partners."""

import pytest

from solutions import services
from solutions.models import Comment, Partner
from tests import factories
from tests.conftest import api_as

P = "/api/proposals/"
CO = "/api/contributions/"
CM = "/api/comments/"
PA = "/api/partners/"


def _proposal_body(actors, **extra):
    return {"customer": actors.customer_a.pk, "title": "Retrofit", **extra}


# Proposals


def test_create_proposal_defaults_owner_and_records_change(actors, problem_a):
    before = actors.customer_a.data_version
    response = api_as(actors.spec_a).post(
        P,
        _proposal_body(actors, problems=[problem_a.pk], value="10.50", currency="usd"),
        format="json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["owner"] == actors.spec_a.pk
    assert data["status"] == "draft"
    assert data["currency"] == "USD"
    assert data["allowed_transitions"] == ["in_review", "withdrawn"]
    assert data["version"] == 1
    actors.customer_a.refresh_from_db()
    assert actors.customer_a.data_version > before


def test_status_is_read_only_on_create_and_update(actors, proposal_a):
    response = api_as(actors.sales_a).post(
        P, _proposal_body(actors, status="accepted"), format="json"
    )
    assert response.json()["status"] == "draft"
    response = api_as(actors.sales_a).patch(
        f"{P}{proposal_a.pk}/", {"status": "accepted", "version": 1}, format="json"
    )
    assert response.status_code == 200
    proposal_a.refresh_from_db()
    assert proposal_a.status == "draft"


def test_cross_customer_links_answer_400(actors, proposal_a):
    foreign_problem = factories.ProblemFactory(customer=actors.customer_a2)
    client = api_as(actors.mgr_a)  # manager sees both customers of team A
    response = client.post(P, _proposal_body(actors, problems=[foreign_problem.pk]), format="json")
    assert response.status_code == 400
    assert "problems" in response.json()
    response = client.patch(
        f"{P}{proposal_a.pk}/",
        {"customer": actors.customer_a2.pk, "version": 1},
        format="json",
    )
    assert response.status_code == 400
    assert "customer" in response.json()


def test_invisible_links_answer_400_like_missing_ones(actors):
    invisible_problem = factories.ProblemFactory(customer=actors.customer_b)
    client = api_as(actors.sales_a)
    invisible = client.post(
        P, _proposal_body(actors, problems=[invisible_problem.pk]), format="json"
    ).json()
    missing = client.post(P, _proposal_body(actors, problems=[999999]), format="json").json()
    assert invisible["problems"][0].replace(str(invisible_problem.pk), "N") == missing["problems"][
        0
    ].replace("999999", "N")
    other_customer = client.post(P, {"customer": actors.customer_b.pk, "title": "x"}, format="json")
    assert other_customer.status_code == 400
    assert "customer" in other_customer.json()


def test_owner_must_see_the_account(actors):
    response = api_as(actors.sales_a).post(
        P, _proposal_body(actors, owner=actors.sales_b.pk), format="json"
    )
    assert response.status_code == 400
    assert "owner" in response.json()


@pytest.mark.parametrize(
    "body",
    [
        {"title": ""},
        {"title": "x" * 201},
        {"currency": "EURO"},
        {"currency": "XYZ"},
        {"value": "-1"},
        {"value": "abc"},
        {"value": "1" * 20},
        {"problems": "nope"},
        {"owner": "x"},
        {"customer": None},
    ],
)
def test_bad_input_gives_field_errors(actors, body):
    response = api_as(actors.sales_a).post(P, {**_proposal_body(actors), **body}, format="json")
    assert response.status_code == 400
    assert set(body) & set(response.json())


def test_stale_version_answers_409_and_missing_version_428(actors, proposal_a):
    client = api_as(actors.sales_a)
    assert client.patch(f"{P}{proposal_a.pk}/", {"title": "A"}, format="json").status_code == 428
    ok = client.patch(f"{P}{proposal_a.pk}/", {"title": "A", "version": 1}, format="json")
    assert ok.status_code == 200
    assert ok.json()["version"] == 2
    stale = client.patch(f"{P}{proposal_a.pk}/", {"title": "B", "version": 1}, format="json")
    assert stale.status_code == 409
    proposal_a.refresh_from_db()
    assert proposal_a.title == "A"


def test_filters_are_validated(actors, proposal_a):
    client = api_as(actors.sales_a)
    factories.ProposalFactory(customer=actors.customer_a, status="presented")
    assert client.get(P, {"customer": "abc"}).status_code == 400
    assert client.get(P, {"status": "nope"}).status_code == 400
    assert client.get(P, {"customer": "-1"}).status_code == 400
    data = client.get(P, {"customer": actors.customer_a.pk, "status": "draft"}).json()
    assert [row["id"] for row in data["results"]] == [proposal_a.pk]
    assert client.get(P, {"customer": actors.customer_b.pk}).json()["results"] == []


@pytest.mark.parametrize("who", ["outsider", "sales_b", "mgr_b"])
def test_outsiders_get_404(actors, proposal_a, who):
    client = api_as(getattr(actors, who))
    assert client.get(f"{P}{proposal_a.pk}/").status_code == 404
    assert (
        client.patch(
            f"{P}{proposal_a.pk}/", {"title": "x", "version": 1}, format="json"
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"{P}{proposal_a.pk}/transition/", {"to": "in_review"}, format="json"
        ).status_code
        == 404
    )
    assert client.get(P).json()["results"] == []


def test_wrong_role_gets_403(actors, proposal_a):
    viewer = api_as(actors.viewer_a)
    assert viewer.post(P, _proposal_body(actors), format="json").status_code == 403
    spec = api_as(actors.spec_a)
    assert (
        spec.patch(f"{P}{proposal_a.pk}/", {"title": "x", "version": 1}, format="json").status_code
        == 403
    )
    assert (
        spec.post(f"{P}{proposal_a.pk}/transition/", {"to": "in_review"}, format="json").status_code
        == 403
    )


def test_transition_endpoint(actors, proposal_a):
    client = api_as(actors.sales_a)
    url = f"{P}{proposal_a.pk}/transition/"
    illegal = client.post(url, {"to": "accepted"}, format="json")
    assert illegal.status_code == 400
    assert illegal.json()["allowed"] == ["in_review", "withdrawn"]
    assert "in_review" in illegal.json()["to"][0]
    assert client.post(url, {"to": "bogus"}, format="json").status_code == 400
    assert client.post(url, {}, format="json").status_code == 400
    ok = client.post(url, {"to": "in_review", "note": "ready"}, format="json")
    assert ok.status_code == 200
    assert ok.json()["status"] == "in_review"
    transition = proposal_a.transitions.get()
    assert (transition.by, transition.note) == (actors.sales_a, "ready")


# Contributions


def test_request_and_answer_a_contribution(actors, proposal_a):
    lead, spec = api_as(actors.sales_a), api_as(actors.spec_a)
    created = lead.post(
        CO,
        {"proposal": proposal_a.pk, "specialist": actors.spec_a.pk, "request": "Size it"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    cid = created.json()["id"]
    assert created.json()["requested_by"] == actors.sales_a.pk
    assert spec.get(CO, {"mine": "true"}).json()["results"][0]["id"] == cid
    assert lead.post(f"{CO}{cid}/accept/").status_code == 403
    accepted = spec.post(f"{CO}{cid}/accept/")
    assert accepted.json()["status"] == "in_progress"
    assert accepted.json()["answered_at"]
    early_done = spec.post(f"{CO}{cid}/done/")
    assert early_done.status_code == 400
    written = spec.patch(
        f"{CO}{cid}/",
        {
            "description": "Two PLCs",
            "effort_days": "3.5",
            "cost_estimate": "900",
            "version": accepted.json()["version"],
        },
        format="json",
    )
    assert written.status_code == 200, written.json()
    assert (
        spec.patch(f"{CO}{cid}/", {"description": "x", "version": 1}, format="json").status_code
        == 409
    )
    done = spec.post(f"{CO}{cid}/done/")
    assert done.json()["status"] == "done"
    again = spec.post(f"{CO}{cid}/accept/")
    assert again.status_code == 200  # reopening a done contribution
    decline_without_reason = spec.post(f"{CO}{cid}/decline/", {}, format="json")
    assert decline_without_reason.status_code == 400
    assert "reason" in decline_without_reason.json()


def test_illegal_contribution_move_names_allowed(actors, contribution_a):
    spec = api_as(actors.spec_a)
    spec.post(f"{CO}{contribution_a.pk}/decline/", {"reason": "No"}, format="json")
    response = spec.post(f"{CO}{contribution_a.pk}/accept/")
    assert response.status_code == 400
    assert response.json()["allowed"] == []


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"specialist": "ME"},
        {"partner": 999999},
        {"request": "x" * 5001},
    ],
)
def test_contribution_bad_input(actors, proposal_a, body):
    response = api_as(actors.sales_a).post(CO, {"proposal": proposal_a.pk, **body}, format="json")
    assert response.status_code == 400


def test_contribution_from_someone_off_the_account_is_400(actors, proposal_a):
    response = api_as(actors.sales_a).post(
        CO, {"proposal": proposal_a.pk, "specialist": actors.sales_b.pk}, format="json"
    )
    assert response.status_code == 400
    assert "specialist" in response.json()


def test_contribution_filters_and_outsiders(actors, contribution_a):
    assert api_as(actors.spec_a).get(CO, {"status": "nope"}).status_code == 400
    assert api_as(actors.spec_a).get(CO, {"proposal": "x"}).status_code == 400
    outsider = api_as(actors.outsider)
    assert outsider.get(f"{CO}{contribution_a.pk}/").status_code == 404
    assert outsider.post(f"{CO}{contribution_a.pk}/accept/").status_code == 404
    assert outsider.post(f"{CO}{contribution_a.pk}/decline/", {}, format="json").status_code == 404
    assert (
        api_as(actors.sales_a).post(f"{CO}{contribution_a.pk}/decline/", {}, format="json")
    ).status_code == 403
    assert (
        outsider.post(
            CO,
            {"proposal": contribution_a.proposal_id, "specialist": actors.spec_a.pk},
            format="json",
        ).status_code
        == 400
    )
    assert api_as(actors.viewer_a).post(f"{CO}{contribution_a.pk}/accept/").status_code == 403
    assert (
        api_as(actors.spec_a)
        .post(
            CO,
            {"proposal": contribution_a.proposal_id, "specialist": actors.spec_a.pk},
            format="json",
        )
        .status_code
        == 403
    )


# Comments


def test_comment_lifecycle(actors, proposal_a, contribution_a):
    author = api_as(actors.spec_a)
    top = author.post(CM, {"proposal": proposal_a.pk, "body": "**hi** @sales_a"}, format="json")
    assert top.status_code == 201, top.json()
    assert top.json()["body_html"].startswith("<p><strong>hi</strong>")
    cid = top.json()["id"]
    reply = api_as(actors.sales_a).post(
        CM, {"proposal": proposal_a.pk, "parent": cid, "body": "yes"}, format="json"
    )
    assert reply.json()["parent"] == cid
    on_part = author.post(CM, {"contribution": contribution_a.pk, "body": "part"}, format="json")
    assert on_part.json()["proposal"] == proposal_a.pk
    assert (
        api_as(actors.sales_a)
        .patch(f"{CM}{cid}/", {"body": "x", "version": 1}, format="json")
        .status_code
        == 403
    )
    edited = author.patch(f"{CM}{cid}/", {"body": "edited", "version": 1}, format="json")
    assert edited.status_code == 200
    assert edited.json()["is_edited"] is True
    assert (
        author.patch(f"{CM}{cid}/", {"body": "again", "version": 1}, format="json").status_code
        == 409
    )
    assert api_as(actors.sales_a).delete(f"{CM}{cid}/").status_code == 403
    assert author.delete(f"{CM}{cid}/").status_code == 204
    gone = author.get(f"{CM}{cid}/").json()
    assert gone["is_deleted"] is True
    assert gone["body"] == gone["body_html"] == ""
    listed = author.get(CM, {"proposal": proposal_a.pk}).json()["results"]
    assert len(listed) == 3


@pytest.mark.parametrize(
    "body",
    [
        {"body": "no target"},
        {"proposal": "x", "body": "x"},
        {"proposal": "PROPOSAL", "body": ""},
        {"proposal": "PROPOSAL", "body": "x" * 20001},
        {"proposal": "PROPOSAL", "parent": 999999, "body": "x"},
    ],
)
def test_comment_bad_input(actors, proposal_a, body):
    body = {k: (proposal_a.pk if v == "PROPOSAL" else v) for k, v in body.items()}
    response = api_as(actors.sales_a).post(CM, body, format="json")
    assert response.status_code == 400


def test_comment_cross_thread_links_are_400(actors, proposal_a, contribution_a):
    other = factories.ProposalFactory(customer=actors.customer_a)
    foreign = services.post_comment(other, author=actors.sales_a, body="elsewhere")
    client = api_as(actors.sales_a)
    assert (
        client.post(
            CM, {"proposal": proposal_a.pk, "parent": foreign.pk, "body": "x"}, format="json"
        ).status_code
        == 400
    )
    assert (
        client.post(
            CM,
            {"proposal": other.pk, "contribution": contribution_a.pk, "body": "x"},
            format="json",
        ).status_code
        == 400
    )


def test_comment_outsiders_and_viewers(actors, proposal_a):
    comment = services.post_comment(proposal_a, author=actors.sales_a, body="secret")
    outsider = api_as(actors.outsider)
    assert outsider.get(f"{CM}{comment.pk}/").status_code == 404
    assert (
        outsider.post(CM, {"proposal": proposal_a.pk, "body": "x"}, format="json").status_code
        == 400
    )
    assert outsider.get(CM).json()["results"] == []
    assert (
        api_as(actors.viewer_a)
        .post(CM, {"proposal": proposal_a.pk, "body": "x"}, format="json")
        .status_code
        == 403
    )
    assert Comment.objects.count() == 1
    assert api_as(actors.sales_a).get(CM, {"customer": "x"}).status_code == 400


# Partners


def test_partners_api(actors):
    assert api_as(actors.spec_a).post(PA, {"name": "X"}, format="json").status_code == 403
    created = api_as(actors.sales_a).post(PA, {"name": "Fjord", "market": "Nordics"}, format="json")
    assert created.status_code == 201
    pid = created.json()["id"]
    assert api_as(actors.outsider).get(f"{PA}{pid}/").status_code == 200
    assert (
        api_as(actors.sales_a).patch(f"{PA}{pid}/", {"market": "DACH"}, format="json").status_code
        == 428
    )
    assert (
        api_as(actors.mgr_b)
        .patch(f"{PA}{pid}/", {"market": "DACH", "version": 1}, format="json")
        .status_code
        == 200
    )
    assert (
        api_as(actors.sales_a)
        .patch(f"{PA}{pid}/", {"market": "EU", "version": 1}, format="json")
        .status_code
        == 409
    )
    assert (
        api_as(actors.spec_a)
        .patch(f"{PA}{pid}/", {"market": "EU", "version": 2}, format="json")
        .status_code
        == 403
    )
    duplicate = api_as(actors.sales_a).post(
        PA, {"name": "Fjord", "website": "ftp://x"}, format="json"
    )
    assert duplicate.status_code == 400
    assert {"name", "website"} <= set(duplicate.json())
    assert Partner.objects.count() == 1


def test_api_anonymous_is_refused(api_client):
    for url in (P, CO, CM, PA, "/api/notifications/"):
        assert api_client.get(url).status_code in (401, 403)
