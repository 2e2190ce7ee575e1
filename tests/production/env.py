"""What the production tests share: the environment of a production process, `manage.py` in a
subprocess, and throwaway PostgreSQL databases on the server the test database lives on.

Every process here is started with a clean environment built from the deploy template
(deploy/accord.env.example) plus what the test must change (database, Redis, secrets), so the
tests run what a self-hoster runs, not the test settings.
"""

import os
import re
import secrets
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
ENV_TEMPLATE = DEPLOY / "accord.env.example"
PYTHON = sys.executable

# Variables of the test runner that must not leak into a production process.
DROPPED = {
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DEBUG",
    "ACCORD_TESTING",
    "ACCORD_BENCH",
    "PYTEST_XDIST_WORKER",
    "PYTEST_XDIST_WORKER_COUNT",
    "PYTEST_CURRENT_TEST",
    "PROMETHEUS_MULTIPROC_DIR",
    "CELERY_QUEUE",
    "REDIS_URL",
    "DATABASE_URL",
}


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=value lines as systemd's EnvironmentFile= reads them (comments and blanks skipped)."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip('"')
    return values


def deploy_settings(**overrides: str) -> dict[str, str]:
    """The environment file an admin writes from the template: its values, a fresh secret
    key, and `overrides` for this machine."""
    values = read_env_file(ENV_TEMPLATE)
    values["SECRET_KEY"] = secrets.token_urlsafe(50)
    values.update(overrides)
    return values


def production_env(**overrides: str) -> dict[str, str]:
    """A production process's environment: this one's (PATH, ...) without the test runner's
    settings, plus the deploy template's values with `overrides`."""
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env.update(deploy_settings(**overrides))
    return env


# A subprocess's limit catches a hang, not slowness: an upgrade's `migrate` replays the
# releases' migrations (~70 s of CPU here, several times that on a busy CI machine).
STEP_TIMEOUT = 600


def manage(
    *args: str, env: dict[str, str], timeout: float = STEP_TIMEOUT
) -> subprocess.CompletedProcess:
    """`python manage.py ...` in the repository, failing with its output when it fails."""
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


def server_url(database: str) -> str:
    """A URL for `database` on the PostgreSQL server of this process's (test) database."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{database}"


def _admin_psql(sql: str) -> None:
    subprocess.run(
        ["psql", server_url("postgres"), "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
        check=True,
        capture_output=True,
        timeout=60,
    )


def psql(url: str, sql: str) -> str:
    """One query's rows, `|`-separated, as text."""
    result = subprocess.run(
        ["psql", url, "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.stdout.strip()


@contextmanager
def scratch_database(purpose: str) -> Iterator[str]:
    """An empty database named after the test database (so parallel runs never share one),
    dropped at the end whatever happens; yields its URL."""
    base = connection.settings_dict["NAME"]
    name = re.sub(r"[^a-z0-9_]", "_", f"{base}_{purpose}_{uuid.uuid4().hex[:6]}".lower())[:63]
    _admin_psql(f'CREATE DATABASE "{name}"')
    try:
        yield server_url(name)
    finally:
        _admin_psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def table_counts(url: str) -> dict[str, int]:
    """Rows per table of the public schema (exact counts, not the planner's estimates)."""
    tables = psql(
        url,
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    ).split()
    if not tables:
        return {}
    union = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM \"{t}\"" for t in tables)
    rows = psql(url, union).splitlines()
    return {name: int(count) for name, count in (row.split("|") for row in rows)}


def app_env(database_url: str) -> dict[str, str]:
    """A plain (development-profile) process on `database_url`: tasks run eagerly, no Redis."""
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env["DATABASE_URL"] = database_url
    return env


def run_python(
    code: str, *args: str, env: dict[str, str], cwd: Path = ROOT, timeout: float = STEP_TIMEOUT
) -> str:
    """`python -c code args` with Django set up first (in `cwd`, e.g. an older release)."""
    prelude = (
        "import os, sys, django\n"
        "sys.path.insert(0, os.getcwd())\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings')\n"
        "django.setup()\n"
    )
    result = subprocess.run(
        [PYTHON, "-c", prelude + code, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"{code}\n{result.stdout}\n{result.stderr}"
    return result.stdout


# Exports carry the time they were made: both sides of a comparison are made "at" this time.
EXPORT_AT = "2027-01-01T12:00:00+00:00"


def export_account(
    database_url: str, customer_name: str, output: Path, *, cwd: Path = ROOT
) -> bytes:
    """`manage.py export_account` of the customer named `customer_name`, made at EXPORT_AT."""
    run_python(
        "import datetime as dt, time_machine\n"
        "from django.core.management import call_command\n"
        "from customers.models import Customer\n"
        "pk = Customer.objects.get(name=sys.argv[1]).pk\n"
        "with time_machine.travel(dt.datetime.fromisoformat(sys.argv[3]), tick=False):\n"
        "    call_command('export_account', pk, output=sys.argv[2])\n",
        customer_name,
        str(output),
        EXPORT_AT,
        env=app_env(database_url),
        cwd=cwd,
    )
    return output.read_bytes()


def copy_schema(source_url: str, target_url: str) -> None:
    """The tables and migration records of a migrated database (the test database) in an
    empty one: what `migrate` builds in ~20 s, in about one. Migrations insert no rows of their
    own, so the schema and the migration records are all there is to copy."""
    dump = ["pg_dump", "--no-owner", "--no-privileges", "--dbname", source_url]
    schema = subprocess.run([*dump, "--schema-only"], check=True, capture_output=True, timeout=120)
    records = subprocess.run(
        [*dump, "--data-only", "--table", "django_migrations"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    subprocess.run(
        ["psql", target_url, "--quiet", "--set", "ON_ERROR_STOP=1"],
        input=schema.stdout + records.stdout,
        check=True,
        capture_output=True,
        timeout=120,
    )
