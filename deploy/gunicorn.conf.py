"""gunicorn's settings for Accord behind nginx (deploy/systemd/accord-web.service).

Read by `gunicorn --config deploy/gunicorn.conf.py config.wsgi:application`; every value can be
changed through the environment file (deploy/accord.env.example) without editing this one.
"""

import os

from prometheus_client import multiprocess

# Loopback only: nginx is the only client; the app is never exposed directly.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# Sync workers: the app's requests are short and bounded (statement timeout 5 s).
worker_class = "sync"
# A request still running after 30 s is killed (nginx gives up at 35 s, so it sees the 502).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# SIGTERM (systemctl stop/restart): finish the requests in flight for up to this long.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "25"))
keepalive = 5
# nginx on this host sets X-Forwarded-Proto; gunicorn trusts it only from these addresses.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# The app writes one JSON line per request (core/telemetry.py); gunicorn's own access log
# would repeat it without the user or the request id.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Heartbeat files in memory, not on a disk that may stall (the systemd unit's /tmp is private).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
proc_name = "accord-web"
# gunicornc's control socket: in the unit's run-time folder, never in a shared home folder
# (two gunicorns of one user would fight over ~/.gunicorn/gunicorn.ctl).
if os.environ.get("RUNTIME_DIRECTORY"):
    control_socket = os.path.join(os.environ["RUNTIME_DIRECTORY"], "gunicorn.ctl")
else:
    control_socket_disable = True


def child_exit(server: object, worker: object) -> None:
    """Tell prometheus_client that a worker is gone, so its live gauges stop counting."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]
