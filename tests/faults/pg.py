"""A throwaway PostgreSQL cluster of our own (the shared one is never stopped), a gunicorn
serving Accord from it, and a small HTTP client that records what was acknowledged."""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from tests.faults.procs import BASE_DIR, free_port, wait_for

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _as_postgres(*args: str, check: bool = True, timeout: float = 60) -> None:
    # initdb refuses to run as root: as root, the cluster belongs to the postgres user.
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run(
        [*prefix, *args],
        check=check,
        capture_output=True,
        timeout=timeout,
    )


class PrivateCluster:
    """initdb + pg_ctl on a free loopback port, in a temporary folder removed at the end."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="accord-pg-"))
        self.root.chmod(0o755)
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/accord"

    def init(self) -> None:
        _as_postgres(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",  # only initdb's own files; the server runs with fsync on
        )
        self.start()
        self.psql("postgres", "CREATE DATABASE accord")

    def _pg_ctl(self, *args: str) -> None:
        _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), *args)

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root}"
        self._pg_ctl("-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._pg_ctl("-m", mode, "-w", "stop")

    def restart(self, mode: str = "fast") -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root}"
        self._pg_ctl("-m", mode, "-o", options, "-w", "restart")

    def psql_args(self, database: str) -> list[str]:
        return ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database]

    def psql(self, database: str, sql: str) -> str:
        result = subprocess.run(
            [*self.psql_args(database), "-Atc", sql],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
        return result.stdout.strip()

    def destroy(self) -> None:
        _as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop", check=False
        )
        shutil.rmtree(self.root, ignore_errors=True)


# Run in a subprocess against the private cluster: a lead with a token and a session, and one
# account. Prints "<customer id> <token> <session cookie name>=<session key>".
SETUP_SCRIPT = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.conf import settings
from django.test import Client
from accounts.models import Team, TeamMember, User
from accounts.services import issue_api_token
from customers.services import create_customer

lead = User.objects.create_user("lead", email="lead@example.com", password="not-used-12345")
team = Team.objects.create(name="Team", manager=User.objects.create_user("boss"))
TeamMember.objects.create(team=team, user=lead)
customer = create_customer(lead=lead, name="Durable AG")
client = Client()
client.force_login(lead)
cookie = settings.SESSION_COOKIE_NAME
key = issue_api_token(lead, is_mfa_verified=False)[1]
print(customer.pk, key, f"{cookie}={client.cookies[cookie].value}")
"""


def app_env(cluster: PrivateCluster, redis_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": cluster.url,
        "REDIS_URL": redis_url,
        "DATABASE_CONNECT_TIMEOUT": "3",
        "CONN_MAX_AGE": "60",
        "DEBUG": "false",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def copy_schema(source_url: str, cluster: PrivateCluster) -> None:
    """The tables of a migrated database (the test database) and its migration records, in
    the private cluster's `accord`: what `migrate` builds there in 15 s, in about one.
    No migration inserts rows of its own, so the schema is all there is to copy."""
    dump = ["pg_dump", "--no-owner", "--no-privileges", "--dbname", source_url]
    schema = subprocess.run(
        [*dump, "--schema-only"], check=True, capture_output=True, timeout=120
    ).stdout
    records = subprocess.run(
        [*dump, "--data-only", "--table", "django_migrations"],
        check=True,
        capture_output=True,
        timeout=120,
    ).stdout
    subprocess.run(
        [*cluster.psql_args("accord"), "--quiet", "--set", "ON_ERROR_STOP=1"],
        input=schema + records,
        check=True,
        capture_output=True,
        timeout=120,
    )


def prepare_database(
    cluster: PrivateCluster, redis_url: str, *, schema_from: str
) -> tuple[int, str, str]:
    env = app_env(cluster, redis_url)
    copy_schema(schema_from, cluster)
    out = subprocess.run(
        [sys.executable, "-c", SETUP_SCRIPT],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout.split()
    return int(out[-3]), out[-2], out[-1]


class Gunicorn:
    """`gunicorn config.wsgi` on a free port, serving from the private cluster."""

    def __init__(self, cluster: PrivateCluster, redis_url: str, log: Path) -> None:
        self.port = free_port()
        self.log = log
        self.env = app_env(cluster, redis_url)
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        out = self.log.open("a")
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--threads",
                "2",
                "--timeout",
                "30",
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        out.close()

        def up() -> bool:
            try:
                return requests.get(f"{self.base}/healthz", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        assert wait_for(up, timeout=60, every=0.3), self.log.read_text()[-3000:]

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
            self.process = None


class Timer:
    def __enter__(self) -> "Timer":
        self.started = time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.monotonic() - self.started
