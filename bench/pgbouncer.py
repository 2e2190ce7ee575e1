"""PgBouncer (Debian's package) on a free loopback port in transaction mode, for the load test
and tests/production/test_pgbouncer.py: trust authentication on loopback, one pool in front of
one database; the app connects with DATABASE_PGBOUNCER=true.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
POOL_SIZE = 10
ALIAS = "accord"


def config(database_url: str, *, port: int, auth_file: Path, pool_size: int = POOL_SIZE) -> str:
    """pgbouncer.ini: the database of `database_url` as "accord", transaction pooling."""
    server = urlsplit(database_url)
    password = f" password={server.password}" if server.password else ""
    return (
        f"[databases]\n{ALIAS} = host={server.hostname or '127.0.0.1'} port={server.port or 5432} "
        f"dbname={server.path.lstrip('/')} user={server.username or 'postgres'}{password}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {auth_file}\nadmin_users = postgres\n"
        f"pool_mode = transaction\ndefault_pool_size = {pool_size}\n"
        "max_client_conn = 200\nreserve_pool_size = 0\n"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


@contextmanager
def pooled(database_url: str, *, pool_size: int = POOL_SIZE) -> Iterator[str]:
    """Run PgBouncer in front of `database_url`; yields the URL to connect through it.

    PgBouncer is stopped and its directory removed on the way out, also on an error.
    """
    if not Path(PGBOUNCER).exists():
        raise RuntimeError("pgbouncer is not installed (apt-get install pgbouncer).")
    user = urlsplit(database_url).username or "postgres"
    tmp = Path(tempfile.mkdtemp(prefix="accord-bench-pgbouncer-"))
    command = [PGBOUNCER, str(tmp / "pgbouncer.ini")]
    if os.geteuid() == 0:  # PgBouncer refuses to run as root: as the postgres user then
        postgres = pwd.getpwnam("postgres")
        os.chown(tmp, postgres.pw_uid, postgres.pw_gid)
        command = ["runuser", "-u", "postgres", "--", *command]
    bouncer = None
    try:
        port = _free_port()
        (tmp / "users.txt").write_text(f'"{user}" ""\n')
        (tmp / "pgbouncer.ini").write_text(
            config(database_url, port=port, auth_file=tmp / "users.txt", pool_size=pool_size)
        )
        bouncer = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while not _listening(port):
            if bouncer.poll() is not None:
                raise RuntimeError(f"pgbouncer exited with status {bouncer.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError("pgbouncer did not listen within 30 s")
            time.sleep(0.1)
        yield f"postgres://{user}@127.0.0.1:{port}/{ALIAS}"
    finally:
        if bouncer is not None and bouncer.poll() is None:
            bouncer.terminate()
            try:
                bouncer.wait(timeout=30)
            except subprocess.TimeoutExpired:
                bouncer.kill()
                bouncer.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)
