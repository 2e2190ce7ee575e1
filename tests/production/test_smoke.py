"""The production shape, deployed with deploy/README.md's steps and used as a person would.

On loopback: a scratch PostgreSQL database, a private Redis, gunicorn with DJANGO_ENV=production
behind Debian's nginx with a certificate made here, a Celery worker and beat, all started from
the deploy/ files (tests/production/stack.py). Then headless Chromium over HTTPS: a manager
signs in with the two-factor step, logs a meeting, sees the summary rebuilt by the worker and
downloads the dashboard CSV; and the production promises are checked from outside: __Host-
Secure cookies, HSTS, CSP, hashed static files cached for a year, plain HTTP redirected for
pages and refused for the API, JSON request logs, /metrics, and a graceful stop of every
process.
"""

import base64
import csv
import datetime as dt
import io
import json
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from django_otp.oath import totp
from playwright.sync_api import Browser, Page, expect
from prometheus_client.parser import text_string_to_metric_families

from tests.faults.procs import RedisServer
from tests.production.env import psql, scratch_database
from tests.production.stack import Stack

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

PASSWORD = "accord-demo"
MEETING = "Production smoke: gate review in Bremen"
SAID = "We lose an hour every morning at the gate."
BROWSER_TIMEOUT_MS = 20_000


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("production")
    redis = RedisServer(tmp / "redis")
    redis.start()
    try:
        with scratch_database("smoke") as database_url:
            stack = Stack(tmp, database_url=database_url, redis_url=redis.url)
            try:
                # deploy/README.md, "Install": migrate and collect the static files (side by
                # side: they do not depend on each other), check, load the demo data, start.
                stack.run_steps(("migrate", "--noinput"), ("collectstatic", "--noinput"))
                stack.run_steps(("check", "--deploy", "--fail-level", "WARNING"), ("seed_demo",))
                stack.start()
                yield stack
            finally:
                stack.stop()
    finally:
        redis.stop()


def totp_code(secret: str) -> str:
    """What an authenticator app shows for the secret on the setup page (RFC 6238)."""
    key = "".join(secret.split())
    key += "=" * (-len(key) % 8)
    return f"{totp(base64.b32decode(key)):06d}"


def sign_in_with_two_factor(page: Page, origin: str, username: str) -> None:
    """The login form, then the enrolment a manager must complete before any page."""
    page.goto(f"{origin}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/setup/"))
    secret = page.locator("code.otp-secret").text_content() or ""
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on two-factor").click()
    page.get_by_role("link", name="I have saved them").click()
    page.goto(f"{origin}/")
    expect(page.get_by_role("heading", name="Team overview", level=1)).to_be_visible()


def metrics(stack: Stack) -> dict[tuple[str, tuple], float]:
    response = requests.get(
        f"{stack.direct}/metrics",
        headers={"Authorization": f"Bearer {stack.metrics_token}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    found = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def json_lines(text: str) -> list[dict]:
    lines = []
    for line in text.splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


def test_a_manager_uses_the_production_site_end_to_end(stack: Stack, browser: Browser):
    db = stack.settings["DATABASE_URL"]
    nordwind = int(psql(db, "SELECT id FROM customers_customer WHERE name = 'Nordwind Logistics'"))
    context = browser.new_context(ignore_https_errors=True, accept_downloads=True)
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    page = context.new_page()
    csp_violations: list[str] = []
    page.on(
        "console",
        lambda m: csp_violations.append(m.text) if "Content Security Policy" in m.text else None,
    )

    # The demo's manager1 reads Accord in German on Berlin time; this test reads the English
    # labels and types UTC times, so it takes English and the server's zone (as Preferences would).
    psql(db, "UPDATE accounts_user SET language = 'en', time_zone = '' WHERE username = 'manager1'")
    # Sign in: TOTP enrolment, required of managers in production.
    sign_in_with_two_factor(page, stack.origin, "manager1")

    # Cookies: __Host- names, Secure, HttpOnly session, no Domain.
    cookies = {c["name"]: c for c in context.cookies(stack.origin)}
    session, csrf = cookies["__Host-sessionid"], cookies["__Host-csrftoken"]
    assert (session["secure"], session["httpOnly"], session["sameSite"]) == (True, True, "Lax")
    assert (csrf["secure"], csrf["path"], session["path"]) == (True, "/", "/")
    assert not any(name in cookies for name in ("sessionid", "csrftoken"))

    # HSTS and CSP on a page.
    response = page.goto(f"{stack.origin}/customers/{nordwind}/")
    assert response is not None
    assert response.status == 200
    headers = response.headers
    assert headers["strict-transport-security"].startswith("max-age=31536000; includeSubDomains")
    csp = headers["content-security-policy"]
    script_src = re.search(r"script-src ([^;]+)", csp).group(1)
    # 'self' and, on pages that use one, a nonce: never inline script.
    assert script_src.startswith("'self'")
    assert "'unsafe-inline'" not in script_src
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert headers["cache-control"] == "no-store"

    # Static files come from nginx under hashed names, cached for a year.
    stylesheet = page.locator("link[rel=stylesheet]").first.get_attribute("href") or ""
    assert re.fullmatch(r"/static/css/accord\.[0-9a-f]{12}\.css", stylesheet), stylesheet
    static = stack.http.get(f"{stack.origin}{stylesheet}", timeout=10)
    assert static.status_code == 200
    assert static.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert static.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert static.content == (stack.static_root / stylesheet.removeprefix("/static/")).read_bytes()

    # Log a meeting.
    page.goto(f"{stack.origin}/dialogue/customers/{nordwind}/meetings/new/")
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    page.get_by_label("When").fill(soon.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Title").fill(MEETING)
    page.get_by_label("Visit").check()
    page.get_by_label("What the customer said").fill(SAID)
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_role("heading", name=MEETING)).to_be_visible()

    # The summary, rebuilt by the Celery worker (through Redis) after the meeting was saved.
    page.goto(f"{stack.origin}/customers/{nordwind}/")
    page.get_by_role("navigation", name="Account sections").get_by_role(
        "link", name="Summary"
    ).click()
    summary = page.locator("article.summary-doc")
    deadline = time.monotonic() + 60
    while MEETING not in (summary.text_content() or "") and time.monotonic() < deadline:
        page.wait_for_timeout(1000)
        page.reload()
    expect(summary).to_contain_text(MEETING)

    # The dashboard's CSV.
    page.goto(f"{stack.origin}/health/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    download = download_info.value
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0][:4] == ["Account", "Lead", "Health score", "Band"]
    names = set(psql(db, "SELECT name FROM customers_customer").splitlines())
    assert {row[0] for row in rows[1:]} == names
    assert not csp_violations, csp_violations
    context.close()

    # Plain HTTP: pages move to HTTPS, the API is refused (no token, no data).
    moved = requests.get(f"{stack.plain}/accounts/login/?next=/", allow_redirects=False, timeout=10)
    assert moved.status_code == 301
    assert moved.headers["Location"] == f"{stack.origin}/accounts/login/?next=/"
    credentials = {"username": "sales1", "password": PASSWORD}
    refused = requests.post(f"{stack.plain}/api/auth/token/", json=credentials, timeout=10)
    assert refused.status_code == 403
    assert refused.json()["code"] == "https_required"
    assert "token" not in refused.json()
    assert psql(db, "SELECT count(*) FROM accounts_apitoken") == "0"
    issued = stack.http.post(f"{stack.origin}/api/auth/token/", json=credentials, timeout=10)
    assert issued.status_code == 200, issued.text
    auth = {"Authorization": f"Token {issued.json()['token']}"}
    over_http = requests.get(f"{stack.plain}/api/customers/", headers=auth, timeout=10)
    assert over_http.status_code == 403
    assert "Nordwind" not in over_http.text
    listed = stack.http.get(f"{stack.origin}/api/customers/", headers=auth, timeout=10)
    assert listed.status_code == 200
    assert "Nordwind Logistics" in {c["name"] for c in listed.json()["results"]}

    # The request log: one JSON line per request, with the user, route, status and duration.
    sales1 = int(psql(db, "SELECT id FROM accounts_user WHERE username = 'sales1'"))
    request_id = listed.headers["X-Request-ID"]
    entries = [e for e in json_lines(stack.web.output()) if e.get("request_id") == request_id]
    assert len(entries) == 1, entries
    entry = entries[0]
    assert entry["logger"] == "accord.request"
    assert (entry["user_id"], entry["status"], entry["route"]) == (sales1, 200, "api/customers/")
    assert entry["path"] == "/api/customers/"
    assert entry["duration_ms"] > 0
    assert entry["remote_addr"] == "127.0.0.1"
    assert any(e["logger"].startswith("celery") for e in json_lines(stack.worker.output()))

    # /metrics: gunicorn's workers and the Celery worker added up; only with the token.
    found = metrics(stack)
    page_hits = [
        v
        for (name, labels), v in found.items()
        if name == "accord_http_requests_total" and ("route", "customers/<int:pk>/") in labels
    ]
    assert sum(page_hits) >= 2
    built = (
        "accord_celery_tasks_total",
        (("outcome", "succeeded"), ("task", "insights.tasks.rebuild_summary_task")),
    )
    assert found.get(built, 0) >= 1
    assert found[("accord_broker_up", ())] == 1
    for queue in ("accord", "accord.notifications", "accord.webhooks", "accord.imports"):
        assert found[("accord_celery_queue_length", (("queue", queue),))] >= 0
    assert found[("accord_summary_builds", (("state", "failed"),))] == 0
    assert requests.get(f"{stack.direct}/metrics", timeout=10).status_code == 401
    assert stack.http.get(f"{stack.origin}/metrics", timeout=10).status_code == 404

    # Beat and the worker answer a ping through Redis (beat runs with remote control on).
    ping = subprocess.run(
        [*stack.unit_process("accord-beat").args[:3], "inspect", "ping", "--timeout", "5"],
        env=stack.unit_process("accord-beat").env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "celerybeat@" in ping.stdout, ping.stdout + ping.stderr
    assert "celery@" in ping.stdout, ping.stdout + ping.stderr

    # A graceful stop, as systemd does it: every process exits by itself, none is killed.
    statuses = stack.stop()
    assert statuses == {"accord-beat": 0, "accord-worker": 0, "accord-web": 0, "nginx": 0}


def test_the_deploy_readme_runs_the_steps_this_test_runs():
    readme = (Path(__file__).resolve().parents[2] / "deploy" / "README.md").read_text()
    for step in (
        "deploy/manage.sh migrate --noinput",
        "deploy/manage.sh collectstatic --noinput",
        "deploy/manage.sh check --deploy --fail-level WARNING",
        "deploy/nginx/render.sh",
        "systemctl enable --now accord-web accord-worker accord-beat",
    ):
        assert step in readme, step
