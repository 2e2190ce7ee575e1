"""manage.py export_account <customer_id> [--output file]: the whole account as JSON."""

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from customers.models import Customer
from integrity.transfer import dump, export_account


class Command(BaseCommand):
    help = "Write one customer's whole account (every record, link and membership) as JSON."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("customer_id", type=int)
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args: Any, customer_id: int, output: str | None, **options: Any) -> None:
        try:
            data = export_account(customer_id)
        except Customer.DoesNotExist as exc:
            raise CommandError(f"There is no customer {customer_id}.") from exc
        text = dump(data)
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text)
            self.stderr.write(f"Wrote {len(data['objects'])} rows to {output}.")
        else:
            sys.stdout.write(text + "\n")
