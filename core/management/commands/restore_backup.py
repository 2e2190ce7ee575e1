"""manage.py restore_backup FILE: load a `manage.py backup` file into an empty database."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the configured database, which must "
        "be empty (all or nothing: one transaction)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("backup", help="the file written by manage.py backup")

    def handle(self, *args: Any, backup: str, **options: Any) -> None:
        try:
            restore_backup(Path(backup))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored {backup}. Run `manage.py migrate` if the code is newer.")
