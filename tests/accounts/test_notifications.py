"""The notifications inbox page and /api/notifications/ (the caller's own only)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from tests import factories
from tests.conftest import api_as


def _notes(user, other):
    now = timezone.now()
    old_unread = factories.NotificationFactory(user=user, message="old unread")
    read = factories.NotificationFactory(user=user, message="read one", read_at=now)
    new_unread = factories.NotificationFactory(
        user=user, message="new unread", url="/solutions/requests/"
    )
    Notification.objects.filter(pk=old_unread.pk).update(created_at=now - dt.timedelta(days=2))
    Notification.objects.filter(pk=read.pk).update(created_at=now)
    theirs = factories.NotificationFactory(user=other, message="theirs")
    return old_unread, read, new_unread, theirs


def test_inbox_lists_unread_first_and_only_mine(client, actors):
    old_unread, read, new_unread, _ = _notes(actors.sales_a, actors.sales_b)
    client.force_login(actors.sales_a)
    response = client.get(reverse("notifications"))
    assert [n.pk for n in response.context["page"]] == [new_unread.pk, old_unread.pk, read.pk]
    assert b"theirs" not in response.content
    assert response.context["unread_notifications"] == 2


def test_mark_one_read_in_place(client, actors):
    _, _, new_unread, theirs = _notes(actors.sales_a, actors.sales_b)
    client.force_login(actors.sales_a)
    response = client.post(
        reverse("notification-read", args=[new_unread.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<li class="notification"')
    assert '"unread": 1' in response["HX-Trigger"]
    new_unread.refresh_from_db()
    assert new_unread.read_at is not None
    assert client.post(reverse("notification-read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, actors):
    _, _, new_unread, _ = _notes(actors.sales_a, actors.sales_b)
    client.force_login(actors.sales_a)
    response = client.post(reverse("notification-read", args=[new_unread.pk]), {"open": "1"})
    assert response["Location"] == "/solutions/requests/"
    evil = factories.NotificationFactory(user=actors.sales_a, url="https://evil.example/")
    response = client.post(reverse("notification-read", args=[evil.pk]), {"open": "1"})
    assert response["Location"] == reverse("notifications")


def test_mark_all_read(client, actors):
    _, _, _, theirs = _notes(actors.sales_a, actors.sales_b)
    client.force_login(actors.sales_a)
    client.post(reverse("notifications-read-all"))
    assert not Notification.objects.filter(user=actors.sales_a, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_inbox_needs_sign_in_and_post(client, actors):
    assert client.get(reverse("notifications")).status_code == 302
    client.force_login(actors.sales_a)
    assert client.get(reverse("notifications-read-all")).status_code == 405


def test_inbox_query_count_is_pinned(client, actors, django_assert_max_num_queries):
    for n in (1, 10):
        factories.NotificationFactory.create_batch(
            n, user=actors.sales_a, customer=actors.customer_a
        )
        client.force_login(actors.sales_a)
        # session, user, paginator count, notifications with customer, unread count,
        # idle-session refresh (3).
        with django_assert_max_num_queries(8):
            assert client.get(reverse("notifications")).status_code == 200


def test_notifications_api_is_own_only_with_mark_read(actors):
    old_unread, read, new_unread, theirs = _notes(actors.sales_a, actors.sales_b)
    client = api_as(actors.sales_a)
    rows = client.get("/api/notifications/").json()["results"]
    assert [row["id"] for row in rows] == [new_unread.pk, old_unread.pk, read.pk]
    assert client.get("/api/notifications/", {"unread": "true"}).json()["count"] == 2
    assert client.get("/api/notifications/", {"unread": "maybe"}).status_code == 400
    assert client.get(f"/api/notifications/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/notifications/{theirs.pk}/read/").status_code == 404
    marked = client.post(f"/api/notifications/{new_unread.pk}/read/").json()
    assert marked["is_read"] is True
    assert client.post("/api/notifications/read-all/").json() == {"marked": 1}
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.post("/api/notifications/", {}, format="json").status_code == 405


def test_notifications_about_an_account_end_with_access_to_it(client, actors):
    """Penetration test finding 10: after leaving the account, its proposals are not named."""
    about = factories.NotificationFactory(
        user=actors.spec_a,
        customer=actors.customer_a,
        message="Sara mentioned you on Secret expansion",
        url="/solutions/proposals/1/",
    )
    general = factories.NotificationFactory(user=actors.spec_a, message="Welcome")
    client.force_login(actors.spec_a)
    assert b"Secret expansion" in client.get(reverse("notifications")).content
    actors.customer_a.memberships.filter(user=actors.spec_a).delete()
    response = client.get(reverse("notifications"))
    assert b"Secret expansion" not in response.content
    assert [n.pk for n in response.context["page"]] == [general.pk]
    assert response.context["unread_notifications"] == 1
    rows = api_as(actors.spec_a).get("/api/notifications/").json()["results"]
    assert [row["id"] for row in rows] == [general.pk]
    assert client.post(reverse("notification-read", args=[about.pk])).status_code == 404


def test_a_fragment_without_the_navigation_does_not_count_notifications(
    client, actors, django_assert_max_num_queries
):
    """The unread count is read only by pages that show the navigation bar."""
    client.force_login(actors.sales_a)
    client.get(reverse("search:suggest"), {"q": "zz"})
    with django_assert_max_num_queries(20) as captured:
        assert client.get(reverse("search:suggest"), {"q": "zz"}).status_code == 200
    assert not [q for q in captured.captured_queries if "accounts_notification" in q["sql"]]
    with django_assert_max_num_queries(30) as captured:
        assert client.get(reverse("home")).status_code == 200
    assert [q for q in captured.captured_queries if "accounts_notification" in q["sql"]]
