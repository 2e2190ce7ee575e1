from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    """pg_trgm, for the duplicate-problem warning (customers.queries.similar_open_problems).

    Reversible; a no-op on SQLite."""

    dependencies = [
        ("customers", "0005_soft_delete"),
    ]

    operations = [TrigramExtension()]
