"""Stored tsvector columns for full-text search (PostgreSQL only; SQLite searches with icontains).

Each searchable table gets a generated `search_vector` column holding the weighted document
that 0002 indexed as an expression, and a GIN index on it. Ranking then reads the stored vector
instead of re-parsing every matching row's text on each search. The column is not a model
field: PostgreSQL fills it, Django never writes it, and `dialogue.search.StoredVector` reads it.
"""

from django.db import migrations

CONFIG = "english"
# (table, new index, old expression index, ((weight, (columns...)), ...)): as in 0002.
TABLES = (
    ("dialogue_meeting", "dlg_meeting_sv", "dlg_meeting_fts", (("A", ("title",)), ("B", ("notes", "customer_said", "insights")))),
    ("customers_problem", "dlg_problem_sv", "dlg_problem_fts", (("A", ("title",)), ("B", ("description",)))),
    ("customers_goal", "dlg_goal_sv", "dlg_goal_fts", (("A", ("title",)), ("B", ("description", "metric")))),
    ("customers_stakeholder", "dlg_stakeholder_sv", "dlg_stakeholder_fts", (("A", ("name",)), ("B", ("title",)))),
    ("solutions_proposal", "dlg_proposal_sv", "dlg_proposal_fts", (("A", ("title",)), ("B", ("summary",)))),
    ("solutions_comment", "dlg_comment_sv", "dlg_comment_fts", (("B", ("body",)),)),
)


def _document(weighted_columns):
    parts = []
    for weight, columns in weighted_columns:
        text = " || ' ' || ".join(f"coalesce({column}::text, '')" for column in columns)
        parts.append(f"setweight(to_tsvector('{CONFIG}'::regconfig, {text}), '{weight}')")
    return " || ".join(parts)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Filling the column rewrites each table: allow it longer than a request's time limit.
    schema_editor.execute("SET LOCAL statement_timeout = 0")
    for table, index, old_index, weighted_columns in TABLES:
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({_document(weighted_columns)}) STORED"
        )
        schema_editor.execute(f"CREATE INDEX {index} ON {table} USING gin (search_vector)")
        schema_editor.execute(f"DROP INDEX IF EXISTS {old_index}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("SET LOCAL statement_timeout = 0")
    for table, _index, old_index, weighted_columns in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN search_vector")
        schema_editor.execute(
            f"CREATE INDEX {old_index} ON {table} USING gin (({_document(weighted_columns)}))"
        )


class Migration(migrations.Migration):
    dependencies = [("dialogue", "0002_search_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
