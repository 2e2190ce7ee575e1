"""Accord behind PgBouncer (Debian's package) in transaction mode, keeping psycopg2.

A scratch database with three accounts, `manage.py configure_database` on it, PgBouncer on
loopback with a pool of 4 server connections, and gunicorn (2 workers, DATABASE_PGBOUNCER=true)
on PgBouncer: 24 requests at once (reads, writes, search) all answer, while PostgreSQL never
sees more than the pool's connections; the daily snapshot job, which iterates over every
account, runs through the pool too (server-side cursors are off).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings
from django.db import connection

from bench import pgbouncer
from tests.production.env import (
    ROOT,
    app_env,
    copy_schema,
    manage,
    psql,
    scratch_database,
    server_url,
)
from tests.production.stack import free_port, port_open, wait_for

POOL_SIZE = 4

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="PgBouncer pools PostgreSQL connections",
    ),
]

SETUP = """
from accounts.services import issue_api_token
from tests import factories
user = factories.UserFactory(username="pooled")
for name in ("Nordwind Logistics", "Brightwater Foods", "Gate Systems"):
    customer = factories.CustomerFactory(name=name, lead=user)
    factories.GoalFactory(customer=customer, title="Cut gate waiting time")
    factories.MeetingFactory(customer=customer)
print(issue_api_token(user, is_mfa_verified=False)[1])
"""


SNAPSHOTS = "from health.tasks import snapshot_all_customers; print(snapshot_all_customers())"


@dataclass
class Pooled:
    url: str
    token: str
    bouncer_port: int
    database: str
    env: dict[str, str]

    def get(self, path: str) -> requests.Response:
        headers = {"Authorization": f"Token {self.token}"}
        return requests.get(f"{self.url}{path}", headers=headers, timeout=60)

    def post(self, path: str, body: dict) -> requests.Response:
        headers = {"Authorization": f"Token {self.token}"}
        return requests.post(f"{self.url}{path}", json=body, headers=headers, timeout=60)

    def admin(self, command: str) -> list[dict[str, str]]:
        """PgBouncer's admin console (SHOW POOLS, SHOW STATS), as rows."""
        out = subprocess.run(
            [
                *("psql", "-h", "127.0.0.1", "-p", str(self.bouncer_port), "-U", "postgres"),
                *("-d", "pgbouncer", "-A", "-F", "\t", "-c", command),
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout.splitlines()
        header = out[0].split("\t")
        return [dict(zip(header, line.split("\t"), strict=False)) for line in out[1:-1]]


@pytest.fixture
def pooled(db) -> Iterator[Pooled]:
    with scratch_database("pgbouncer") as direct_url:
        copy_schema(server_url(connection.settings_dict["NAME"]), direct_url)
        manage("configure_database", env=app_env(direct_url))
        database = direct_url.rsplit("/", 1)[1]
        # The same PgBouncer as the load test's (bench/pgbouncer.py): one set-up, one config.
        with pgbouncer.pooled(direct_url, pool_size=POOL_SIZE) as bounced_url:
            env = {**app_env(bounced_url), "DATABASE_PGBOUNCER": "true", "DEBUG": "false"}
            token = manage("shell", "-c", SETUP, env=env).stdout.strip().splitlines()[-1]
            web = free_port()
            server = subprocess.Popen(
                [
                    *(sys.executable, "-m", "gunicorn", "config.wsgi"),
                    *("-b", f"127.0.0.1:{web}", "-w", "2", "--timeout", "60"),
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                assert wait_for(lambda: port_open(web), timeout=60), "gunicorn did not start"
                port = urlsplit(bounced_url).port
                yield Pooled(f"http://127.0.0.1:{web}", token, port, database, env)
            finally:
                server.terminate()
                server.wait(timeout=30)


def test_accord_runs_behind_pgbouncer_in_transaction_mode(pooled):
    customers = pooled.get("/api/customers/?page_size=100")
    assert customers.status_code == 200, customers.text
    first = customers.json()["results"][0]["id"]
    paths = [
        "/api/customers/?page_size=100",
        f"/api/customers/{first}/",
        f"/api/goals/?customer={first}",
        "/api/meetings/",
        "/api/dashboard/",
        "/api/search/?q=gate",
    ]

    def one(index: int) -> int:
        if index % 4 == 0:
            body = {"customer": first, "title": f"Goal written through the pool {index}"}
            return pooled.post("/api/goals/", body).status_code
        return pooled.get(paths[index % len(paths)]).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(one, range(24)))
    assert statuses.count(201) == 6
    assert set(statuses) == {200, 201}, statuses

    goals = pooled.get(f"/api/goals/?customer={first}&page_size=100").json()["results"]
    assert sum(goal["title"].startswith("Goal written through") for goal in goals) == 6
    # Every transaction went through PgBouncer, on at most its pool's server connections.
    stats = {row["database"]: row for row in pooled.admin("SHOW STATS")}
    assert int(stats["accord"]["total_xact_count"]) >= 24

    def count(sql: str) -> int:
        return int(psql(server_url(pooled.database), sql))

    activity = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
    assert count(activity) <= POOL_SIZE + 1  # the pool's connections, and this psql
    snapshots = manage("shell", "-c", SNAPSHOTS, env=pooled.env).stdout.strip().splitlines()[-1]
    assert int(snapshots) == count("SELECT count(*) FROM customers_customer") > 0
