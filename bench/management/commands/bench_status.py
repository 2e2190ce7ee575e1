from django.core.management.base import BaseCommand, CommandError, CommandParser

from bench.dataset import Scale
from customers.models import Customer


class Command(BaseCommand):
    help = "Exit 0 when this database holds a complete benchmark dataset of the given scale."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0)

    def handle(self, *args: object, scale: float, **options: object) -> None:
        expected = Scale.of(scale).customers
        found = Customer.objects.filter(name__startswith="Bench ").count()
        if found != expected:
            raise CommandError(f"found {found} bench customers, expected {expected}")
        self.stdout.write(f"ok: {found} bench customers")
