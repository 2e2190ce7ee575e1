"""HTTP throughput under gunicorn with wrk: 32 concurrent users on a mixed, signed-in workload."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from accounts.models import User
from bench.children import database_url
from bench.runner import Context
from core.middleware import SESSION_LOGIN_AT

ROOT = Path(__file__).resolve().parent.parent

WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1], {["Cookie"] = "%s=%s", ["Host"] = "127.0.0.1"})
end
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_serving(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    """Return once gunicorn answers the health check; fail clearly if it never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as reply:
                if reply.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s")


def _session_for(username: str) -> str:
    user = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[SESSION_LOGIN_AT] = time.time()
    session.create()
    return session.session_key or ""


def mixed_paths(context: Context) -> list[str]:
    c = context.typical_customer
    return [
        reverse("health:dashboard"),
        reverse("home"),
        reverse("customers:detail", args=[c]),
        reverse("dialogue:timeline", args=[c]),
        "/api/customers/",
        "/api/dashboard/",
        f"/api/meetings/?customer={c}",
        reverse("insights:summary", args=[c]),
        reverse("health:account", args=[c]),
        reverse("solutions:proposal", args=[context.typical_proposal]),
        reverse("search:results") + "?q=delivery",
        reverse("search:suggest") + "?q=deliv",
    ]


def run(
    paths: list[str],
    *,
    users: int = 32,
    seconds: int = 30,
    workers: int = 2,
    warmup_seconds: int = 3,
    pgbouncer: bool = False,
) -> dict[str, Any]:
    """Serve Accord with gunicorn and load it with wrk; returns requests/s and error counts.

    With `pgbouncer`, gunicorn connects through a PgBouncer in transaction mode (bench.pgbouncer)
    in front of the same database, stopped again afterwards.
    """
    with ExitStack() as stack:
        url = database_url()
        extra: dict[str, Any] = {}
        if pgbouncer:
            from bench import pgbouncer as bouncer

            url = stack.enter_context(bouncer.pooled(url))
            extra = {"pgbouncer_pool_size": bouncer.POOL_SIZE}
        return (
            _serve_and_load(
                paths,
                url,
                pgbouncer=pgbouncer,
                users=users,
                seconds=seconds,
                workers=workers,
                warmup=warmup_seconds,
            )
            | extra
        )


def _serve_and_load(
    paths: list[str],
    url: str,
    *,
    pgbouncer: bool,
    users: int,
    seconds: int,
    workers: int,
    warmup: int,
) -> dict[str, Any]:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk is not installed (apt-get install wrk); `make bench` installs it.")
    port = _free_port()
    cookie = _session_for("bench-manager1")
    env = {
        **os.environ,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "ACCORD_TESTING": "0",
        "DATABASE_URL": url,
        "DATABASE_PGBOUNCER": "true" if pgbouncer else "false",
    }
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        _wait_until_serving(port, server)
        quoted = ", ".join(f'"{path}"' for path in paths)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_SCRIPT % (quoted, settings.SESSION_COOKIE_NAME, cookie))
        # Warm up every worker's connections and caches before measuring.
        subprocess.run(
            [
                wrk,
                "-t2",
                "-c4",
                f"-d{warmup}s",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}/",
            ],
            capture_output=True,
            check=True,
            timeout=60,
        )
        output = subprocess.run(
            [
                "nice",
                "-n",
                "5",
                wrk,
                "-t2",
                f"-c{users}",
                f"-d{seconds}s",
                "--latency",
                "--timeout",
                "10s",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}/",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        ).stdout
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return parse_wrk(output) | {
        "users": users,
        "seconds": seconds,
        "gunicorn_workers": workers,
        "paths": paths,
    }


def _percentile(output: str, pct: int) -> str | None:
    """A line of wrk's latency distribution ("  50%  12.3ms"), not a "78.50%" elsewhere."""
    match = re.search(rf"^\s+{pct}%\s+(\S+)", output, flags=re.MULTILINE)
    return match.group(1) if match else None


def parse_wrk(output: str) -> dict[str, Any]:
    def number(pattern: str) -> float:
        match = re.search(pattern, output)
        return float(match.group(1)) if match else 0.0

    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "requests": int(number(r"(\d+) requests in")),
        "requests_per_second": number(r"Requests/sec:\s+([\d.]+)"),
        "non_2xx_3xx": int(number(r"Non-2xx or 3xx responses: (\d+)")),
        "socket_errors": sum(int(g) for g in socket_errors.groups()) if socket_errors else 0,
        "latency_p50": _percentile(output, 50),
        "latency_p99": _percentile(output, 99),
    }
