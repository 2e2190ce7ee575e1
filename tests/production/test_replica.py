"""Read-only requests read from a real PostgreSQL streaming replica (core/replica.py).

The test makes its own pair of clusters on loopback: a primary (initdb) and a replica made
from it with pg_basebackup, streaming. The primary is migrated; gunicorn
serves Accord with DATABASE_URL on the primary and DATABASE_REPLICA_URL on the replica. The
replica's replay is paused to make lag visible: another user reads the old data (the reads come
from the replica), the writer reads their own write (read-your-writes), and once the lag
exceeds REPLICA_MAX_LAG_SECONDS everyone reads the primary. Then the replica is stopped: every
request still answers 200, from the primary.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from django.conf import settings

from tests.production.stack import free_port, port_open, wait_for

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = next(Path("/usr/lib/postgresql").glob("*/bin"), None)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="a streaming replica needs PostgreSQL",
    ),
]

SETUP = """
import json
from accounts.services import issue_api_token
from accounts.models import AccountMembership
from tests import factories
writer = factories.UserFactory(username="writer")
reader = factories.UserFactory(username="reader")
customer = factories.CustomerFactory(name="Alpha Replica", lead=writer)
factories.MembershipFactory(customer=customer, user=reader, role=AccountMembership.Role.VIEWER)
factories.GoalFactory(customer=customer, title="Cut gate waiting time")
print(json.dumps({
    "writer": issue_api_token(writer, is_mfa_verified=False)[1],
    "reader": issue_api_token(reader, is_mfa_verified=False)[1],
    "customer": customer.pk,
}))
"""


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL's server refuses to run as root: run its tools as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _pg(tool: str, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        _as_postgres([str(PG_BIN / tool), *args]),
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )


@dataclass
class Cluster:
    data: Path
    port: int
    socket_dir: Path
    process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            _as_postgres(
                [
                    str(PG_BIN / "postgres"),
                    "-D",
                    str(self.data),
                    "-p",
                    str(self.port),
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    f"unix_socket_directories={self.socket_dir}",
                    "-c",
                    "fsync=off",
                    "-c",
                    "shared_buffers=32MB",
                ]
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(self.ready, timeout=60), f"PostgreSQL on {self.port} did not start"

    def ready(self) -> bool:
        return (
            subprocess.run(
                [str(PG_BIN / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)],
                check=False,
            ).returncode
            == 0
        )

    def sql(self, statement: str, database: str = "postgres") -> str:
        return subprocess.run(
            [
                *(str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.port)),
                *("-U", "postgres", "-d", database, "-Atc", statement),
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout.strip()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # PostgreSQL's smart shutdown... then fast if needed
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)


@dataclass
class Site:
    url: str
    primary: Cluster
    replica: Cluster
    tokens: dict[str, str]
    customer: int

    def get(self, who: str, path: str) -> requests.Response:
        headers = {"Authorization": f"Token {self.tokens[who]}"}
        return requests.get(f"{self.url}{path}", headers=headers, timeout=30)

    def post(self, who: str, path: str, body: dict) -> requests.Response:
        headers = {"Authorization": f"Token {self.tokens[who]}"}
        return requests.post(f"{self.url}{path}", json=body, headers=headers, timeout=30)

    def goals(self, who: str) -> set[str]:
        response = self.get(who, f"/api/goals/?customer={self.customer}&page_size=100")
        assert response.status_code == 200, response.text
        return {row["title"] for row in response.json()["results"]}

    def add_goal(self, title: str) -> None:
        created = self.post("writer", "/api/goals/", {"customer": self.customer, "title": title})
        assert created.status_code == 201, created.text


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    tmp = Path(tempfile.mkdtemp(prefix="accord-replica-"))
    if os.geteuid() == 0:
        postgres = pwd.getpwnam("postgres")
        os.chown(tmp, postgres.pw_uid, postgres.pw_gid)
    primary = Cluster(tmp / "primary", free_port(), tmp)
    replica = Cluster(tmp / "replica", free_port(), tmp)
    server = None
    try:
        _pg("initdb", "-D", str(primary.data), "-A", "trust", "-U", "postgres", "--no-sync")
        primary.start()
        _pg(
            "pg_basebackup",
            *("-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"),
            *("-D", str(replica.data), "-R", "-X", "stream", "-c", "fast", "--no-sync"),
        )
        replica.start()
        assert replica.sql("SELECT pg_is_in_recovery()") == "t"

        primary.sql("CREATE DATABASE accord")
        env = {
            **{k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_ENV"}},
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{primary.port}/accord",
            "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{replica.port}/accord",
            "REPLICA_MAX_LAG_SECONDS": "3",
            "REPLICA_LAG_CHECK_SECONDS": "1",
            "ACCORD_TESTING": "0",
            "DEBUG": "false",
        }
        manage = [sys.executable, "manage.py"]
        subprocess.run(
            [*manage, "migrate", "--noinput"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
        made = subprocess.run(
            [*manage, "shell", "-c", SETUP],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
        created = json.loads(made.stdout.strip().splitlines()[-1])
        port = free_port()
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", "config.wsgi"),
                *("-b", f"127.0.0.1:{port}", "-w", "1", "--timeout", "60"),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(lambda: port_open(port), timeout=60), "gunicorn did not start"
        yield Site(
            url=f"http://127.0.0.1:{port}",
            primary=primary,
            replica=replica,
            tokens={"writer": created["writer"], "reader": created["reader"]},
            customer=created["customer"],
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        replica.stop()
        primary.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def test_reads_come_from_the_replica_and_a_writer_reads_their_own_writes(site):
    assert wait_for(lambda: "Cut gate waiting time" in site.goals("reader"), timeout=30)
    site.replica.sql("SELECT pg_wal_replay_pause()")
    try:
        site.add_goal("Double the night shift")
        # The writer reads the primary for a few seconds: their new goal is there.
        assert "Double the night shift" in site.goals("writer")
        # Another user reads the replica, which has not replayed the write yet.
        assert "Double the night shift" not in site.goals("reader")
        # Once the replica lags more than REPLICA_MAX_LAG_SECONDS, reads go to the primary.
        assert wait_for(lambda: "Double the night shift" in site.goals("reader"), timeout=30)
    finally:
        site.replica.sql("SELECT pg_wal_replay_resume()")
    assert wait_for(
        lambda: site.replica.sql("SELECT count(*) FROM customers_goal", "accord") == "2",
        timeout=30,
    )


def test_a_replica_that_goes_down_never_gives_a_500(site):
    assert site.get("reader", f"/api/customers/{site.customer}/").status_code == 200
    site.replica.stop()
    for path in ("/api/customers/", f"/api/customers/{site.customer}/", "/api/goals/"):
        for _ in range(2):
            response = site.get("reader", path)
            assert response.status_code == 200, (path, response.text[:300])
    # Writes never needed the replica; the next read sees the write, from the primary.
    site.add_goal("Open a second gate")
    assert "Open a second gate" in site.goals("reader")
