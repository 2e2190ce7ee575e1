"""The production tests need Debian's nginx, openssl, redis-server, the PostgreSQL client and
server tools, pgbouncer and Chromium (.ci/run installs them). Under CI a missing one fails the
run; elsewhere its tests are skipped with the reason."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

NEEDS = {
    "test_smoke.py": ("nginx", "openssl", "envsubst", "redis-server", "psql", "chromium"),
    "test_backups.py": ("pg_dump", "pg_restore", "psql"),
    "test_upgrade.py": ("git", "psql"),
    "test_pgbouncer.py": ("pgbouncer", "psql", "runuser"),
    "test_replica.py": ("pg_basebackup", "psql", "runuser"),
}


def _missing(tools: tuple[str, ...]) -> list[str]:
    found = {
        "chromium": os.path.exists(CHROMIUM),
        "nginx": os.path.exists("/usr/sbin/nginx"),
        "pgbouncer": os.path.exists("/usr/sbin/pgbouncer"),
        # PostgreSQL's server tools are not on PATH on Debian.
        "pg_basebackup": any(Path("/usr/lib/postgresql").glob("*/bin/pg_basebackup")),
    }
    return [t for t in tools if not (found.get(t) or shutil.which(t))]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    in_ci = os.environ.get("CI", "").lower() == "true"
    for item in items:
        missing = _missing(NEEDS.get(item.path.name, ()))
        if not missing:
            continue
        if in_ci:
            raise pytest.UsageError(f"{item.nodeid} needs {', '.join(missing)} (see .ci/run)")
        item.add_marker(pytest.mark.skip(reason=f"needs {', '.join(missing)}"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's Chromium, headless (Playwright cannot download its own here)."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }
