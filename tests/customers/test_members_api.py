from accounts.models import AccountMembership
from tests import factories
from tests.conftest import api_as


def url(customer, user=None):
    base = f"/api/customers/{customer.pk}/members/"
    return f"{base}{user.pk}/" if user else base


def test_team_lists_members_for_anyone_who_sees_the_account(actors):
    response = api_as(actors.viewer_a).get(url(actors.customer_a))
    assert response.status_code == 200
    assert {m["username"]: m["role"] for m in response.json()} == {
        "sales_a": "lead",
        "spec_a": "specialist",
        "viewer_a": "viewer",
    }


def test_outsider_gets_404(actors):
    client = api_as(actors.outsider)
    assert client.get(url(actors.customer_a)).status_code == 404
    body = {"user": actors.outsider.pk, "role": "specialist"}
    assert client.post(url(actors.customer_a), body, format="json").status_code == 404


def test_specialists_and_viewers_cannot_change_the_team(actors):
    newcomer = factories.UserFactory()
    for user in (actors.spec_a, actors.viewer_a):
        response = api_as(user).post(
            url(actors.customer_a), {"user": newcomer.pk, "role": "viewer"}, format="json"
        )
        assert response.status_code == 403
        assert api_as(user).delete(url(actors.customer_a, actors.viewer_a)).status_code == 403


def test_lead_adds_changes_and_removes_members(actors):
    newcomer = factories.UserFactory()
    client = api_as(actors.sales_a)
    added = client.post(
        url(actors.customer_a), {"user": newcomer.pk, "role": "viewer"}, format="json"
    )
    assert added.status_code == 201, added.json()
    changed = client.patch(url(actors.customer_a, newcomer), {"role": "specialist"}, format="json")
    assert changed.status_code == 200
    assert AccountMembership.objects.get(customer=actors.customer_a, user=newcomer).role == (
        "specialist"
    )
    assert client.delete(url(actors.customer_a, newcomer)).status_code == 204
    assert not AccountMembership.objects.filter(user=newcomer).exists()


def test_manager_hands_the_lead_over(actors):
    response = api_as(actors.mgr_a).patch(
        url(actors.customer_a, actors.spec_a), {"role": "lead"}, format="json"
    )
    assert response.status_code == 200
    actors.customer_a.refresh_from_db()
    assert actors.customer_a.lead == actors.spec_a


def test_the_lead_cannot_be_removed_or_demoted(actors):
    client = api_as(actors.admin)
    assert client.delete(url(actors.customer_a, actors.sales_a)).status_code == 400
    demoted = client.patch(
        url(actors.customer_a, actors.sales_a), {"role": "viewer"}, format="json"
    )
    assert demoted.status_code == 400
    assert "role" in demoted.json()


def test_bad_input_answers_400(actors):
    client = api_as(actors.sales_a)
    for body in ({}, {"user": 999999, "role": "viewer"}, {"user": actors.mgr_b.pk, "role": "boss"}):
        response = client.post(url(actors.customer_a), body, format="json")
        assert response.status_code == 400, body
    bad_role = client.patch(url(actors.customer_a, actors.spec_a), {"role": 3}, format="json")
    assert bad_role.status_code == 400
    assert client.patch(url(actors.customer_a, actors.mgr_b), {"role": "viewer"}).status_code in {
        404,
        415,
    }
