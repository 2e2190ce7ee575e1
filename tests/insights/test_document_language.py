"""The summary document reads in each reader's language (issue 18): stored once in the site's
language, worded for a German reader on the page, the version page, the export, the diff and the
API, with German labels and dates; the stored content never depends on who built it."""

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from insights.builder import build_summary
from insights.models import AccountSummary
from insights.summaries import rebuild_summary


def speaking(user, language: str):
    user.language = language
    user.save(update_fields=["language"])
    return user


def _built(account, now) -> AccountSummary:
    with translation.override("de"):  # a German request building it (Celery eager)
        return rebuild_summary(account.pk, now=now).summary


def test_the_stored_document_and_content_are_in_the_site_language_whoever_builds(account, now):
    english = build_summary(account, now=now)
    summary = _built(account, now)
    assert summary.content_hash == english.content_hash
    assert summary.content == english.content
    assert summary.markdown.startswith("# Account summary: ")
    assert "## Goals and what blocks them" in summary.markdown
    assert "(High, Open)" in summary.markdown  # the problem's severity and status
    assert "5 Jun 2026" in summary.markdown  # the meeting 10 days before NOW, English format


def test_a_german_reader_sees_the_summary_page_in_german(client, actors, account, now):
    summary = _built(account, now)
    url = reverse("insights:summary", args=[account.pk])
    client.force_login(speaking(actors.sales_a, "de"))
    page = client.get(url).content.decode()
    assert "Account-Zusammenfassung: " in page
    assert "Ziele und was sie blockiert" in page
    assert "Blockiert durch:" in page
    assert "(Hoch, Offen)" in page
    assert "05.06.2026" in page
    assert "Goals and what blocks them" not in page
    client.force_login(speaking(actors.spec_a, "en"))
    page = client.get(url).content.decode()
    assert "Goals and what blocks them" in page
    assert "5 Jun 2026" in page
    # The stored version is untouched by German reads.
    summary.refresh_from_db()
    assert "## Goals and what blocks them" in summary.markdown


def test_the_version_page_export_and_diff_are_in_the_readers_language(client, actors, account, now):
    summary = _built(account, now)
    client.force_login(speaking(actors.sales_a, "de"))
    version = client.get(reverse("insights:summary-version", args=[account.pk, summary.number]))
    assert "Bild des Kunden" in version.content.decode()
    export = client.get(reverse("insights:export-summary", args=[account.pk]))
    assert export.content.decode().startswith("# Account-Zusammenfassung: ")
    assert "## Ziele und was sie blockiert" in export.content.decode()


def test_the_api_gives_the_document_in_the_callers_language(actors, account, now):
    _built(account, now)
    api = APIClient()
    api.force_login(speaking(actors.sales_a, "de"))
    body = api.get("/api/summaries/", {"customer": account.pk}).json()
    summary = body["results"][0] if "results" in body else body[0]
    assert summary["markdown"].startswith("# Account-Zusammenfassung: ")
    assert "Ziele und was sie blockiert" in summary["html"]
    api.force_login(speaking(actors.sales_a, "en"))
    body = api.get("/api/summaries/", {"customer": account.pk}).json()
    summary = body["results"][0] if "results" in body else body[0]
    assert summary["markdown"].startswith("# Account summary: ")


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_a_german_document_is_written_once_and_then_read_from_the_cache(
    client, actors, account, now, django_assert_max_num_queries
):
    _built(account, now)
    url = reverse("insights:summary", args=[account.pk])
    client.force_login(speaking(actors.sales_a, "de"))
    first = _document(client.get(url).content.decode())
    with django_assert_max_num_queries(30) as captured:
        again = _document(client.get(url).content.decode())
    assert again == first
    assert "Ziele und was sie blockiert" in again
    # The second read loads no content column: the worded document came from the cache.
    assert not [
        q["sql"]
        for q in captured.captured_queries
        if "insights_accountsummary" in q["sql"] and '"content"' in q["sql"]
    ]


def test_a_version_of_an_older_shape_reads_as_it_was_stored(client, actors):
    AccountSummary.objects.create(
        customer=actors.customer_a,
        number=1,
        source_data_version=1,
        content={"customer": {"name": "Alpha"}},
        changes=[],
        markdown="# Old summary",
        html="<h1>Old summary</h1>",
        content_hash="old",
        built_at=timezone.now(),
    )
    client.force_login(speaking(actors.sales_a, "de"))
    page = client.get(reverse("insights:summary", args=[actors.customer_a.pk]))
    assert page.status_code == 200
    assert "<h1>Old summary</h1>" in page.content.decode()


def _document(page: str) -> str:
    return page[page.index('<article class="card prose summary-doc">') :].split("</article>")[0]
