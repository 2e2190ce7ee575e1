import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer
from customers.tallies import retally_customer
from health import services
from health.models import AccountHealth, ScoreAnnotation
from tests import factories

DASHBOARD = reverse("health:dashboard")
CSV = reverse("health:dashboard-csv")


def account_url(customer: Customer) -> str:
    return reverse("health:account", args=[customer.pk])


def score(customer: Customer, value: int, *, trend: int | None = None, **counts: int) -> None:
    """Store a dashboard row as the health job would."""
    band = "green" if value >= 70 else "amber" if value >= 40 else "red"
    Customer.objects.filter(pk=customer.pk).update(health_score=value, health_band=band)
    retally_customer(customer.pk)  # as the health job keeps the band counts
    AccountHealth.objects.update_or_create(
        customer=customer,
        defaults={
            "score": value,
            "band": band,
            "trend_30d": trend,
            "trend_points": [value - (trend or 0), value],
            "computed_at": timezone.now(),
            **counts,
        },
    )


def row_names(response) -> list[str]:
    return [row.customer.name for row in response.context["rows"]]


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def scored(actors):
    score(actors.customer_a, 35, trend=-20, open_severe_problems=2, overdue_action_items=3)
    score(actors.customer_a2, 75, trend=5, proposals_in_flight=2)
    score(actors.customer_b, 50, trend=-2)
    return actors


def test_anonymous_is_sent_to_login(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("mgr_a", {"customer_a", "customer_a2"}),
        ("mgr_b", {"customer_b"}),
        ("sales_a", {"customer_a"}),
        ("spec_a", {"customer_a"}),
        ("admin", {"customer_a", "customer_a2", "customer_b"}),
        ("outsider", set()),
    ],
)
def test_each_user_sees_exactly_their_accounts_in_the_table_and_the_csv(
    client, scored, actor, expected
):
    client.force_login(getattr(scored, actor))
    expected_names = {getattr(scored, name).name for name in expected}

    response = client.get(DASHBOARD)
    exported = csv_rows(client.get(CSV))

    assert response.status_code == 200
    assert set(row_names(response)) == expected_names
    assert {row[0] for row in exported[1:]} == expected_names


def test_manager_band_counts_and_attention_cover_only_their_teams(client, scored):
    client.force_login(scored.mgr_a)

    response = client.get(DASHBOARD)

    assert response.context["band_counts"] == {"green": 1, "amber": 0, "red": 1, "": 0}
    assert [row.customer for row in response.context["attention"]] == [scored.customer_a]
    assert b"Needs attention" in response.content


def test_needs_attention_lists_the_biggest_drop_first(client, actors):
    steady = factories.CustomerFactory(name="Steady Red", lead=actors.sales_a)
    score(actors.customer_a, 30, trend=-5)
    score(steady, 20, trend=0)
    score(actors.customer_a2, 35, trend=-30)
    client.force_login(actors.mgr_a)

    attention = client.get(DASHBOARD).context["attention"]

    assert [row.customer.name for row in attention] == [
        "Alpha Two",
        "Alpha Industries",
        "Steady Red",
    ]


def test_needs_attention_adds_amber_accounts_falling_fast_with_their_reason(client, actors):
    falling = factories.CustomerFactory(name="Falling Amber", lead=actors.sales_a)
    score(falling, 55, trend=-12)
    score(actors.customer_a2, 50, trend=-9)  # amber, but not falling fast enough
    score(actors.customer_a, 30, trend=-2)
    factories.HealthSnapshotFactory(
        customer=falling,
        score=55,
        band="amber",
        components=[
            {
                "key": "recency",
                "name": "Recency",
                "weight": 25,
                "points": 5.0,
                "max_points": 25,
                "reasons": ["no meeting in 45 days"],
            },
            {
                "key": "execution",
                "name": "Execution",
                "weight": 15,
                "points": 15.0,
                "max_points": 15,
                "reasons": ["no overdue items"],
            },
        ],
    )
    client.force_login(actors.mgr_a)
    response = client.get(reverse("home"))
    attention = response.context["attention"]
    assert [row.customer.name for row in attention] == ["Falling Amber", "Alpha Industries"]
    assert attention[0].reason == "down 12 points in 30 days; no meeting in 45 days"
    assert attention[0].is_falling
    body = response.content.decode()
    assert "Down 12 points in 30 days; no meeting in 45 days" in body
    assert "and falling" in body


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("score", ["Alpha Industries", "Beta Holdings", "Alpha Two"]),
        ("-score", ["Alpha Two", "Beta Holdings", "Alpha Industries"]),
        ("name", ["Alpha Industries", "Alpha Two", "Beta Holdings"]),
        ("trend", ["Alpha Industries", "Beta Holdings", "Alpha Two"]),
        ("-severe", ["Alpha Industries", "Alpha Two", "Beta Holdings"]),
        ("-overdue", ["Alpha Industries", "Alpha Two", "Beta Holdings"]),
        ("-in_flight", ["Alpha Two", "Alpha Industries", "Beta Holdings"]),
    ],
)
def test_the_table_sorts_by_each_column(client, scored, sort, expected):
    client.force_login(scored.admin)

    response = client.get(DASHBOARD, {"sort": sort})

    assert row_names(response) == expected


@pytest.mark.parametrize(
    "sort", ["lead", "-lead", "last_meeting", "-last_meeting", "areas", "-areas"]
)
def test_every_sort_key_renders(client, scored, sort):
    client.force_login(scored.admin)

    response = client.get(DASHBOARD, {"sort": sort})

    assert response.status_code == 200
    assert len(row_names(response)) == 3


def test_the_table_filters_by_lead_band_and_industry(client, scored):
    Customer.objects.filter(pk=scored.customer_a2.pk).update(industry="Energy")
    retally_customer(scored.customer_a2.pk)  # as services.update_customer does
    client.force_login(scored.admin)

    assert row_names(client.get(DASHBOARD, {"lead": scored.sales_b.pk})) == ["Beta Holdings"]
    assert row_names(client.get(DASHBOARD, {"band": "red"})) == ["Alpha Industries"]
    assert row_names(client.get(DASHBOARD, {"industry": "Energy"})) == ["Alpha Two"]


def test_a_lead_of_another_team_is_not_a_filter_choice(client, scored):
    client.force_login(scored.mgr_a)

    response = client.get(DASHBOARD, {"lead": scored.sales_b.pk})

    assert response.status_code == 200
    assert "lead" in response.context["form"].errors
    assert set(row_names(response)) == {"Alpha Industries", "Alpha Two"}


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "password"},
        {"band": "purple"},
        {"lead": "abc"},
        {"lead": "9" * 40},
        {"industry": "x" * 500},
        {"page": "-1"},
        {"page": "abc"},
        {"sort": "\x00"},
    ],
)
def test_bad_parameters_show_errors_never_500(client, scored, params):
    client.force_login(scored.mgr_a)

    assert client.get(DASHBOARD, params).status_code in {200, 400}
    assert client.get(CSV, params).status_code in {200, 400}


def test_the_csv_matches_the_filtered_and_sorted_table(client, scored):
    client.force_login(scored.admin)
    params = {"band": "amber", "sort": "-score"}
    score(factories.CustomerFactory(name="Zeta", lead=scored.sales_b), 60, trend=3)

    table = row_names(client.get(DASHBOARD, params))
    exported = csv_rows(client.get(CSV, params))

    assert exported[0][:4] == ["Account", "Lead", "Health score", "Band"]
    assert [row[0] for row in exported[1:]] == table == ["Zeta", "Beta Holdings"]
    assert exported[1][2:5] == ["60", "Amber", "3"]


def test_the_csv_neutralises_formulas(client, actors):
    Customer.objects.filter(pk=actors.customer_a.pk).update(name="=HYPERLINK(evil)")
    actors.sales_a.first_name = "+cmd"
    actors.sales_a.save()
    client.force_login(actors.sales_a)

    exported = csv_rows(client.get(CSV))

    assert exported[1][0] == "'=HYPERLINK(evil)"
    assert exported[1][1].startswith("'+cmd")


@pytest.mark.parametrize("trigger", ["\uff1d", "\uff0b", "\uff0d", "\uff20", "@", "-", "\t", "\r"])
def test_the_csv_neutralises_full_width_and_control_formula_starts(client, actors, trigger):
    """Issue 16, finding 8: a full-width equals sign (U+FF1D) before HYPERLINK(...) came out
    unchanged; the guard knew the ASCII triggers only."""
    Customer.objects.filter(pk=actors.customer_a.pk).update(name=f"{trigger}HYPERLINK(evil)")
    client.force_login(actors.sales_a)

    exported = csv_rows(client.get(CSV))

    assert exported[1][0] == f"'{trigger}HYPERLINK(evil)"


def test_rows_show_band_as_text_and_a_sparkline(client, scored):
    client.force_login(scored.mgr_a)

    content = client.get(DASHBOARD).content.decode()

    assert "35 · Red" in content
    assert 'class="sparkline"' in content
    assert "-20" in content


def test_htmx_requests_get_the_table_fragment(client, scored):
    client.force_login(scored.mgr_a)

    response = client.get(DASHBOARD, {"sort": "-score"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert b'id="dashboard-table"' in response.content
    assert b"<html" not in response.content


def make_accounts(lead, count: int) -> None:
    for n in range(count):
        customer = factories.CustomerFactory(name=f"Bulk {n:03}", lead=lead)
        score(customer, n % 100, trend=-(n % 7), open_severe_problems=n % 3)
        factories.HealthSnapshotFactory(customer=customer, score=n % 100)


@pytest.mark.parametrize("count", [10, 200])
def test_dashboard_query_count_does_not_grow_with_accounts(
    client, actors, count, django_assert_num_queries
):
    make_accounts(actors.sales_a, count)
    client.force_login(actors.mgr_a)
    # session, user, the tallies' totals (the user's share of the accounts), the tally rows
    # (filter choices and band counts), page of rows (with lead and health joined; no row
    # count: the tallies give it), team history, needs attention, unread notifications
    # (navigation). The session is not saved: it renewed its idle window at sign-in
    # (core.middleware, at most once a minute).
    with django_assert_num_queries(8):
        response = client.get(DASHBOARD, {"sort": "-trend"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == count + 2  # and the fixture's two


@pytest.mark.parametrize("count", [10, 200])
def test_filtered_dashboard_counts_its_rows(client, actors, count, django_assert_num_queries):
    make_accounts(actors.sales_a, count)
    client.force_login(actors.mgr_a)
    # As above: the filtered rows are counted by the tally rows too (no COUNT).
    with django_assert_num_queries(8):
        response = client.get(DASHBOARD, {"band": "red"})
    assert response.status_code == 200
    reds = Customer.objects.visible_to(actors.mgr_a).filter(health_band="red").count()
    assert response.context["page"].paginator.count == reds


@pytest.mark.parametrize("count", [10, 200])
def test_csv_query_count_does_not_grow_with_accounts(
    client, actors, count, django_assert_num_queries
):
    make_accounts(actors.sales_a, count)
    client.force_login(actors.mgr_a)
    # session, user, the tallies' totals, the tally rows (filter choices), all rows (the
    # session renewed at sign-in: no save). No navigation context: the response is not a page.
    with django_assert_num_queries(5):
        response = client.get(CSV)
    # The header, the bulk accounts and the fixture's two team A accounts.
    assert len(csv_rows(response)) == 1 + count + 2


# The account health page.


@pytest.fixture
def refreshed(actors):
    today = timezone.localdate()
    for days_ago, value in ((20, 80), (10, 55)):
        factories.HealthSnapshotFactory(
            customer=actors.customer_a, taken_on=today - dt.timedelta(days=days_ago), score=value
        )
    services.refresh_customer_health(actors.customer_a.pk)
    return actors


def test_account_page_shows_score_components_reasons_and_history(client, refreshed):
    client.force_login(refreshed.spec_a)

    response = client.get(account_url(refreshed.customer_a))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Dialogue recency" in content
    assert "No meetings recorded yet" in content
    assert "of 25 points" in content
    assert 'id="account-chart" data-chart="{&quot;labels&quot;' in content
    assert "<script>" not in content
    assert [c["snapshot"].score for c in response.context["changes"]][:1] == [
        response.context["latest"].score
    ]
    assert "Comment on a score" not in content


def test_account_page_before_any_score(client, actors):
    client.force_login(actors.sales_a)

    response = client.get(account_url(actors.customer_a))

    assert response.status_code == 200
    assert b"Not scored yet" in response.content


def test_outsider_gets_404_on_every_account_view(client, refreshed):
    client.force_login(refreshed.outsider)
    customer = refreshed.customer_a

    assert client.get(account_url(customer)).status_code == 404
    assert (
        client.post(reverse("health:annotate", args=[customer.pk]), {"body": "x"}).status_code
        == 404
    )
    assert client.post(reverse("health:refresh", args=[customer.pk])).status_code == 404


def test_other_teams_manager_gets_404(client, refreshed):
    client.force_login(refreshed.mgr_b)

    assert client.get(account_url(refreshed.customer_a)).status_code == 404


def test_manager_annotates_a_score_with_htmx(client, refreshed):
    customer = refreshed.customer_a
    latest = customer.health_snapshots.order_by("-taken_on").first()
    client.force_login(refreshed.mgr_a)

    response = client.post(
        reverse("health:annotate", args=[customer.pk]),
        {"snapshot": latest.pk, "body": "Spoke to the lead: COO on leave."},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert b"COO on leave" in response.content
    assert b"<html" not in response.content
    annotation = ScoreAnnotation.objects.get()
    assert (annotation.snapshot, annotation.author) == (latest, refreshed.mgr_a)
    page = client.get(account_url(customer)).content.decode()
    assert "COO on leave" in page


def test_annotating_without_htmx_redirects(client, refreshed):
    latest = refreshed.customer_a.health_snapshots.order_by("-taken_on").first()
    client.force_login(refreshed.mgr_a)

    response = client.post(
        reverse("health:annotate", args=[refreshed.customer_a.pk]),
        {"snapshot": latest.pk, "body": "Noted."},
    )

    assert response.status_code == 302


@pytest.mark.parametrize("actor", ["sales_a", "spec_a", "viewer_a"])
def test_only_managers_annotate(client, refreshed, actor):
    latest = refreshed.customer_a.health_snapshots.order_by("-taken_on").first()
    client.force_login(getattr(refreshed, actor))

    response = client.post(
        reverse("health:annotate", args=[refreshed.customer_a.pk]),
        {"snapshot": latest.pk, "body": "Mine"},
    )

    assert response.status_code == 403
    assert not ScoreAnnotation.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"body": ""},
        {"body": "   "},
        {"body": "x" * 2001},
        {"snapshot": "abc", "body": "ok"},
        {"snapshot": "999999", "body": "ok"},
    ],
)
def test_bad_annotations_show_field_errors(client, refreshed, body):
    latest = refreshed.customer_a.health_snapshots.order_by("-taken_on").first()
    client.force_login(refreshed.mgr_a)
    data = {"snapshot": latest.pk, **body}

    response = client.post(reverse("health:annotate", args=[refreshed.customer_a.pk]), data)

    assert response.status_code == 400
    assert response.context["form"].errors
    assert not ScoreAnnotation.objects.exists()


def test_annotating_another_customers_snapshot_is_refused(client, refreshed):
    other = factories.HealthSnapshotFactory(customer=refreshed.customer_a2)
    client.force_login(refreshed.mgr_a)

    response = client.post(
        reverse("health:annotate", args=[refreshed.customer_a.pk]),
        {"snapshot": other.pk, "body": "Wrong account"},
    )

    assert response.status_code == 400
    assert not ScoreAnnotation.objects.exists()


def test_lead_recomputes_and_viewer_may_not(client, actors):
    client.force_login(actors.viewer_a)
    url = reverse("health:refresh", args=[actors.customer_a.pk])
    assert client.post(url).status_code == 403

    client.force_login(actors.sales_a)
    assert client.post(url).status_code == 302
    assert AccountHealth.objects.filter(customer=actors.customer_a).exists()


def test_refresh_and_annotate_need_post(client, actors):
    client.force_login(actors.mgr_a)

    assert client.get(reverse("health:refresh", args=[actors.customer_a.pk])).status_code == 405
    assert client.get(reverse("health:annotate", args=[actors.customer_a.pk])).status_code == 405


@pytest.mark.parametrize("count", [1, 60])
def test_account_page_query_count_is_flat_in_history(
    client, actors, count, django_assert_num_queries
):
    today = timezone.localdate()
    snapshots = [
        factories.HealthSnapshotFactory(
            customer=actors.customer_a, taken_on=today - dt.timedelta(days=n), score=n % 100
        )
        for n in range(count)
    ]
    for snapshot in snapshots[:5]:
        ScoreAnnotation.objects.create(
            customer=actors.customer_a, snapshot=snapshot, author=actors.mgr_a, body="Noted"
        )
    client.force_login(actors.mgr_a)
    # session, user, customer with access, snapshots, annotations (with authors and days),
    # unread notifications (the session renewed at sign-in: no save).
    with django_assert_num_queries(6):
        response = client.get(account_url(actors.customer_a))
    assert response.status_code == 200


def test_history_lists_band_changes_with_the_components_that_moved(client, actors):
    today = timezone.localdate()
    before = [{"key": "execution", "name": "Execution", "points": 15.0, "reasons": ["fine"]}]
    after = [
        {
            "key": "execution",
            "name": "Execution",
            "points": 0.0,
            "reasons": ["2 of 2 open action items are overdue (the oldest by 3 days)"],
        }
    ]
    factories.HealthSnapshotFactory(
        customer=actors.customer_a,
        taken_on=today - dt.timedelta(days=3),
        score=45,
        components=before,
    )
    factories.HealthSnapshotFactory(
        customer=actors.customer_a,
        taken_on=today - dt.timedelta(days=2),
        score=44,
        components=before,
    )
    factories.HealthSnapshotFactory(
        customer=actors.customer_a, taken_on=today, score=30, components=after
    )
    client.force_login(actors.mgr_a)

    response = client.get(account_url(actors.customer_a))

    changes = response.context["changes"]
    # The latest (red) and the first day; the one-point dip in between is not a change.
    assert [c["snapshot"].score for c in changes] == [30, 45]
    assert changes[0]["delta"] == -15
    assert changes[0]["moved"] == [
        {
            "name": "Execution",
            "delta": -15.0,
            "reasons": ["2 of 2 open action items are overdue (the oldest by 3 days)"],
        }
    ]
    assert "Execution -15.0: 2 of 2 open action items are overdue" in response.content.decode()


def test_team_history_is_cached_per_set_of_accounts(client, actors, django_assert_num_queries):
    factories.HealthSnapshotFactory(customer=actors.customer_a, score=30)
    client.force_login(actors.mgr_a)
    first = client.get(DASHBOARD).context["team_history"]
    factories.MembershipFactory(customer=actors.customer_b, user=actors.sales_a)
    factories.HealthSnapshotFactory(customer=actors.customer_b, score=90)

    second = client.get(DASHBOARD).context["team_history"]

    # Visibility changed (team A now sees customer B): a new key, not yesterday's chart.
    assert [point["average"] for point in first] == [30]
    assert [point["average"] for point in second] == [60]
