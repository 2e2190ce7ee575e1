import pytest

from accounts.models import AccountMembership, User
from customers.models import Customer
from tests import factories
from tests.conftest import api_as


def test_create_makes_the_creator_the_lead(actors):
    response = api_as(actors.sales_a).post(
        "/api/customers/",
        {"name": "Gamma Works", "industry": "Energy", "website": "https://gamma.example"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    customer = Customer.objects.get(pk=response.json()["id"])
    assert customer.lead == actors.sales_a
    assert response.json()["my_role"] == "lead"
    assert AccountMembership.objects.get(customer=customer, user=actors.sales_a).role == "lead"


def test_create_ignores_a_lead_in_the_body(actors):
    response = api_as(actors.sales_a).post(
        "/api/customers/", {"name": "Delta", "lead": actors.sales_b.pk}, format="json"
    )
    assert response.status_code == 201
    assert Customer.objects.get(pk=response.json()["id"]).lead == actors.sales_a


def test_specialist_cannot_create_customers(actors):
    response = api_as(actors.spec_a).post("/api/customers/", {"name": "Epsilon"}, format="json")
    assert response.status_code == 403
    assert not Customer.objects.filter(name="Epsilon").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 300}, "name"),
        ({}, "name"),
        ({"name": "Ok", "website": "javascript:alert(1)"}, "website"),
        ({"name": "Ok", "size": "gigantic"}, "size"),
        ({"name": ["a", "b"]}, "name"),
    ],
)
def test_create_with_bad_input_answers_400_with_field_errors(actors, body, field):
    response = api_as(actors.sales_a).post("/api/customers/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Customer.objects.count() == 3


def test_lead_updates_with_the_current_version(actors):
    customer = actors.customer_a
    response = api_as(actors.sales_a).patch(
        f"/api/customers/{customer.pk}/", {"industry": "Chemicals", "version": 1}, format="json"
    )
    assert response.status_code == 200, response.json()
    customer.refresh_from_db()
    assert customer.industry == "Chemicals"
    assert customer.version == 2
    assert response.json()["version"] == 2


def test_stale_version_answers_409_and_changes_nothing(actors):
    customer = actors.customer_a
    client = api_as(actors.sales_a)
    assert (
        client.patch(
            f"/api/customers/{customer.pk}/", {"industry": "First", "version": 1}, format="json"
        ).status_code
        == 200
    )
    response = client.patch(
        f"/api/customers/{customer.pk}/", {"industry": "Second", "version": 1}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    customer.refresh_from_db()
    assert customer.industry == "First"


def test_if_match_header_is_accepted_as_the_version(actors):
    response = api_as(actors.sales_a).patch(
        f"/api/customers/{actors.customer_a.pk}/",
        {"industry": "Paper"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 200


def test_update_without_a_version_answers_428(actors):
    response = api_as(actors.sales_a).patch(
        f"/api/customers/{actors.customer_a.pk}/", {"industry": "Paper"}, format="json"
    )
    assert response.status_code == 428


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("sales_a", 200),
        ("mgr_a", 200),
        ("admin", 200),
        ("spec_a", 403),
        ("viewer_a", 403),
        ("sales_b", 404),
        ("outsider", 404),
        ("mgr_b", 404),
    ],
)
def test_who_may_change_the_core_record(actors, actor, status):
    response = api_as(getattr(actors, actor)).patch(
        f"/api/customers/{actors.customer_a.pk}/",
        {"name": "Renamed", "version": 1},
        format="json",
    )
    assert response.status_code == status
    actors.customer_a.refresh_from_db()
    assert (actors.customer_a.name == "Renamed") == (status == 200)


def test_update_ignores_read_only_fields(actors):
    customer = actors.customer_a
    response = api_as(actors.sales_a).patch(
        f"/api/customers/{customer.pk}/",
        {"lead": actors.sales_b.pk, "health_score": 99, "version": 1},
        format="json",
    )
    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.lead == actors.sales_a
    assert customer.health_score is None


def test_update_records_history_and_marks_the_summary_dirty(actors):
    customer = actors.customer_a
    before = customer.data_version
    api_as(actors.sales_a).patch(
        f"/api/customers/{customer.pk}/", {"industry": "Glass", "version": 1}, format="json"
    )
    customer.refresh_from_db()
    assert customer.data_version == before + 1
    assert customer.summary_dirty_since is not None
    assert customer.history.first().industry == "Glass"


def test_list_is_paginated_with_a_capped_page_size(actors):
    for _ in range(3):
        factories.CustomerFactory(lead=actors.sales_a)
    response = api_as(actors.sales_a).get("/api/customers/?page_size=100000")
    data = response.json()
    assert response.status_code == 200
    assert data["count"] == 4
    assert api_as(actors.sales_a).get("/api/customers/?page=999").status_code == 404


def test_list_filters_by_lead_and_search(actors):
    client = api_as(actors.admin)
    by_lead = client.get(f"/api/customers/?lead={actors.sales_b.pk}").json()["results"]
    assert [row["id"] for row in by_lead] == [actors.customer_b.pk]
    by_name = client.get("/api/customers/?search=alpha").json()["results"]
    assert {row["id"] for row in by_name} == {actors.customer_a.pk, actors.customer_a2.pk}


def test_list_query_count_does_not_grow_with_rows(actors, django_assert_max_num_queries):
    client = api_as(actors.mgr_a)
    # count, page of customers with lead and role annotations
    with django_assert_max_num_queries(3):
        client.get("/api/customers/")
    for _ in range(20):
        factories.CustomerFactory(lead=actors.sales_a)
    with django_assert_max_num_queries(3):
        assert len(client.get("/api/customers/").json()["results"]) == 22


def test_manager_of_lead_role_is_reported(actors):
    data = api_as(actors.mgr_a).get(f"/api/customers/{actors.customer_a.pk}/").json()
    assert data["my_role"] == "manager"
    assert User.objects.get(pk=data["lead"]) == actors.sales_a
