"""Processes the fault tests start, break and stop themselves: a private Redis, a silent
listener, real `celery worker` processes. Nothing here touches a shared service; every kill is
by the PID (or process group) of a process started here."""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from bench.children import database_url

BASE_DIR = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition: Callable[[], object], *, timeout: float, every: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return bool(condition())


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class RedisServer:
    """A redis-server of our own on a free loopback port, with AOF in a temporary folder."""

    def __init__(self, directory: Path, *, appendonly: bool = True) -> None:
        self.directory = directory
        self.port = free_port()
        self.appendonly = appendonly
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes" if self.appendonly else "no",
                "--appendfsync",
                "everysec",
                "--maxmemory-policy",
                "noeviction",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(self.ping, timeout=10), "private redis-server did not start"

    def ping(self) -> bool:
        return self.cli("PING") == "PONG"

    def cli(self, *args: str) -> str:
        result = subprocess.run(
            ["redis-cli", "-p", str(self.port), *args],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        return result.stdout.strip()

    def shutdown(self) -> None:
        """A clean SHUTDOWN: the AOF is flushed first."""
        assert self.process is not None
        self.cli("SHUTDOWN")
        self.process.wait(timeout=10)
        self.process = None

    def kill(self) -> None:
        """SIGKILL, as in a host crash: up to about a second of writes may be lost."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)
        self.process = None
        assert wait_for(lambda: not _port_open(self.port), timeout=5)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


class SilentListener:
    """Accepts TCP connections and never answers: an unresponsive Redis."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _accept(self) -> None:
        while True:
            try:
                peer, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(peer)

    def close(self) -> None:
        self.sock.close()
        for peer in self.accepted:
            peer.close()


# `celery worker`, after importing rest_framework.views first (see tests/insights/test_worker.py
# for the import cycle this avoids). The process imports Django and the tasks, then waits for a
# line on stdin before Celery starts: a test can prepare the next worker while another one runs,
# so that starting it costs only Celery's own boot.
WORKER_LAUNCHER = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import json
import django
django.setup()
import rest_framework.views
from config.celery import app
# Test-only transport tuning (e.g. a 1 s unacked-restore sweep), so redelivery is quick.
app.conf.broker_transport_options.update(json.loads(os.environ.get("TEST_TRANSPORT_OPTIONS", "{}")))
app.loader.import_default_modules()
from tests.faults import inject
inject.install()
from celery.__main__ import main
if sys.stdin.readline().strip() != "go":
    sys.exit(0)  # the test ended without starting this one
sys.argv = ["celery", *sys.argv[1:]]
main()
"""


def database_url_of_tests() -> str:
    return database_url()


def pool_children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(p) for p in path.read_text().split()]
    except OSError:
        return []


class Worker:
    """A real `celery -A config worker` process on the test database and a private broker."""

    def __init__(
        self,
        *,
        broker_url: str,
        log: Path,
        concurrency: int = 1,
        visibility_timeout: int = 900,
        time_limit: int | None = None,
        env: dict[str, str] | None = None,
        transport_options: dict | None = None,
    ) -> None:
        self.log = log
        self.concurrency = concurrency
        self.args = [
            "-A",
            "config",
            "worker",
            "--pool=prefork",
            f"--concurrency={concurrency}",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        if time_limit:
            self.args += [f"--time-limit={time_limit}", f"--soft-time-limit={time_limit - 1}"]
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url_of_tests(),
            "REDIS_URL": broker_url,
            "CELERY_VISIBILITY_TIMEOUT": str(visibility_timeout),
            # The worker's own short connections must not keep the test database busy.
            "CONN_MAX_AGE": "0",
            "TEST_TRANSPORT_OPTIONS": json.dumps(transport_options or {}),
            **(env or {}),
        }
        self.process: subprocess.Popen | None = None
        self._standby: subprocess.Popen | None = None
        self._log_offset = 0

    def prepare(self) -> "Worker":
        """Spawn the next process now, to import Django while the test goes on; the next
        start() lets it run Celery."""
        if self._standby is None:
            with self.log.open("a") as out:
                self._standby = subprocess.Popen(
                    [sys.executable, "-c", WORKER_LAUNCHER, *self.args],
                    cwd=BASE_DIR,
                    env=self.env,
                    start_new_session=True,
                    stdin=subprocess.PIPE,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
        return self

    def start(self, *, wait: bool = True) -> "Worker":
        self._log_offset = self.log.stat().st_size if self.log.exists() else 0
        if self._standby is None:
            self.prepare()
        self.process, self._standby = self._standby, None
        assert self.process.stdin is not None
        self.process.stdin.write(b"go\n")
        self.process.stdin.close()
        if wait:
            assert wait_for(self.ready, timeout=30), self.log.read_text()[-3000:]
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def children(self) -> list[int]:
        return pool_children(self.pid) if self.process else []

    def ready(self) -> bool:
        if len(self.children()) < self.concurrency:
            return False
        with self.log.open() as log:
            log.seek(self._log_offset)
            return "ready." in log.read()

    def kill_child(self) -> int:
        child = self.children()[0]
        os.kill(child, signal.SIGKILL)
        return child

    def kill_all(self) -> None:
        """SIGKILL to the main process and its children at once (a host crash)."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def terminate(self, *, timeout: float = 30) -> None:
        """SIGTERM: Celery's warm shutdown, as a process manager does on deploy."""
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        for process in (self.process, self._standby):
            if process is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        self.process = self._standby = None
