"""Health reasons are stored without words and worded for each reader (issue 18)."""

import datetime as dt

import pytest
from django.utils import timezone, translation
from rest_framework.test import APIClient

from health import services, words
from health.models import AccountHealth, HealthSnapshot
from health.scoring import compute_health
from tests import factories
from tests.health.test_views import account_url

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def speaking(user, language: str):
    user.language = language
    user.save(update_fields=["language"])
    return user


@pytest.fixture
def refreshed(actors):
    factories.MeetingFactory(
        customer=actors.customer_a, occurred_at=timezone.now() - dt.timedelta(days=45)
    )
    services.refresh_customer_health(actors.customer_a.pk)
    return actors


def test_reasons_are_stored_as_keys_and_values(refreshed):
    snapshot = HealthSnapshot.objects.get(customer=refreshed.customer_a)
    recency = next(c for c in snapshot.components if c["key"] == "recency")
    assert recency["reasons"] == [{"key": "no_meeting_in", "params": {"days": 45}}]


def test_the_same_reasons_read_in_each_language(db):
    customer = factories.CustomerFactory()
    result = compute_health(customer, now=NOW)
    reasons = next(c for c in result.components if c.key == "execution").reasons
    with translation.override("en"):
        assert words.reason_texts(reasons) == ["no open action items"]
    with translation.override("de"):
        assert words.reason_texts(reasons) == ["keine offenen Maßnahmen"]


def test_plurals_and_days_are_worded_per_language():
    overdue = words.reason("overdue", overdue=1, open=3, days=1)
    with translation.override("en"):
        assert words.reason_text(overdue) == (
            "1 of 3 open action items is overdue (the oldest by 1 day)"
        )
    with translation.override("de"):
        assert words.reason_text(overdue) == (
            "1 von 3 offenen Maßnahmen ist überfällig (die älteste seit 1 Tag)"
        )
        assert words.reason_text(words.reason("last_meeting", days=0)) == "letzter Termin heute"


def test_a_german_reader_sees_the_account_page_in_german(client, refreshed):
    client.force_login(speaking(refreshed.spec_a, "de"))
    content = client.get(account_url(refreshed.customer_a)).content.decode()
    assert "Aktualität des Dialogs" in content
    assert "Seit 45 Tagen kein Termin" in content
    assert "no meeting in 45 days" not in content


def test_an_english_reader_sees_the_same_snapshot_in_english(client, refreshed):
    client.force_login(speaking(refreshed.spec_a, "en"))
    content = client.get(account_url(refreshed.customer_a)).content.decode()
    assert "Dialogue recency" in content
    assert "No meeting in 45 days" in content


def test_the_api_words_reasons_for_the_caller_and_keeps_their_keys(refreshed):
    client = APIClient()
    client.force_login(speaking(refreshed.spec_a, "de"))
    body = client.get("/api/health/", {"customer": refreshed.customer_a.pk}).json()
    recency = next(c for c in body["latest"]["components"] if c["key"] == "recency")
    assert recency["name"] == "Aktualität des Dialogs"
    assert recency["reasons"] == ["seit 45 Tagen kein Termin"]
    assert recency["reason_codes"] == [{"key": "no_meeting_in", "params": {"days": 45}}]


def test_a_reason_stored_as_a_sentence_reads_as_it_is(client, actors):
    factories.HealthSnapshotFactory(
        customer=actors.customer_a,
        taken_on=timezone.localdate(),
        components=[
            {
                "key": "recency",
                "name": "Dialogue recency",
                "weight": 25,
                "points": 0,
                "max_points": 25,
                "reasons": ["no meeting in 45 days"],
            }
        ],
    )
    client.force_login(speaking(actors.spec_a, "de"))
    content = client.get(account_url(actors.customer_a)).content.decode()
    assert "Aktualität des Dialogs" in content
    assert "No meeting in 45 days" in content
    api = APIClient()
    api.force_login(actors.spec_a)
    recency = api.get("/api/health/", {"customer": actors.customer_a.pk}).json()["latest"][
        "components"
    ][0]
    assert recency["reason_codes"] == [{"key": "text", "params": {}}]


def test_needs_attention_says_why_in_the_managers_language(client, refreshed):
    AccountHealth.objects.filter(customer=refreshed.customer_a).update(trend_30d=-12)
    type(refreshed.customer_a).objects.filter(pk=refreshed.customer_a.pk).update(health_band="red")
    client.force_login(speaking(refreshed.mgr_a, "de"))
    attention = client.get("/health/").context["attention"]
    assert attention[0].reason.startswith("12 Punkte weniger in 30 Tagen; ")


def test_entering_red_tells_each_reader_in_their_language(actors):
    from accounts.models import Notification
    from dialogue.models import ActionItem

    speaking(actors.sales_a, "de")
    speaking(actors.mgr_a, "de")
    customer = actors.customer_a
    services.refresh_customer_health(customer.pk, now=NOW)  # first score: an empty account is red

    (manager,) = Notification.objects.filter(user=actors.mgr_a, kind=Notification.Kind.HEALTH)
    assert manager.message.startswith("Alpha Industries ist in den roten Bereich gefallen (")
    assert manager.message.endswith(": noch keine Termine erfasst")
    # The follow-up is the lead's record, written in the lead's language.
    follow_up = ActionItem.objects.get(customer=customer)
    assert follow_up.description.startswith("Der Health Score ist rot (")
    # The lead turning it amber hears it in German; an English lead in English.
    speaking(actors.sales_a, "en")
    speaking(actors.mgr_a, "en")
    Notification.objects.all().delete()
    ActionItem.objects.all().delete()
    AccountHealth.objects.filter(customer=customer).update(band="green")
    services.refresh_customer_health(customer.pk, now=NOW)
    (lead,) = Notification.objects.filter(user=actors.sales_a, kind=Notification.Kind.HEALTH)
    assert lead.message.startswith("Alpha Industries turned red (")
    assert lead.message.endswith(": no meetings recorded yet")


def test_a_score_comment_reaches_the_lead_in_their_language(actors):
    from accounts.models import Notification

    speaking(actors.sales_a, "de")
    snapshot = factories.HealthSnapshotFactory(
        customer=actors.customer_a, taken_on=dt.date(2026, 12, 5)
    )
    services.annotate_score(snapshot=snapshot, author=actors.mgr_a, body="Vorstand verschoben")
    (told,) = Notification.objects.filter(kind=Notification.Kind.SCORE_COMMENT)
    assert "05.12.2026" in told.message
    assert "hat den Health Score von Alpha Industries" in told.message


def test_the_csv_gives_each_accounts_main_reason_in_the_readers_language(client, refreshed):
    from tests.health.test_views import CSV, csv_rows

    client.force_login(speaking(refreshed.mgr_a, "de"))
    exported = csv_rows(client.get(CSV))
    assert exported[0][-1] == "Hauptgrund"
    by_name = {row[0]: row[-1] for row in exported[1:]}
    assert by_name[refreshed.customer_a.name] == "keine Ansprechpartner erfasst"
    client.force_login(speaking(refreshed.mgr_a, "en"))
    by_name = {row[0]: row[-1] for row in csv_rows(client.get(CSV))[1:]}
    assert by_name[refreshed.customer_a.name] == "no stakeholders recorded"
