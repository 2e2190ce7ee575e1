"""Summaries' "what changed" lines are stored without words and worded for each reader
(issue 18): the history page, the API, the digest email and the prep brief."""

import datetime as dt

from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from insights import digest
from insights.document import describe_changes
from insights.prep import present_brief
from tests.insights.test_services import _summary

NOW = dt.datetime(2026, 6, 15, 6, tzinfo=dt.UTC)
GOAL_ADDED = describe_changes({"goals": []}, {"goals": [{"id": 1, "title": "Enter Norway"}]})


def speaking(user, language: str):
    user.language = language
    user.save(update_fields=["language"])
    return user


def test_a_change_is_stored_as_a_key_and_its_values():
    assert GOAL_ADDED == [{"key": "added", "params": {"section": "goals", "label": "Enter Norway"}}]


def test_the_history_page_words_the_lines_for_each_reader(client, actors):
    _summary(actors.customer_a, number=1, changes=GOAL_ADDED, built_at=NOW)
    url = reverse("insights:summary-history", args=[actors.customer_a.pk])
    client.force_login(speaking(actors.sales_a, "de"))
    assert "Ziel hinzugefügt: Enter Norway" in client.get(url).content.decode()
    client.force_login(speaking(actors.spec_a, "en"))
    assert "Goal added: Enter Norway" in client.get(url).content.decode()


def test_a_line_stored_as_a_sentence_reads_as_it_is(client, actors):
    _summary(actors.customer_a, number=1, changes=["Goal added: Old"], built_at=NOW)
    client.force_login(speaking(actors.sales_a, "de"))
    content = client.get(reverse("insights:summary-history", args=[actors.customer_a.pk])).content
    assert "Goal added: Old" in content.decode()


def test_the_api_words_the_lines_for_the_caller_and_keeps_their_keys(actors):
    _summary(actors.customer_a, number=1, changes=GOAL_ADDED, built_at=NOW)
    api = APIClient()
    api.force_login(speaking(actors.sales_a, "de"))
    body = api.get("/api/summaries/", {"customer": actors.customer_a.pk}).json()
    summary = body["results"][0] if "results" in body else body[0]
    assert summary["changes"] == ["Ziel hinzugefügt: Enter Norway"]
    assert summary["change_codes"] == GOAL_ADDED


def test_the_digest_reaches_each_reader_in_their_language(actors):
    speaking(actors.sales_a, "de")
    speaking(actors.mgr_a, "en")
    _summary(actors.customer_a, number=1, changes=GOAL_ADDED, built_at=NOW - dt.timedelta(days=1))
    assert digest.send_weekly_digests(now=NOW) == 2
    by_recipient = {m.to[0]: m for m in mail.outbox}
    german = by_recipient[actors.sales_a.email]
    assert german.subject == "[Accord] Wochenübersicht: Änderungen in 1 Account"
    assert "Ziel hinzugefügt: Enter Norway" in german.body
    assert "Diese Woche in Ihren Accounts:" in german.body
    english = by_recipient[actors.mgr_a.email]
    assert english.subject == "[Accord] Weekly digest: changes in 1 account"
    assert "Goal added: Enter Norway" in english.body


def test_the_prep_brief_words_the_stored_lines():
    from django.utils import translation

    with translation.override("de"):
        assert present_brief({"changes": GOAL_ADDED})["changes"] == [
            "Ziel hinzugefügt: Enter Norway"
        ]
