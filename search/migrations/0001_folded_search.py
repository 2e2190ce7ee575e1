"""Accent- and case-folded search on PostgreSQL (SQLite folds in Python: search.folding).

Creates the `unaccent` and `pg_trgm` extensions, the `accord` text search configuration (the
`simple` parser and dictionary after `unaccent`: no stemming, so it serves German and English
records alike, and prefix matching stands in for stemming), and `accord_fold(text)`, an
immutable lower(unaccent()) for expression indexes. The stored `search_vector` columns of
dialogue 0003 are rebuilt with the `accord` configuration; accounts and contributions get one;
account and stakeholder names get a trigram index for typo-tolerant name matches.

Everything is schema-qualified, so indexes survive a restore that runs with an empty
search_path (manage.py restore_backup).
"""

from django.db import migrations

OLD_CONFIG = "english"
CONFIG = "public.accord"
# (table, index, ((weight, (columns...)), ...)) for the tables dialogue 0003 gave a vector.
REBUILT = (
    ("dialogue_meeting", "dlg_meeting_sv", (("A", ("title",)), ("B", ("notes", "customer_said", "insights")))),
    ("customers_problem", "dlg_problem_sv", (("A", ("title",)), ("B", ("description",)))),
    ("customers_goal", "dlg_goal_sv", (("A", ("title",)), ("B", ("description", "metric")))),
    ("customers_stakeholder", "dlg_stakeholder_sv", (("A", ("name",)), ("B", ("title", "email")))),
    ("solutions_proposal", "dlg_proposal_sv", (("A", ("title",)), ("B", ("summary",)))),
    ("solutions_comment", "dlg_comment_sv", (("B", ("body",)),)),
)
OLD_STAKEHOLDER = (("A", ("name",)), ("B", ("title",)))
ADDED = (
    ("customers_customer", "srch_customer_sv", (("A", ("name",)), ("B", ("industry", "website")))),
    ("solutions_contribution", "srch_contribution_sv", (("B", ("request", "description")),)),
)
TRIGRAM = (
    ("customers_customer", "srch_customer_name_trgm", "name"),
    ("customers_stakeholder", "srch_stakeholder_name_trgm", "name"),
)


# Addresses are split into their words, as the query is: "nordwind.example" finds a website.
ADDRESSES = ("website", "email")


def _column(config, column):
    text = f"coalesce({column}::text, '')"
    if config == CONFIG and column in ADDRESSES:
        return f"translate({text}, './:@-_?=&#', '           ')"
    return text


def _document(config, weighted_columns):
    parts = []
    for weight, columns in weighted_columns:
        text = " || ' ' || ".join(_column(config, column) for column in columns)
        parts.append(f"setweight(to_tsvector('{config}'::regconfig, {text}), '{weight}')")
    return " || ".join(parts)


def _add_vector(schema_editor, table, index, config, weighted_columns):
    schema_editor.execute(
        f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({_document(config, weighted_columns)}) STORED"
    )
    schema_editor.execute(f"CREATE INDEX {index} ON {table} USING gin (search_vector)")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Rebuilding the columns rewrites each table: allow it longer than a request's time limit.
    schema_editor.execute("SET LOCAL statement_timeout = 0")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
    schema_editor.execute(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = pg_catalog.simple)")
    schema_editor.execute(
        f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR "
        "asciiword, asciihword, hword_asciipart, word, hword, hword_part "
        "WITH public.unaccent, pg_catalog.simple"
    )
    schema_editor.execute(
        "CREATE FUNCTION public.accord_fold(text) RETURNS text "
        "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE "
        "AS $$ SELECT pg_catalog.lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$"
    )
    for table, index, weighted_columns in REBUILT:
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN search_vector")
        _add_vector(schema_editor, table, index, CONFIG, weighted_columns)
    for table, index, weighted_columns in ADDED:
        _add_vector(schema_editor, table, index, CONFIG, weighted_columns)
    for table, index, column in TRIGRAM:
        schema_editor.execute(
            f"CREATE INDEX {index} ON {table} "
            f"USING gin (public.accord_fold({column}) public.gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("SET LOCAL statement_timeout = 0")
    for _table, index, _column in TRIGRAM:
        schema_editor.execute(f"DROP INDEX {index}")
    for table, _index, _weighted_columns in ADDED:
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN search_vector")
    for table, index, weighted_columns in REBUILT:
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN search_vector")
        old = OLD_STAKEHOLDER if table == "customers_stakeholder" else weighted_columns
        _add_vector(schema_editor, table, index, OLD_CONFIG, old)
    schema_editor.execute("DROP FUNCTION public.accord_fold(text)")
    schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION {CONFIG}")
    schema_editor.execute("DROP EXTENSION IF EXISTS pg_trgm")
    schema_editor.execute("DROP EXTENSION IF EXISTS unaccent")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_move_drf_tokens"),
        ("customers", "0004_single_line_fields"),
        ("dialogue", "0005_single_line_fields"),
        ("solutions", "0003_single_line_fields"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
