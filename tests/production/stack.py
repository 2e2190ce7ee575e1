"""Accord's production shape on loopback, started from the deploy/ files themselves.

The systemd units give the gunicorn, worker and beat command lines and their Environment=;
deploy/accord.env.example gives the settings; deploy/nginx/render.sh renders the nginx site;
deploy/manage.sh runs migrate and collectstatic. What differs from a real machine is only
where things live: free ports on 127.0.0.1, a temporary folder for the run-time, state and
static folders, and nginx's own pid, log and temp paths (it runs as `nginx -p <prefix> -c
<conf>` in the foreground, so the test owns and stops it). Every process is stopped by its own
PID, also when the test fails.
"""

import contextlib
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests

from tests.production.env import DEPLOY, ROOT, STEP_TIMEOUT, deploy_settings, read_env_file

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"
VENV_BIN = Path(sys.executable).parent
# Where the units expect things on a real machine (deploy/README.md).
UNIT_VENV_BIN = "/opt/accord/venv/bin/"
UNIT_APP_DIR = "/opt/accord/app"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition: Callable[[], object], *, timeout: float, every: float = 0.2) -> bool:
    """Poll `condition` until it is true or the deadline passes (for ports, URLs, log lines)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return bool(condition())


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


@dataclass
class Unit:
    """The parts of a deploy/systemd unit a test needs to run its command the same way."""

    name: str
    exec_start: str
    environment: dict[str, str]
    runtime_directory: str | None
    state_directory: str | None
    working_directory: str

    @classmethod
    def load(cls, name: str) -> "Unit":
        values: dict[str, list[str]] = {}
        for line in (DEPLOY / "systemd" / f"{name}.service").read_text().splitlines():
            if "=" in line and not line.lstrip().startswith(("#", ";", "[")):
                key, _, value = line.partition("=")
                values.setdefault(key.strip(), []).append(value.strip())
        environment = dict(v.split("=", 1) for v in values.get("Environment", []))
        return cls(
            name=name,
            exec_start=values["ExecStart"][0],
            environment=environment,
            runtime_directory=values.get("RuntimeDirectory", [None])[0],
            state_directory=values.get("StateDirectory", [None])[0],
            working_directory=values["WorkingDirectory"][0],
        )

    def command(self, env: dict[str, str]) -> list[str]:
        """ExecStart with ${VAR} expanded from `env` (as systemd does) and the venv's path."""
        expanded = re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], self.exec_start)
        args = shlex.split(expanded)
        assert args[0].startswith(UNIT_VENV_BIN), args[0]
        args[0] = str(VENV_BIN / args[0].removeprefix(UNIT_VENV_BIN))
        return args

    def process_env(self, base: dict[str, str], tmp: Path) -> dict[str, str]:
        """The unit's environment, with its run-time and state folders moved into `tmp`."""
        env = dict(base)
        if self.runtime_directory:
            run = tmp / "run" / self.runtime_directory
            run.mkdir(parents=True, exist_ok=True)
            env["RUNTIME_DIRECTORY"] = str(run)
            for key, value in self.environment.items():
                env[key] = value.replace(f"/run/{self.runtime_directory}", str(run))
        else:
            env.update(self.environment)
        if self.state_directory:
            state = tmp / "state" / self.state_directory
            state.mkdir(parents=True, exist_ok=True)
            env["STATE_DIRECTORY"] = str(state)
        return env


@dataclass
class Process:
    """A process of the stack, with its output in a log file."""

    name: str
    args: list[str]
    env: dict[str, str]
    log: Path
    popen: subprocess.Popen | None = None

    def start(self) -> "Process":
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(
                self.args,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int | None:
        """Send `sig` (the unit's KillSignal) and wait; SIGKILL the group if it hangs. Returns
        the exit status, or None when it had to be killed."""
        if self.popen is None:
            return None
        popen, self.popen = self.popen, None
        if popen.poll() is not None:
            return popen.returncode
        popen.send_signal(sig)
        try:
            return popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(popen.pid, signal.SIGKILL)
            popen.wait(timeout=10)
            return None


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 made now, valid for a day, and its key."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            OPENSSL,
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )
    return cert, key


def render_site(variables: dict[str, str]) -> str:
    """deploy/nginx/render.sh with these ACCORD_* values: the site a real machine gets."""
    result = subprocess.run(
        [str(DEPLOY / "nginx" / "render.sh")],
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **variables},
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return result.stdout


def nginx_main_conf(prefix: Path, site: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf gives the site, with every path under `prefix`."""
    user = "user root root;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {name}_temp_path {prefix / 'temp' / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{user}worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{
    worker_connections 256;
}}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log {prefix / "access.log"};
{temp}
    include {site};
}}
"""


@dataclass
class Nginx:
    """Debian's nginx, in the foreground, with its pid, logs and temp files under `prefix`."""

    prefix: Path
    site: str
    ports: tuple[int, ...]
    process: Process | None = field(default=None)
    name: str = "nginx"

    def start(self) -> None:
        (self.prefix / "temp").mkdir(parents=True, exist_ok=True)
        site = self.prefix / "accord.conf"
        site.write_text(self.site)
        conf = self.prefix / "nginx.conf"
        conf.write_text(nginx_main_conf(self.prefix, site))
        # -e: the log nginx writes before it has read the configuration (Debian's default,
        # /var/log/nginx/error.log, is root's).
        args = [
            NGINX,
            "-p",
            str(self.prefix),
            "-c",
            str(conf),
            "-e",
            str(self.prefix / "error.log"),
        ]
        check = subprocess.run([*args, "-t"], capture_output=True, text=True, timeout=30)
        assert check.returncode == 0, check.stderr
        self.process = Process(
            "nginx", [*args, "-g", "daemon off;"], dict(os.environ), self.prefix / "stdout.log"
        ).start()
        ok = wait_for(lambda: all(port_open(p) for p in self.ports), timeout=15)
        assert ok, (self.prefix / "error.log").read_text(errors="replace")

    def stop(self) -> int | None:
        # SIGQUIT: nginx's graceful shutdown (open requests finish).
        return self.process.stop(signal.SIGQUIT, timeout=15) if self.process else None


class Stack:
    """PostgreSQL (a scratch database), a private Redis, gunicorn behind nginx with TLS, a
    Celery worker and beat: set up and started with the deploy README's steps."""

    def __init__(self, tmp: Path, *, database_url: str, redis_url: str) -> None:
        self.tmp = tmp
        self.https_port, self.http_port, self.web_port = free_port(), free_port(), free_port()
        self.origin = f"https://127.0.0.1:{self.https_port}"
        self.plain = f"http://127.0.0.1:{self.http_port}"
        self.direct = f"http://127.0.0.1:{self.web_port}"
        self.metrics_token = secrets.token_urlsafe(32)
        self.static_root = tmp / "static"
        broker, cache = redis_url.rsplit("/", 1)[0], redis_url.rsplit("/", 1)[0]
        # The environment file, as deploy/README.md has the admin write it.
        self.settings = deploy_settings(
            DATABASE_URL=database_url,
            REDIS_URL=f"{broker}/0",
            CACHE_URL=f"{cache}/1",
            ALLOWED_HOSTS="127.0.0.1",
            CSRF_TRUSTED_ORIGINS=self.origin,
            SITE_URL=self.origin,
            STATIC_ROOT=str(self.static_root),
            GUNICORN_BIND=f"127.0.0.1:{self.web_port}",
            WEB_CONCURRENCY="2",
            WORKER_CONCURRENCY="1",
            METRICS_TOKEN=self.metrics_token,
            METRICS_MULTIPROC_DIRS=f"{tmp}/run/accord-web,{tmp}/run/accord-worker",
            # SMTP as in production, to a closed port: no mail leaves the machine.
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(free_port()),
        )
        self.env_file = tmp / "accord.env"
        self.env_file.write_text("".join(f'{k}="{v}"\n' for k, v in self.settings.items()))
        self.cert, self.key = self_signed_certificate(tmp)
        self.http = requests.Session()
        # Only this test's certificate is trusted (REQUESTS_CA_BUNDLE would override it).
        self.http.trust_env = False
        self.http.verify = str(self.cert)
        self.processes: list[Process | Nginx] = []

    # --- deploy/README.md, "Install" and "Upgrade" ----------------------------------------

    def manage_sh(self, *args: str) -> subprocess.Popen:
        """deploy/manage.sh, reading the environment file like the services do."""
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "ACCORD_ENV_FILE": str(self.env_file),
            "ACCORD_APP_DIR": str(ROOT),
            "ACCORD_VENV": str(VENV_BIN.parent),
        }
        return subprocess.Popen(
            [str(DEPLOY / "manage.sh"), *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def run_steps(self, *steps: tuple[str, ...], timeout: float = STEP_TIMEOUT) -> None:
        """Run independent manage.sh steps side by side; fail with the output of any."""
        started = [(step, self.manage_sh(*step)) for step in steps]
        outputs = [
            (step, process, process.communicate(timeout=timeout)[0]) for step, process in started
        ]
        for step, process, out in outputs:
            assert process.returncode == 0, f"manage.sh {' '.join(step)}:\n{out}"

    def site(self) -> str:
        return render_site(
            {
                "ACCORD_DOMAIN": "127.0.0.1",
                "ACCORD_ORIGIN": self.origin,
                "ACCORD_HTTP_LISTEN": f"127.0.0.1:{self.http_port}",
                "ACCORD_HTTPS_LISTEN": f"127.0.0.1:{self.https_port}",
                "ACCORD_UPSTREAM": f"127.0.0.1:{self.web_port}",
                "ACCORD_STATIC_ROOT": str(self.static_root),
                "ACCORD_TLS_CERTIFICATE": str(self.cert),
                "ACCORD_TLS_KEY": str(self.key),
            }
        )

    def unit_process(self, name: str) -> Process:
        unit = Unit.load(name)
        assert unit.working_directory == UNIT_APP_DIR
        env = unit.process_env(read_env_file(self.env_file), self.tmp)
        env["PATH"] = os.environ.get("PATH", "/usr/bin:/bin")
        return Process(name, unit.command(env), env, self.tmp / f"{name}.log")

    def start(self) -> None:
        """Start nginx, gunicorn, the worker and beat, and wait until each is ready."""
        self.web = self.unit_process("accord-web")
        self.worker = self.unit_process("accord-worker")
        self.beat = self.unit_process("accord-beat")
        self.nginx = Nginx(self.tmp / "nginx", self.site(), (self.http_port, self.https_port))
        self.processes = [self.nginx, self.web, self.worker, self.beat]
        for process in (self.web, self.worker, self.beat):
            process.start()
        self.nginx.start()
        checks = [
            (self.web, lambda: self._answers(f"{self.origin}/healthz")),
            (self.worker, lambda: " ready." in self.worker.output()),
            (self.beat, lambda: "beat: Starting" in self.beat.output()),
        ]
        for process, ready in checks:
            wait_for(lambda p=process, r=ready: r() or not p.running(), timeout=60)
            assert ready(), f"{process.name} is not ready:\n{process.output()[-4000:]}"

    def _answers(self, url: str) -> bool:
        try:
            return self.http.get(url, timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def stop(self) -> dict[str, int | None]:
        """Stop like systemd does (each unit's KillSignal; nginx gracefully); exit statuses."""
        statuses = {}
        for process in reversed(self.processes):
            statuses[process.name] = process.stop()
        self.processes = []
        return statuses
