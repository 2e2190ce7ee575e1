"""GIN indexes for full-text search (PostgreSQL only; SQLite searches with icontains).

The expressions repeat dialogue.search.SOURCES as they were when this migration was written,
so the planner can match the queries' tsvector to the index; a test checks that it does.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

CONFIG = "english"
INDEXES = (
    ("dialogue", "Meeting", "dlg_meeting_fts", (("A", ("title",)), ("B", ("notes", "customer_said", "insights")))),
    ("customers", "Problem", "dlg_problem_fts", (("A", ("title",)), ("B", ("description",)))),
    ("customers", "Goal", "dlg_goal_fts", (("A", ("title",)), ("B", ("description", "metric")))),
    ("customers", "Stakeholder", "dlg_stakeholder_fts", (("A", ("name",)), ("B", ("title",)))),
    ("solutions", "Proposal", "dlg_proposal_fts", (("A", ("title",)), ("B", ("summary",)))),
    ("solutions", "Comment", "dlg_comment_fts", (("B", ("body",)),)),
)


def _index(name, weighted_fields):
    vector = None
    for weight, fields in weighted_fields:
        part = SearchVector(*fields, weight=weight, config=CONFIG)
        vector = part if vector is None else vector + part
    return GinIndex(vector, name=name)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app_label, model_name, name, weighted_fields in INDEXES:
        schema_editor.add_index(apps.get_model(app_label, model_name), _index(name, weighted_fields))


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app_label, model_name, name, weighted_fields in INDEXES:
        schema_editor.remove_index(apps.get_model(app_label, model_name), _index(name, weighted_fields))


class Migration(migrations.Migration):
    dependencies = [
        ("dialogue", "0001_initial"),
        ("customers", "0001_initial"),
        ("solutions", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
