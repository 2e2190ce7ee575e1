"""The team's action items: open items on the accounts a manager sees, by owner, overdue first."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from dialogue import queries
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
    by_owner = {
        group.owner.username: ([item.description for item in group.items], group.overdue)
        for group in response.context["page"].owners
    }
    assert by_owner["sales_a"] == (["Call the CFO", "Send the offer"], 1)
    assert by_owner["sales_a2"] == (["Book the visit"], 1)
    assert by_owner["spec_a"] == (["Size the PLCs"], 0)
    assert "sales_b" not in by_owner
    html = response.content.decode()
    assert "Other team's item" not in html
    # Each row: the overdue mark, the due date, and a link to its account's timeline.
    timeline = reverse("dialogue:timeline", args=[actors.customer_a2.pk])
    row = html[html.index('class="action-item is-overdue"') :]
    assert '<strong class="overdue">Overdue</strong>' in row
    assert f'<a href="{timeline}">{actors.customer_a2.name}</a>' in html
    due = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    assert f'<time datetime="{due}">' in html


def test_query_count_is_the_same_for_one_item_and_many(
    actors, client, django_assert_max_num_queries
):
    _item(actors.customer_a, actors.sales_a, "One", -1)
    client.force_login(actors.mgr_a)
    client.get(URL)  # the session's first save after sign-in
    # session, user, the header's unread count, the visible customers, the page's item ids,
    # the items with their customers, owners and meetings, the owners' totals
    with django_assert_max_num_queries(7):
        assert client.get(URL).status_code == 200
    for n in range(8):
        owner = factories.UserFactory()
        factories.MembershipFactory(customer=actors.customer_a, user=owner)
        _item(actors.customer_a, owner, f"Item {n}", n - 4)
    with django_assert_max_num_queries(7):
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get(URL, {"after": f"{actors.sales_a.pk}.2026-01-01.1"}).status_code == 200


def test_outsider_sees_no_other_teams_items(actors, client):
    _item(actors.customer_a, actors.sales_a, "Secret step", -1)
    client.force_login(actors.outsider)
    response = client.get(URL)
    assert response.status_code == 200
    assert "Secret step" not in response.content.decode()


def _spread(actors):
    """Open items over three owners and two visible accounts, with shared, missing and past
    due dates; plus items the manager must never get: done, deleted, another team's."""
    owners = [actors.sales_a, actors.spec_a, actors.sales_a2]
    made = []
    for n in range(13):
        item = factories.ActionItemFactory(
            customer=actors.customer_a if n % 2 else actors.customer_a2,
            owner=owners[n % 3],
            description=f"Step {n}",
            due_on=None if n % 5 == 0 else timezone.localdate() + dt.timedelta(days=n % 4 - 2),
        )
        made.append(item)
    _item(actors.customer_a, actors.sales_a, "Closed", -1, ActionItem.Status.DONE)
    gone = _item(actors.customer_a, actors.sales_a, "Binned", -1)
    ActionItem.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    _item(actors.customer_b, actors.sales_b, "Other team", -1)
    return made


def _expected_order(items):
    return [
        item.pk
        for item in sorted(
            items,
            key=lambda i: (
                i.owner.first_name,
                i.owner.last_name,
                i.owner.username,
                i.owner_id,
                i.due_on or dt.date.max,
                i.pk,
            ),
        )
    ]


def _walk_pages(user, per_page):
    seen, cursor, pages = [], None, 0
    while True:
        page = queries.team_open_action_items(user, cursor, per_page=per_page)
        seen += [item.pk for group in page.owners for item in group.items]
        pages += 1
        if page.next is None:
            return seen, pages
        cursor = queries.TeamCursor.parse(str(page.next))


@pytest.fixture(params=[False, True], ids=["own-accounts", "owner-walk"])
def way(request, monkeypatch):
    """The page read both ways: from the visible accounts' items, and by the owner walk."""
    walk = request.param
    if walk and connection.vendor != "postgresql":
        pytest.skip("the owner walk is PostgreSQL's statement")
    monkeypatch.setattr(queries, "_walks", lambda visible: walk)


@pytest.mark.usefixtures("way")
def test_pages_follow_each_other_without_gaps_or_repeats(actors):
    made = _spread(actors)
    seen, pages = _walk_pages(actors.mgr_a, per_page=4)
    assert seen == _expected_order(made)
    assert pages == 4


@pytest.mark.usefixtures("way")
def test_admin_pages_cover_every_account(actors):
    made = _spread(actors)
    others = list(ActionItem.objects.filter(description="Other team"))
    seen, _pages = _walk_pages(actors.admin, per_page=5)
    assert seen == _expected_order(made + others)


def test_owner_totals_count_every_page_not_only_the_one_shown(actors):
    made = _spread(actors)
    page = queries.team_open_action_items(actors.mgr_a, per_page=2)
    (group,) = page.owners
    mine = [item for item in made if item.owner_id == group.owner.pk]
    assert len(group.items) == 2
    assert group.open == len(mine)
    assert group.overdue == sum(1 for item in mine if item.is_overdue)


def test_next_link_leads_to_the_rest_and_back(actors, client, monkeypatch):
    monkeypatch.setattr(queries, "TEAM_ITEMS_PER_PAGE", 5)
    made = _spread(actors)
    client.force_login(actors.mgr_a)
    first = client.get(URL)
    html = first.content.decode()
    assert 'rel="next"' in html
    assert "First page" not in html
    after = str(first.context["page"].next)
    assert f"?after={after}" in html
    second = client.get(URL, {"after": after})
    shown = [item.pk for group in second.context["page"].owners for item in group.items]
    assert shown == _expected_order(made)[5:10]
    assert "First page" in second.content.decode()


@pytest.mark.parametrize(
    "after",
    [
        "x",
        "1.2.3.4",
        "1.not-a-date.3",
        ".2026-01-01.",
        "-1..2",
        "99999999999999999999.2026-01-01.1",
        "1..99999999999999999999",
        "\u00b2.2026-01-01.1",  # a digit to str.isdigit, not to int()
        "\u0661.2026-01-01.1",
    ],
)
def test_a_malformed_cursor_starts_at_the_first_page(actors, client, after):
    _item(actors.customer_a, actors.sales_a, "Call the CFO", -3)
    client.force_login(actors.mgr_a)
    response = client.get(URL, {"after": after})
    assert response.status_code == 200
    assert response.context["page"].cursor is None
    assert "Call the CFO" in response.content.decode()


def test_the_walk_reads_the_page_for_users_who_see_many_accounts(actors, monkeypatch):
    assert not queries._walks([1, 2, 3])
    monkeypatch.setattr(queries, "TEAM_WALK_FROM", 2)
    assert queries._walks([1, 2, 3]) is (connection.vendor == "postgresql")
    assert queries._walks(None) is (connection.vendor == "postgresql")
