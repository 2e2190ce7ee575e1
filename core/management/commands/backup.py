"""manage.py backup [--output FILE]: the whole database in one pg_dump file."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.backups import BackupError, create_backup


class Command(BaseCommand):
    help = "Back up the PostgreSQL database to one file (pg_dump, custom format)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--output",
            "-o",
            help="the file to write (default: accord-<UTC date and time>.dump here)",
        )

    def handle(self, *args: Any, output: str | None, **options: Any) -> None:
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        target = Path(output or f"accord-{stamp}.dump")
        try:
            create_backup(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backup written to {target} ({target.stat().st_size} bytes).")
