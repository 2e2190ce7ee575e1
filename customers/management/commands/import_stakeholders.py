from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from customers import imports
from customers.access import get_access
from customers.management.commands.import_customers import report
from customers.models import Customer


class Command(BaseCommand):
    help = "Import one customer's stakeholders from a CSV file; any bad row imports nothing."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--customer", type=int, required=True, help="The customer's id.")
        parser.add_argument("--as", dest="username", required=True, help="Who imports.")

    def handle(
        self, *args: object, path: Path, customer: int, username: str, **options: object
    ) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        if not get_access(user, customer).can_edit_core:
            raise CommandError("Only the account's lead, its managers and admins import here.")
        target = Customer.objects.get(pk=customer)
        try:
            with path.open("rb") as upload:
                result = imports.import_stakeholders(upload, customer=target, by=user)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        report(self, result, "stakeholders")
