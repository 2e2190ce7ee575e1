"""Backups that restore: `manage.py backup` of a seeded database, `manage.py restore_backup`
into a new one, and nothing lost: every table's row count, every sequence, and one account's
export byte for byte."""

import subprocess
from collections.abc import Iterator

import pytest
from django.db import connection

from tests.production.env import (
    PYTHON,
    ROOT,
    app_env,
    copy_schema,
    export_account,
    manage,
    psql,
    scratch_database,
    server_url,
    table_counts,
)

pytestmark = [pytest.mark.slow]

SEQUENCES = "SELECT sequencename, last_value FROM pg_sequences ORDER BY sequencename"


@pytest.fixture
def seeded(db) -> Iterator[str]:
    """A database with the demo data, built on the schema of the (migrated) test database."""
    with scratch_database("backup_source") as url:
        copy_schema(server_url(connection.settings_dict["NAME"]), url)
        manage("seed_demo", env=app_env(url))
        yield url


def test_a_backup_restores_into_a_new_database_with_nothing_lost(seeded, tmp_path):
    backup = tmp_path / "accord.dump"
    manage("backup", "--output", str(backup), env=app_env(seeded))
    assert backup.stat().st_size > 0
    assert not backup.with_name("accord.dump.partial").exists()

    with scratch_database("backup_restored") as restored:
        manage("restore_backup", str(backup), env=app_env(restored))

        counts = table_counts(seeded)
        assert counts == table_counts(restored)
        assert counts["customers_customer"] == 5
        assert counts["dialogue_meeting"] > 0
        assert psql(seeded, SEQUENCES) == psql(restored, SEQUENCES)
        original = export_account(seeded, "Nordwind Logistics", tmp_path / "original.json")
        copy = export_account(restored, "Nordwind Logistics", tmp_path / "restored.json")
        assert original == copy
        assert b'"name": "Nordwind Logistics"' in original

        # A second restore into the same (no longer empty) database is refused, untouched.
        refused = subprocess.run(
            [PYTHON, "manage.py", "restore_backup", str(backup)],
            cwd=ROOT,
            env=app_env(restored),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert refused.returncode != 0
        assert "already has tables" in refused.stderr
        assert table_counts(restored) == counts


def test_backups_refuse_sqlite_with_a_clear_message(tmp_path):
    env = app_env(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = subprocess.run(
        [PYTHON, "manage.py", "backup", "--output", str(tmp_path / "x.dump")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "Backups are for PostgreSQL" in result.stderr
