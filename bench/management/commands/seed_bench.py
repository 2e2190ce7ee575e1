import json
import time

from django.core.management.base import BaseCommand, CommandParser

from bench import dataset


class Command(BaseCommand):
    help = "Load the benchmark dataset (PostgreSQL) at a given scale, reproducibly."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 5,000 customers")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--score",
            action="store_true",
            help="only score the accounts of a loaded dataset that have no health row yet",
        )

    def handle(
        self, *args: object, scale: float, seed: int, score: bool, **options: object
    ) -> None:
        if score:
            dataset.score_unscored(log=lambda line: self.stdout.write(f"  {line}"))
            return
        if not 0 < scale <= 4:
            self.stderr.write("--scale must be in (0, 4]")
            raise SystemExit(2)
        started = time.monotonic()
        loaded = dataset.load(scale, seed=seed, log=lambda line: self.stdout.write(f"  {line}"))
        derived = dataset.derive(seed=seed, log=lambda line: self.stdout.write(f"  {line}"))
        elapsed = time.monotonic() - started
        self.stdout.write(
            json.dumps(
                {"scale": scale, "seconds": round(elapsed, 1), **loaded.counts, **derived}, indent=2
            )
        )
