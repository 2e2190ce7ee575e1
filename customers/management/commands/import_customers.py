from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.visibility import can_create_customers
from customers import imports


class Command(BaseCommand):
    help = "Import customers from a CSV file; any bad row imports nothing."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--as", dest="username", required=True, help="Who imports (leads rows without a lead)."
        )

    def handle(self, *args: object, path: Path, username: str, **options: object) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        if not can_create_customers(user):
            raise CommandError("Only salespeople, managers and admins import customers.")
        try:
            with path.open("rb") as upload:
                result = imports.import_customers(upload, by=user)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        report(self, result, "customers")


def report(command: BaseCommand, result: imports.ImportResult, what: str) -> None:
    if result.ok:
        command.stdout.write(command.style.SUCCESS(f"Imported {result.created} {what}."))
        return
    for line, reason in result.errors:
        command.stderr.write(f"line {line}: {reason}" if line else reason)
    raise CommandError(f"Nothing imported: {len(result.errors)} bad row(s).")
