"""The dashboard's "Needs attention" list: a fixed number of rows, read in the trend index's
order, whatever the number of red accounts the reader sees."""

import pytest
from django.urls import reverse

from customers.models import Customer
from health.models import AccountHealth
from health.queries import ATTENTION_DROP, NEEDS_ATTENTION_LIMIT
from tests import factories
from tests.health.test_views import score

DASHBOARD = reverse("health:dashboard")


def by_the_rule(user) -> list[str]:
    """The list as the rule states it, computed from every visible account."""
    rows = [
        health
        for health in AccountHealth.objects.select_related("customer").filter(
            customer__in=Customer.objects.visible_to(user)
        )
        if health.band == "red"
        or (health.band == "amber" and health.trend_30d is not None and health.trend_30d <= -10)
    ]
    rows.sort(
        key=lambda h: (
            h.trend_30d is None,
            h.trend_30d or 0,
            h.score,
            h.customer.name,
            h.customer_id,
        )
    )
    return [health.customer.name for health in rows[:NEEDS_ATTENTION_LIMIT]]


def make_attention(lead, count: int, prefix: str) -> None:
    for n in range(count):
        customer = factories.CustomerFactory(name=f"{prefix} {n:03}", lead=lead)
        if n % 3 == 2:
            score(customer, 45 + n % 20, trend=-ATTENTION_DROP - n % 5)  # amber, falling fast
        else:
            score(customer, 10 + n % 29, trend=None if n % 7 == 0 else -(n % 13))


@pytest.mark.parametrize("count", [10, 200])
@pytest.mark.parametrize("others", [0, 120])
def test_the_list_follows_the_rule_with_a_fixed_count_at_two_sizes(
    client, actors, count, others, django_assert_num_queries
):
    # `others`: accounts of another team, so the manager sees a large share (index walk
    # testing visibility per row) or a small one (the memberships' semi-join).
    make_attention(actors.sales_a, count, "Mine")
    make_attention(actors.sales_b, others, "Theirs")
    for user in (actors.mgr_a, actors.admin):
        client.force_login(user)
        # As the dashboard's pin (tests/health/test_views.py): the list is one query.
        with django_assert_num_queries(8):
            response = client.get(DASHBOARD)
        attention = [row.customer.name for row in response.context["attention"]]
        assert attention == by_the_rule(user)
        assert len(attention) == NEEDS_ATTENTION_LIMIT
        reds = Customer.objects.visible_to(user).filter(health_band="red").count()
        assert f"{reds} red accounts in all" in response.content.decode()


def test_an_amber_account_is_shown_as_amber_and_falling(client, actors):
    falling = factories.CustomerFactory(name="Falling Amber", lead=actors.sales_a)
    score(falling, 55, trend=-12)
    client.force_login(actors.mgr_a)

    body = client.get(DASHBOARD).content.decode()

    assert "55 · Amber and falling" in body
    assert "0 red accounts" not in body


def test_the_sparkline_has_a_text_alternative(client, actors):
    score(actors.customer_a, 35, trend=-20)
    client.force_login(actors.mgr_a)

    body = client.get(DASHBOARD).content.decode()

    assert 'aria-label="30-day trend from 55 to 35"' in body


def test_the_sparkline_text_alternative_is_translated(client, actors):
    score(actors.customer_a, 35, trend=-20)
    actors.mgr_a.language = "de"
    actors.mgr_a.save(update_fields=["language"])
    client.force_login(actors.mgr_a)

    body = client.get(DASHBOARD).content.decode()

    assert 'aria-label="Trend (30 Tage) von 55 auf 35"' in body
