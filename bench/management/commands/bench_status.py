from django.core.management.base import BaseCommand, CommandError, CommandParser

from bench.dataset import Scale
from customers.models import Customer


class Command(BaseCommand):
    help = "Exit 0 when this database holds a complete benchmark dataset of the given scale."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument(
            "--loaded", action="store_true", help="only the rows loaded, not yet the scores"
        )

    def handle(self, *args: object, scale: float, loaded: bool, **options: object) -> None:
        expected = Scale.of(scale).customers
        found = Customer.objects.filter(name__startswith="Bench ").count()
        if found != expected:
            raise CommandError(f"found {found} bench customers, expected {expected}")
        scored = (
            expected
            if loaded
            else Customer.objects.filter(name__startswith="Bench ", health__isnull=False).count()
        )
        if scored != expected:
            # Loaded before seed_bench scored the accounts: `seed_bench --score` completes it.
            raise CommandError(f"found {scored} scored bench customers, expected {expected}")
        self.stdout.write(f"ok: {found} bench customers")
