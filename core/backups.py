"""Backups of the PostgreSQL database with pg_dump, and their restore with pg_restore.

A backup is one file in pg_dump's custom format: compressed, and restorable table by table.
It holds the whole database (accounts, users, history, sessions, the audit log); Redis holds
nothing that needs one (queued tasks are re-queued from PostgreSQL by the change feed's sweep).
The password travels in the environment (PGPASSWORD), never on a command line.
"""

import os
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connections


class BackupError(Exception):
    """The database is not PostgreSQL, a tool is missing, or pg_dump/pg_restore failed."""


def _database(alias: str) -> dict:
    db = settings.DATABASES[alias]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError(
            "Backups are for PostgreSQL; with SQLite, copy the database file while the app "
            "is stopped."
        )
    return db


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return path


def _connection_args(db: dict) -> tuple[list[str], dict[str, str]]:
    args = ["--host", db["HOST"] or "127.0.0.1", "--port", str(db["PORT"] or 5432)]
    if db["USER"]:
        args += ["--username", db["USER"]]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed:\n{result.stderr.strip()}")


def create_backup(output: Path, *, alias: str = "default") -> Path:
    """Dump the whole database to `output` (pg_dump's custom format); returns the file."""
    db = _database(alias)
    args, env = _connection_args(db)
    partial = output.with_name(output.name + ".partial")
    _run(
        [
            _tool("pg_dump"),
            *args,
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(partial),
            "--dbname",
            db["NAME"],
        ],
        env,
    )
    # Only a complete dump gets the final name, so a file with that name is always whole.
    partial.replace(output)
    return output


def database_is_empty(alias: str = "default") -> bool:
    """Whether the database has no tables of its own (a restore only goes into such a one)."""
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        return cursor.fetchone()[0] == 0


def restore_backup(backup: Path, *, alias: str = "default") -> None:
    """Load a backup into the configured database, which must be empty, in one transaction:
    it either holds the whole backup afterwards or stays empty."""
    db = _database(alias)
    if not backup.is_file():
        raise BackupError(f"There is no backup file {backup}.")
    if not database_is_empty(alias):
        raise BackupError(
            f"The database {db['NAME']} already has tables: restore into a new, empty one "
            "(createdb), point DATABASE_URL at it, and run this again."
        )
    connections[alias].close()
    args, env = _connection_args(db)
    _run(
        [
            _tool("pg_restore"),
            *args,
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            db["NAME"],
            str(backup),
        ],
        env,
    )
