"""Upgrades: a database made by the previous release (its migrations, its demo data) is
migrated by this code and served by it, with nothing lost: every table keeps its rows, and
one account's export holds every record of the old export with the same values.

The previous release is commit PREVIOUS_RELEASE (the last landed release before this round's
schema changes); its files come from git, so the repository's history must be there (a CI
clone has it). Move PREVIOUS_RELEASE forward when a release lands.
"""

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.production.env import (
    ROOT,
    app_env,
    export_account,
    manage,
    run_python,
    scratch_database,
    table_counts,
)

pytestmark = [pytest.mark.slow]

PREVIOUS_RELEASE = "0b89dbf"
ACCOUNT = "Nordwind Logistics"


@pytest.fixture
def previous_release(tmp_path: Path) -> Path:
    """The previous release's files (git archive: no worktree, nothing left behind)."""
    target = tmp_path / "previous"
    target.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", PREVIOUS_RELEASE],
        capture_output=True,
        check=True,
        timeout=120,
    )
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


@pytest.fixture
def old_database(previous_release: Path) -> Iterator[str]:
    """A database migrated and seeded by the previous release's code."""
    with scratch_database("upgrade") as url:
        for command in (["migrate", "--noinput"], ["seed_demo"]):
            run_python(
                "from django.core.management import call_command\ncall_command(*sys.argv[1:])\n",
                *command,
                env=app_env(url),
                cwd=previous_release,
            )
        yield url


def records(export: bytes) -> dict[tuple[str, object], dict]:
    return {(o["model"], o["pk"]): o["fields"] for o in json.loads(export)["objects"]}


def test_the_previous_release_upgrades_with_nothing_lost(old_database, previous_release, tmp_path):
    before = table_counts(old_database)
    old_export = export_account(
        old_database, ACCOUNT, tmp_path / "before.json", cwd=previous_release
    )

    # A safety net, not a budget: the upgrade applies every migration since that release
    # (about two minutes of migration-state work on a busy 2-core machine).
    manage("migrate", "--noinput", env=app_env(old_database), timeout=900)
    manage("migrate", "--check", env=app_env(old_database))  # nothing left unapplied

    after = table_counts(old_database)
    assert set(before) <= set(after), f"tables gone: {set(before) - set(after)}"
    # Django's bookkeeping grows with new migrations and models; nothing else may change.
    for table in ("django_migrations", "django_content_type", "auth_permission"):
        assert after[table] >= before.pop(table), table
    assert {table: after[table] for table in before} == before
    assert before["customers_customer"] == 5

    new_export = export_account(old_database, ACCOUNT, tmp_path / "after.json")
    old_records, new_records = records(old_export), records(new_export)
    assert set(old_records) == set(new_records)
    changed = []
    for key, fields in old_records.items():
        # A field the new schema dropped is gone on purpose; every other value is kept.
        kept = {name: value for name, value in fields.items() if name in new_records[key]}
        if {n: new_records[key][n] for n in kept} != kept:
            changed.append(key)
    assert not changed, changed
    dropped = {n for k, f in old_records.items() for n in f if n not in new_records[k]}
    assert dropped <= {"enqueued_at"}, dropped

    # This code serves the upgraded data: pages and the API, as the lead and the manager.
    out = run_python(
        "from django.test import Client\n"
        "from accounts.models import User\n"
        "from customers.models import Customer\n"
        "pk = Customer.objects.get(name=sys.argv[1]).pk\n"
        "for username, path in [('sales1', f'/customers/{pk}/'),\n"
        "                       ('sales1', f'/insights/{pk}/summary/'),\n"
        "                       ('sales1', '/api/customers/'),\n"
        "                       ('manager1', '/health/')]:\n"
        "    client = Client()\n"
        "    client.force_login(User.objects.get(username=username))\n"
        "    response = client.get(path)\n"
        "    print(path, response.status_code, sys.argv[1].encode() in response.content)\n",
        ACCOUNT,
        env=app_env(old_database),
    )
    served = [line.split() for line in out.strip().splitlines()]
    assert served == [[path, "200", "True"] for path, *_ in served], out
