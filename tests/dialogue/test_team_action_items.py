"""The team's action items: open items on the accounts a manager sees, by owner, overdue first."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from dialogue.models import ActionItem
from tests import factories

URL = reverse("dialogue:team-action-items")


def _item(customer, owner, description, days, status=ActionItem.Status.OPEN):
    return factories.ActionItemFactory(
        customer=customer,
        owner=owner,
        description=description,
        due_on=timezone.localdate() + dt.timedelta(days=days),
        status=status,
    )


def test_grouped_by_owner_with_overdue_first(actors, client):
    _item(actors.customer_a, actors.sales_a, "Send the offer", 5)
    _item(actors.customer_a, actors.sales_a, "Call the CFO", -3)
    _item(actors.customer_a, actors.spec_a, "Size the PLCs", 2)
    _item(actors.customer_a2, actors.sales_a2, "Book the visit", -1)
    _item(actors.customer_a, actors.sales_a, "Done already", -9, ActionItem.Status.DONE)
    _item(actors.customer_b, actors.sales_b, "Other team's item", -4)
    client.force_login(actors.mgr_a)
    response = client.get(URL)
    assert response.status_code == 200
    groups = [
        (owner.username, [item.description for item in items], overdue)
        for owner, items, overdue in response.context["owners"]
    ]
    by_owner = {name: (items, overdue) for name, items, overdue in groups}
    assert by_owner["sales_a"] == (["Call the CFO", "Send the offer"], 1)
    assert by_owner["sales_a2"] == (["Book the visit"], 1)
    assert by_owner["spec_a"] == (["Size the PLCs"], 0)
    assert "sales_b" not in by_owner
    assert "Other team's item" not in response.content.decode()


def test_query_count_is_the_same_for_one_item_and_many(
    actors, client, django_assert_max_num_queries
):
    _item(actors.customer_a, actors.sales_a, "One", -1)
    client.force_login(actors.mgr_a)
    client.get(URL)  # the session's first save after sign-in
    # session, user, the header's unread count, the page count, the page of items with their
    # customers, owners and meetings
    with django_assert_max_num_queries(5):
        assert client.get(URL).status_code == 200
    for n in range(8):
        owner = factories.UserFactory()
        factories.MembershipFactory(customer=actors.customer_a, user=owner)
        _item(actors.customer_a, owner, f"Item {n}", n - 4)
    with django_assert_max_num_queries(5):
        assert client.get(URL).status_code == 200


def test_outsider_sees_no_other_teams_items(actors, client):
    _item(actors.customer_a, actors.sales_a, "Secret step", -1)
    client.force_login(actors.outsider)
    response = client.get(URL)
    assert response.status_code == 200
    assert "Secret step" not in response.content.decode()
