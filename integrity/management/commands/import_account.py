"""manage.py import_account <file>: load an export_account file into an empty database."""

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from core.errors import ImportRefused
from integrity.transfer import import_account


class Command(BaseCommand):
    help = "Import an account written by export_account (users matched by username)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        try:
            with open(file, encoding="utf-8") as source:
                data = json.load(source)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        try:
            counts = import_account(data)
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        except IntegrityError as exc:
            raise CommandError(
                f"The database already holds rows of this account; nothing imported ({exc})."
            ) from exc
        for label, count in sorted(counts.items()):
            self.stdout.write(f"{label}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Imported {sum(counts.values())} rows."))
