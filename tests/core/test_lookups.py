"""`field__any=[...]` filters like `__in`, with the list sent as one parameter on PostgreSQL."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.models import Customer


def test_any_matches_like_in(actors):
    ids = [actors.customer_a.pk, actors.customer_b.pk, 0]
    by_any = set(Customer.objects.filter(pk__any=ids).values_list("pk", flat=True))
    by_in = set(Customer.objects.filter(pk__in=ids).values_list("pk", flat=True))
    assert by_any == by_in == {actors.customer_a.pk, actors.customer_b.pk}
    assert not Customer.objects.filter(pk__any=[]).exists()


def test_any_sends_one_array_parameter_on_postgresql(actors, is_postgres):
    ids = [*range(1, 1001), actors.customer_a.pk]
    with CaptureQueriesContext(connection) as captured:
        assert Customer.objects.filter(pk__any=ids).filter(pk=actors.customer_a.pk).exists()
    sql = captured.captured_queries[0]["sql"]
    if is_postgres:
        assert "= ANY(" in sql
        assert "ARRAY[" in sql
    else:
        assert " IN (" in sql
