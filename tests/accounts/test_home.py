from django.test import Client
from django.urls import reverse

from tests import factories


def test_my_accounts_lists_lead_and_role(actors):
    client = Client()
    client.force_login(actors.spec_a)
    response = client.get(reverse("home"))
    body = response.content.decode()
    assert "Alpha Industries" in body
    assert actors.sales_a.display_name in body
    assert "specialist" in body
    assert "Beta Holdings" not in body


def test_my_accounts_empty_state_says_what_to_do(db):
    client = Client()
    client.force_login(factories.UserFactory())
    body = client.get(reverse("home")).content.decode()
    assert "No accounts yet" in body


def test_my_accounts_query_count_is_flat(actors, django_assert_max_num_queries):
    client = Client()
    client.force_login(actors.mgr_a)
    # session, user, unread notifications, count, page of customers (+ savepoints)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("home")).status_code == 200
    for _ in range(25):
        factories.CustomerFactory(lead=actors.sales_a)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("home")).status_code == 200
