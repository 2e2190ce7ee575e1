import datetime as dt
import io
import json
import os
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from bench import runner
from customers.models import Customer
from dialogue.models import Meeting


class Command(BaseCommand):
    help = "Measure Accord's pages and API on the loaded benchmark dataset."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--label", default="full")
        parser.add_argument("--requests", type=int, default=50)
        parser.add_argument(
            "--smoke",
            action="store_true",
            help="a few requests and a 3-second load: proves the benchmark runs (the test suite)",
        )
        parser.add_argument("--output", default="")
        parser.add_argument(
            "--only",
            action="append",
            default=[],
            metavar="PAGE",
            help='measure only this page (its name as reported, e.g. "search type-ahead"; '
            "repeatable; the floor is always measured)",
        )
        parser.add_argument("--load", action="store_true", help="also run the wrk load test")
        parser.add_argument(
            "--load-pgbouncer",
            action="store_true",
            help="also run the load test with gunicorn connecting through PgBouncer "
            "(transaction mode, pool of 10; runs configure_database on this database first)",
        )
        parser.add_argument(
            "--briefs",
            action="store_true",
            help="also measure the prep brief build rate (in one process, rolled back)",
        )
        parser.add_argument(
            "--middleware",
            action="store_true",
            help="also measure what each middleware adds to the floor request",
        )
        parser.add_argument(
            "--summaries",
            action="store_true",
            help="also measure summary rebuild throughput with a real worker",
        )

    def handle(
        self,
        *args: object,
        label: str,
        requests: int,
        smoke: bool,
        output: str,
        load: bool,
        load_pgbouncer: bool,
        summaries: bool,
        middleware: bool,
        briefs: bool,
        only: list[str],
        **options: object,
    ) -> None:
        unknown = set(only) - {probe.name for probe in runner.probes()}
        if unknown:
            raise CommandError(f"no such page: {', '.join(sorted(unknown))}")
        selected = {*only, runner.FLOOR} if only else None
        report = {
            "label": label,
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "cores": os.cpu_count(),
            "database": connection.vendor,
            "customers": Customer.objects.count(),
            "meetings": Meeting.objects.count(),
            "smoke": smoke,
            "pages": runner.run(requests=3, warmup=1, only=selected)
            if smoke
            else runner.run(requests=requests, only=selected),
        }
        for row in report["pages"]:
            self.stdout.write(
                f"{row['name']:<40} "
                + (
                    f"p50 {row['median_ms']:>7} ms  p95 {row['p95_ms']:>7} ms  "
                    f"{row['queries']:>3} queries  x{row.get('ratio_to_floor', '-')}  "
                    f"{row['status']}"
                    if "p95_ms" in row
                    else row.get("error", "")
                )
            )
        if middleware:
            from bench import middleware as stack

            report["middleware"] = (
                stack.measure(requests=20, warmup=2) if smoke else stack.measure()
            )
            for layer in report["middleware"]["layers"]:
                self.stdout.write(
                    f"{layer['name']:<60} p50 {layer['p50_ms']:>7} ms  p95 {layer['p95_ms']:>7} ms"
                )
            self.stdout.write(f"session writes: {report['middleware']['session_writes']}")
        if load or load_pgbouncer:
            from bench import httpload

            paths = httpload.mixed_paths(runner.build_context())
            shape = {"users": 8, "seconds": 3, "warmup_seconds": 1} if smoke else {}
            if load:
                report["load"] = httpload.run(paths, **shape)
                self.stdout.write(f"load: {report['load']}")
            if load_pgbouncer:
                # Behind PgBouncer the session settings (jit, search threshold, timeouts) come
                # from the database, as in production (core's configure_database).
                call_command("configure_database", stdout=io.StringIO())
                report["load_pgbouncer"] = httpload.run(paths, pgbouncer=True, **shape)
                self.stdout.write(f"load through PgBouncer: {report['load_pgbouncer']}")
        if summaries:
            from bench import rebuild

            report["summaries"] = rebuild.measure()
            self.stdout.write(f"summaries: {report['summaries']}")
            # Scaling out by processes: one, then two worker processes of concurrency 1.
            report["summaries_by_processes"] = [
                rebuild.measure(concurrency=1, workers=workers) for workers in (1, 2)
            ]
            self.stdout.write(f"summaries by processes: {report['summaries_by_processes']}")
        if briefs:
            from bench import briefs as prep_briefs

            report["briefs"] = prep_briefs.measure(limit=5 if smoke else 500)
            self.stdout.write(f"prep briefs: {report['briefs']}")
        path = Path(output or f"bench/results-{label}.json")
        path.write_text(json.dumps(report, indent=2) + "\n")
        self.stdout.write(f"wrote {path}")
