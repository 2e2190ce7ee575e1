"""Notification settings: per kind email at once / daily digest / off, multipart emails with a
signed unsubscribe link that needs no sign-in, and the daily digest."""

import datetime as dt
from html import escape

import pytest
from django.core import mail
from django.urls import reverse

from accounts import services
from accounts.models import Notification, NotificationPreference, User
from insights import digest
from insights.models import AccountSummary, DigestDelivery
from tests import factories

MENTION = Notification.Kind.MENTION
HEALTH = Notification.Kind.HEALTH


def _choose(user: User, kind: str, delivery: str) -> None:
    NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"delivery": delivery}
    )


def _notify(*args, **kwargs):
    # Emails are queued after the commit; run those callbacks as the commit would.
    with _capture(execute=True):
        return services.notify(*args, **kwargs)


@pytest.fixture(autouse=True)
def _commit_callbacks(django_capture_on_commit_callbacks):
    global _capture
    _capture = django_capture_on_commit_callbacks


_capture = None


def test_email_at_once_is_multipart_with_a_working_link_and_an_unsubscribe_link(
    actors, client, settings
):
    settings.SITE_URL = "https://accord.example"
    _notify(
        [actors.sales_a],
        kind=MENTION,
        message="Sam mentioned you.",
        url="/solutions/proposals/1/",
        customer_id=actors.customer_a.pk,
    )
    (sent,) = mail.outbox
    html, mimetype = sent.alternatives[0]
    assert mimetype == "text/html"
    assert "https://accord.example/solutions/proposals/1/" in sent.body
    assert 'href="https://accord.example/solutions/proposals/1/"' in html
    unsubscribe = sent.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe in sent.body
    assert unsubscribe in html
    # The link works without signing in: GET asks, POST switches that kind off.
    path = unsubscribe.removeprefix("https://accord.example")
    page = client.get(path)
    assert page.status_code == 200
    assert "Stop emails for" in page.content.decode()
    assert NotificationPreference.objects.count() == 0
    done = client.post(path)
    assert done.status_code == 200
    assert "you no longer get emails" in done.content.decode()
    assert services.deliveries([actors.sales_a.pk], MENTION) == {actors.sales_a.pk: "off"}
    # Other kinds are still emailed.
    assert services.deliveries([actors.sales_a.pk], HEALTH) == {actors.sales_a.pk: "email"}
    mail.outbox.clear()
    _notify([actors.sales_a], kind=MENTION, message="Again.")
    assert mail.outbox == []
    assert Notification.objects.filter(user=actors.sales_a, message="Again.").exists()


def test_a_tampered_unsubscribe_link_changes_nothing(actors, client):
    token = services.unsubscribe_token(actors.sales_a.pk, MENTION)
    for bad in (token[:-2] + "xx", "nonsense", services.unsubscribe_token(actors.sales_a.pk, "x")):
        url = reverse("notifications-unsubscribe", args=[bad])
        assert client.get(url).status_code == 400
        assert client.post(url).status_code == 400
    assert NotificationPreference.objects.count() == 0


def test_settings_page_saves_every_kind_and_the_digest_frequency(
    actors, client, django_assert_max_num_queries
):
    client.force_login(actors.sales_a)
    url = reverse("notification-settings")
    # session, user, the user's choices, the header's unread count, and the session's
    # save (savepoint, update, release)
    with django_assert_max_num_queries(7):
        page = client.get(url)
    assert page.status_code == 200
    for _kind, label in Notification.Kind.choices:
        assert escape(label) in page.content.decode()
    data = {f"kind_{kind}": "email" for kind in Notification.Kind.values}
    data |= {"kind_mention": "digest", "kind_health": "off", "digest_frequency": "daily"}
    assert client.post(url, data).status_code == 302
    assert services.deliveries([actors.sales_a.pk], MENTION)[actors.sales_a.pk] == "digest"
    assert services.deliveries([actors.sales_a.pk], HEALTH)[actors.sales_a.pk] == "off"
    actors.sales_a.refresh_from_db()
    assert actors.sales_a.digest_frequency == "daily"
    # A bad value is a form error, nothing changes, what was chosen is kept.
    data["kind_health"] = "sometimes"
    data["kind_mention"] = "email"
    bad = client.post(url, data)
    assert bad.status_code == 400
    assert services.deliveries([actors.sales_a.pk], MENTION)[actors.sales_a.pk] == "digest"
    assert "Select a valid choice" in bad.content.decode()


def test_settings_page_query_count_does_not_grow_with_choices(
    actors, client, django_assert_max_num_queries
):
    for kind in Notification.Kind.values:
        _choose(actors.sales_a, kind, "digest")
    client.force_login(actors.sales_a)
    # session, user, the user's choices, the header's unread count, and the session's
    # save (savepoint, update, release)
    with django_assert_max_num_queries(7):
        assert client.get(reverse("notification-settings")).status_code == 200


def test_daily_digest_sends_each_chosen_notification_once(actors):
    _choose(actors.sales_a, MENTION, "digest")
    _notify(
        [actors.sales_a, actors.spec_a],
        kind=MENTION,
        message="Mentioned on the roadmap.",
        url="/x/",
        customer_id=actors.customer_a.pk,
    )
    # spec_a is emailed at once; sales_a waits for the digest.
    assert [m.to for m in mail.outbox] == [[actors.spec_a.email]]
    mail.outbox.clear()
    assert services.send_notification_digests() == 1
    (digest,) = mail.outbox
    assert digest.to == [actors.sales_a.email]
    assert "Mentioned on the roadmap." in digest.body
    assert "Mentioned on the roadmap." in digest.alternatives[0][0]
    assert "/accounts/notifications/unsubscribe/" in digest.body
    mail.outbox.clear()
    assert services.send_notification_digests() == 0
    assert mail.outbox == []


def test_digest_leaves_out_accounts_the_reader_no_longer_sees(actors):
    _choose(actors.sales_b, MENTION, "digest")
    factories.NotificationFactory(
        user=actors.sales_b, kind=MENTION, customer=actors.customer_a, message="Not yours"
    )
    assert services.send_notification_digests() == 0
    assert mail.outbox == []


def test_off_means_inbox_only(actors):
    _choose(actors.sales_a, HEALTH, "off")
    _notify([actors.sales_a], kind=HEALTH, message="Red.", customer_id=actors.customer_a.pk)
    assert mail.outbox == []
    assert services.send_notification_digests() == 0
    assert Notification.objects.filter(user=actors.sales_a, kind=HEALTH).count() == 1


@pytest.mark.parametrize(
    ("weekday", "frequency", "sent"), [(0, "weekly", 1), (2, "weekly", 0), (2, "daily", 1)]
)
def test_account_digest_is_daily_or_weekly_by_choice(actors, weekday, frequency, sent):
    monday = dt.datetime(2026, 6, 15, 7, tzinfo=dt.UTC)
    now = monday + dt.timedelta(days=weekday)
    User.objects.filter(pk=actors.sales_a.pk).update(digest_frequency=frequency)
    _summary(actors.customer_a, now)
    delivered = digest.send_weekly_digests(now=now)
    to_lead = [m for m in mail.outbox if m.to == [actors.sales_a.email]]
    assert len(to_lead) == sent
    assert delivered >= sent


def _summary(customer, now):
    AccountSummary.objects.create(
        customer=customer,
        number=1,
        source_data_version=1,
        content={},
        changes=["New goal"],
        markdown="",
        html="",
        content_hash="x",
        built_at=now - dt.timedelta(hours=2),
    )


def test_weekly_digests_go_out_on_the_teams_monday_not_utcs(actors, settings):
    # 06:00 on Monday in Tokyo is still Sunday in UTC.
    settings.TIME_ZONE = "Asia/Tokyo"
    now = dt.datetime(2026, 6, 14, 21, tzinfo=dt.UTC)
    User.objects.filter(pk=actors.sales_a.pk).update(digest_frequency=User.DigestFrequency.WEEKLY)
    _summary(actors.customer_a, now)
    digest.send_weekly_digests(now=now)
    assert [m for m in mail.outbox if m.to == [actors.sales_a.email]]
    assert DigestDelivery.objects.get(user=actors.sales_a).period_start == dt.date(2026, 6, 8)
