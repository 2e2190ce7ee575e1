"""F09-F11: PostgreSQL restarted, down or crashed under a real gunicorn. These tests start a
cluster of their own (the shared PostgreSQL is never touched): no acknowledged write is lost,
pages answer 503 with Retry-After while it is down, and tasks retry until it is back."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
import requests

from insights.tasks import rebuild_summary_task
from tests.faults.conftest import broker_at
from tests.faults.pg import PG_BIN, Gunicorn, PrivateCluster, Timer, prepare_database
from tests.faults.procs import RedisServer, Worker, database_url_of_tests, wait_for

pytestmark = [
    pytest.mark.slow,
    pytest.mark.worker,
    # Not for the tests themselves: the test database lends its schema to the private cluster.
    pytest.mark.django_db,
    pytest.mark.skipif(not (PG_BIN / "initdb").exists(), reason="needs PostgreSQL 15's initdb"),
]


@dataclass
class Stack:
    cluster: PrivateCluster
    redis: RedisServer
    web: Gunicorn
    customer_id: int
    token: str
    session_cookie: str
    tmp: object

    def api(self) -> requests.Session:
        session = requests.Session()
        session.headers["Authorization"] = f"Token {self.token}"
        return session

    def write(self, session: requests.Session, title: str) -> requests.Response:
        return session.post(
            f"{self.web.base}/api/goals/",
            json={"customer": self.customer_id, "title": title},
            timeout=10,
        )

    def stored_ids(self, ids: list[int]) -> int:
        if not ids:
            return 0
        listed = ",".join(str(i) for i in ids)
        return int(
            self.cluster.psql(
                "accord", f"SELECT count(*) FROM customers_goal WHERE id IN ({listed})"
            )
        )


@pytest.fixture(scope="module")
def stack(tmp_path_factory, django_db_setup):
    tmp = tmp_path_factory.mktemp("pg-faults")
    cluster = PrivateCluster()
    redis = RedisServer(tmp / "redis")
    web = None
    try:
        cluster.init()
        redis.start()
        # The test database, migrated by pytest-django, lends its schema to the private one.
        customer_id, token, session_cookie = prepare_database(
            cluster, redis.url, schema_from=database_url_of_tests()
        )
        web = Gunicorn(cluster, redis.url, tmp / "gunicorn.log")
        web.start()
        yield Stack(cluster, redis, web, customer_id, token, session_cookie, tmp)
    finally:
        if web is not None:
            web.stop()
        redis.stop()
        cluster.destroy()


def is_generic_503(response: requests.Response) -> bool:
    return (
        response.status_code == 503
        and response.headers.get("Retry-After") == "10"
        and "Traceback" not in response.text
        and "psycopg" not in response.text
    )


def test_f11_a_crash_right_after_500_acknowledged_writes_keeps_all_500(stack):
    def write(i: int) -> int | None:
        response = stack.write(stack.api(), f"Crash {i}")
        return response.json()["id"] if response.status_code == 201 else None

    with ThreadPoolExecutor(4) as pool:
        acknowledged = [i for i in pool.map(write, range(500)) if i is not None]
    assert len(acknowledged) == 500
    stack.cluster.stop("immediate")  # no checkpoint: the WAL replays on start
    stack.cluster.start()
    assert stack.stored_ids(acknowledged) == 500


def test_f09_a_restart_under_load_loses_no_acknowledged_write_and_recovers_by_itself(stack):
    session = stack.api()
    gunicorn_pid = stack.web.process.pid
    acknowledged, answers = [], []  # answers: (time, status, generic 503?)
    window: dict[str, float] = {}
    stop = threading.Event()

    def restart_after(delay: float) -> None:
        time.sleep(delay)
        window["start"] = time.monotonic()
        stack.cluster.restart("fast")
        window["end"] = time.monotonic()

    restarter = threading.Thread(target=restart_after, args=(4,))
    restarter.start()
    started = time.monotonic()
    i = 0
    while time.monotonic() - started < 12 and not stop.is_set():
        i += 1
        try:
            if i % 2:
                response = stack.write(session, f"Load {i}")
                if response.status_code == 201:
                    acknowledged.append(response.json()["id"])
            else:
                response = session.get(
                    f"{stack.web.base}/api/goals/?customer={stack.customer_id}", timeout=10
                )
            answers.append((time.monotonic(), response.status_code, is_generic_503(response)))
        except requests.RequestException:
            answers.append((time.monotonic(), 0, False))
        time.sleep(0.1)  # about 10 requests a second
    restarter.join()

    errors = [(t, status, generic) for t, status, generic in answers if status >= 500 or not status]
    after_window = [e for e in errors if e[0] > window["end"] + 1]
    assert after_window == []
    assert all(generic for _, _, generic in errors)
    assert all(window["start"] - 0.5 <= t <= window["end"] + 1 for t, _, _ in errors)
    assert len([a for a in answers if a[0] > window["end"] + 1 and a[1] < 300]) >= 10
    assert stack.web.process.pid == gunicorn_pid  # recovered without restarting the app
    assert len(acknowledged) >= 30
    assert stack.stored_ids(acknowledged) == len(acknowledged)


def test_f10_while_down_pages_answer_503_fast_and_a_task_retries_until_it_returns(stack):
    api = stack.api()
    page = requests.Session()
    name, value = stack.session_cookie.split("=", 1)
    page.cookies.set(name, value)
    assert (
        page.get(f"{stack.web.base}/customers/{stack.customer_id}/", timeout=10).status_code == 200
    )
    worker = Worker(
        broker_url=stack.redis.url,
        log=stack.tmp / "worker.log",
        env={"DATABASE_URL": stack.cluster.url},
    ).start()
    try:
        stack.cluster.stop("fast")
        with Timer() as health_time:
            health = requests.get(f"{stack.web.base}/healthz", timeout=10)
        with Timer() as api_time:
            listed = api.get(f"{stack.web.base}/api/goals/", timeout=10)
        with Timer() as page_time:
            shown = page.get(f"{stack.web.base}/customers/{stack.customer_id}/", timeout=10)
        with broker_at(stack.redis.url):
            rebuild_summary_task.apply_async(args=[stack.customer_id])
        time.sleep(6)  # the task fails and retries with backoff meanwhile
        stack.cluster.start()

        def summary_built() -> bool:
            sql = "SELECT count(*) FROM insights_accountsummary WHERE customer_id = "
            sql += str(stack.customer_id)
            return stack.cluster.psql("accord", sql) != "0"

        assert wait_for(summary_built, timeout=90, every=0.5), (
            stack.tmp / "worker.log"
        ).read_text()[-3000:]
    finally:
        worker.stop()
        if not wait_for(lambda: _accepts(stack), timeout=1):
            stack.cluster.start()

    assert health.status_code == 503
    assert health.json()["database"] == "down"
    assert is_generic_503(listed)
    assert is_generic_503(shown)
    assert "text/html" in shown.headers["Content-Type"]
    assert max(health_time.seconds, api_time.seconds, page_time.seconds) < 3 + 1
    log = (stack.tmp / "worker.log").read_text()
    assert "Retry in" in log
    # Once back, the same gunicorn serves again.
    assert (
        page.get(f"{stack.web.base}/customers/{stack.customer_id}/", timeout=10).status_code == 200
    )


def _accepts(stack: Stack) -> bool:
    try:
        stack.cluster.psql("postgres", "SELECT 1")
        return True
    except Exception:
        return False
