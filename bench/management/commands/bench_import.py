"""The CRM import at scale: Salesforce-layout files of accounts, contacts and activities are
written, then checked and imported exactly as the Celery jobs do it; time and peak memory of
each step are printed (and written as JSON with --output)."""

import csv
import datetime as dt
import json
import resource
import tempfile
import time
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandParser
from django.test.utils import override_settings

from accounts.models import User
from integrations import presets, runs
from integrations.models import ImportRun

ACCOUNT_HEADER = ["Account Owner", "Account Name", "Industry", "Employees", "Website", "Account ID"]
CONTACT_HEADER = ["First Name", "Last Name", "Title", "Email", "Phone", "Account ID", "Contact ID"]
ACTIVITY_HEADER = ["Subject", "Type", "Date", "Comments", "Account ID", "Contact ID", "Activity ID"]


def write_files(folder: Path, *, accounts: int, contacts: int, activities: int) -> dict:
    """Three reproducible files, written row by row."""
    paths = {kind: folder / f"{kind}.csv" for kind in ("accounts", "contacts", "activities")}
    with paths["accounts"].open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(ACCOUNT_HEADER)
        for n in range(accounts):
            writer.writerow(
                ["Bench", f"Import Co {n}", "Logistics", 40 + n % 2000, "", f"001B{n:011d}"]
            )
    with paths["contacts"].open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(CONTACT_HEADER)
        for n in range(contacts):
            writer.writerow(
                [
                    "Person",
                    f"Number {n}",
                    "Head of Operations",
                    f"person{n}@example.com",
                    "+49 40 1234",
                    f"001B{n % accounts:011d}",
                    f"003B{n:011d}",
                ]
            )
    start = dt.date(2024, 1, 1)
    with paths["activities"].open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(ACTIVITY_HEADER)
        for n in range(activities):
            contact = n % contacts
            writer.writerow(
                [
                    f"Call {n}",
                    "Call" if n % 3 else "Meeting",
                    (start + dt.timedelta(days=n % 700)).strftime("%m/%d/%Y"),
                    "Talked about the delivery times and the next quarter's volumes.",
                    f"001B{contact % accounts:011d}",
                    f"003B{contact:011d}",
                    f"00TB{n:011d}",
                ]
            )
    return paths


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class Command(BaseCommand):
    help = "Time the CRM import of 50,000 contacts and 200,000 activities (check and import)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--accounts", type=int, default=5000)
        parser.add_argument("--contacts", type=int, default=50000)
        parser.add_argument("--activities", type=int, default=200000)
        parser.add_argument("--output", default="")

    def handle(self, *args: object, **options: object) -> None:
        # Measured as the worker runs in production: with DEBUG on (the development default)
        # Django keeps the text of the last 9,000 statements, the import's batch INSERTs among
        # them, which costs time and shows as memory growing with the file.
        with override_settings(DEBUG=False):
            self._handle(**options)

    def _handle(self, **options: object) -> None:
        user, _ = User.objects.get_or_create(
            username="bench-importer",
            defaults={"role": User.Role.SALESPERSON, "email": "bench-importer@example.com"},
        )
        results = {"rows": {}, "steps": []}
        with tempfile.TemporaryDirectory() as folder:
            paths = write_files(
                Path(folder),
                accounts=int(options["accounts"]),  # type: ignore[arg-type]
                contacts=int(options["contacts"]),  # type: ignore[arg-type]
                activities=int(options["activities"]),  # type: ignore[arg-type]
            )
            system = f"salesforce-bench-{int(time.time())}"
            for kind, preset_key in (
                ("accounts", "salesforce_accounts"),
                ("contacts", "salesforce_contacts"),
                ("activities", "salesforce_activities"),
            ):
                preset = presets.PRESETS[preset_key]
                with paths[kind].open("rb") as raw:
                    header = next(csv.reader(line.decode() for line in raw))
                mapping, _missing = presets.mapping_for(preset, header)
                run = ImportRun(
                    user=user,
                    preset=preset_key,
                    kind=preset.kind,
                    system=system,
                    mapping=mapping,
                    file_name=paths[kind].name,
                )
                with paths[kind].open("rb") as raw:
                    run.file.save(paths[kind].name, File(raw), save=False)
                run.save()
                started = time.monotonic()
                runs.check_run(run.pk)
                checked = time.monotonic()
                ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.IMPORTING)
                runs.apply_run(run.pk)
                done = time.monotonic()
                run.refresh_from_db()
                step = {
                    "kind": kind,
                    "rows": run.total_rows,
                    "status": run.status,
                    "created": run.created,
                    "check_s": round(checked - started, 1),
                    "import_s": round(done - checked, 1),
                    "peak_rss_mb": peak_rss_mb(),
                }
                results["steps"].append(step)
                self.stdout.write(json.dumps(step))
        total = sum(s["check_s"] + s["import_s"] for s in results["steps"])
        results["total_s"] = round(total, 1)
        self.stdout.write(f"check and import of all three files: {total:.1f} s")
        if options["output"]:
            Path(str(options["output"])).write_text(json.dumps(results, indent=2) + "\n")
