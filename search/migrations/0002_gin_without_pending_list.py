"""Search's GIN indexes without a pending list (`fastupdate = off`).

With the default `fastupdate = on`, new rows go to an unsorted pending list that every search
scans in full until (auto)vacuum merges it: after a bulk load or a busy day the type-ahead
spent most of its time there (the name trigram lookup went from 0.1 ms to 6-15 ms on the
benchmark dataset). A search index is read far more often than written, so each write pays
its own index update instead, and the pending lists left now are merged.
"""

from django.db import migrations

INDEXES = (
    "dlg_meeting_sv",
    "dlg_problem_sv",
    "dlg_goal_sv",
    "dlg_stakeholder_sv",
    "dlg_proposal_sv",
    "dlg_comment_sv",
    "srch_customer_sv",
    "srch_contribution_sv",
    "srch_customer_name_trgm",
    "srch_stakeholder_name_trgm",
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("SET LOCAL statement_timeout = 0")
    for index in INDEXES:
        schema_editor.execute(f"ALTER INDEX public.{index} SET (fastupdate = off)")
        schema_editor.execute(
            f"SELECT pg_catalog.gin_clean_pending_list('public.{index}'::regclass)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in INDEXES:
        schema_editor.execute(f"ALTER INDEX public.{index} RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_folded_search")]

    operations = [migrations.RunPython(forwards, backwards)]
