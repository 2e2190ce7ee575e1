"""/metrics: Prometheus's text format, open only to the metrics token and/or networks."""

import pytest
from django.test import Client, override_settings
from prometheus_client.parser import text_string_to_metric_families

from core.metrics import route_label
from insights.models import SummaryBuildState

TOKEN = "metrics-token-for-the-test-0123456789"


def scrape(client: Client | None = None, **headers):
    return (client or Client()).get("/metrics", **headers)


def samples(response) -> dict[tuple[str, tuple], float]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    found = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


@override_settings(METRICS_TOKEN=None, METRICS_ALLOWED_NETWORKS=[])
def test_metrics_do_not_exist_until_configured(db):
    assert scrape().status_code == 404


@override_settings(METRICS_TOKEN=TOKEN, METRICS_ALLOWED_NETWORKS=[])
@pytest.mark.parametrize(
    "authorization", [None, "Bearer wrong", f"Token {TOKEN}", f"Bearer {TOKEN}x", "Bearer"]
)
def test_metrics_refuse_a_missing_or_wrong_token(db, authorization):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = scrape(**headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert b"accord_" not in response.content


@override_settings(METRICS_TOKEN=TOKEN, METRICS_ALLOWED_NETWORKS=[])
def test_a_signed_in_admin_without_the_token_is_refused_too(actors):
    client = Client()
    client.force_login(actors.admin)
    assert scrape(client).status_code == 401


@override_settings(METRICS_TOKEN=None, METRICS_ALLOWED_NETWORKS=["10.1.0.0/16"])
def test_metrics_by_network(db):
    assert scrape(REMOTE_ADDR="10.1.2.3").status_code == 200
    assert scrape(REMOTE_ADDR="10.2.0.1").status_code == 403


@override_settings(METRICS_TOKEN=TOKEN, METRICS_ALLOWED_NETWORKS=["10.1.0.0/16"])
def test_with_both_set_both_are_needed(db):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}
    assert scrape(REMOTE_ADDR="10.1.2.3", **auth).status_code == 200
    assert scrape(REMOTE_ADDR="10.2.0.1", **auth).status_code == 403
    assert scrape(REMOTE_ADDR="10.1.2.3").status_code == 401


@override_settings(METRICS_TOKEN=TOKEN, METRICS_ALLOWED_NETWORKS=[])
def test_requests_are_counted_by_route_and_timed(actors):
    client = Client()
    client.force_login(actors.sales_a)
    before = samples(scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}"))
    for _ in range(3):
        assert client.get(f"/customers/{actors.customer_a.pk}/").status_code == 200
    assert client.get("/api/customers/").status_code == 200
    after = samples(scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}"))

    page = (("method", "GET"), ("route", "customers/<int:pk>/"), ("status", "200"))
    key = ("accord_http_requests_total", page)
    assert after[key] - before.get(key, 0) == 3
    timed = ("accord_http_request_duration_seconds_count", page[:2])
    assert after[timed] - before.get(timed, 0) == 3
    api = (
        "accord_http_requests_total",
        (("method", "GET"), ("route", "api/customers/"), ("status", "200")),
    )
    assert after[api] - before.get(api, 0) == 1


@override_settings(METRICS_TOKEN=TOKEN, METRICS_ALLOWED_NETWORKS=[])
def test_job_figures_come_from_the_database(actors):
    SummaryBuildState.objects.create(customer=actors.customer_a, status="failed")
    SummaryBuildState.objects.create(customer=actors.customer_b, status="succeeded")
    found = samples(scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}"))
    assert found[("accord_summary_builds", (("state", "failed"),))] == 1
    assert found[("accord_summary_builds", (("state", "succeeded"),))] == 1
    assert found[("accord_summary_builds", (("state", "running"),))] == 0
    assert ("accord_accounts_changed", ()) in found
    assert ("accord_health_not_refreshed_today", ()) in found
    assert ("accord_summary_last_success_timestamp_seconds", ()) in found


def test_route_labels_are_patterns_not_paths():
    class Match:
        route = "api/^customers/(?P<pk>[^/.]+)/$"

    assert route_label(Match(), "/api/customers/17/") == "api/customers/<pk>/"  # type: ignore[arg-type]
    assert route_label(None, "/static/css/accord.css") == "(static)"
    assert route_label(None, "/no/such/page") == "(unmatched)"
