import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bench.runner import SPLIT_REQUESTS

# Issue 24's targets.
P95_LIMIT_MS = 50
FLOOR_RATIO = 5
MAX_QUERIES = 15
MAX_GROWTH = 1.2
HOT_RATIO = 1.2
SUMMARIES_PER_SECOND = 250
LOAD_REQUESTS_PER_SECOND = 100
LOAD_P99_SECONDS = 1.0


class Command(BaseCommand):
    help = "Combine the small- and full-scale runs into bench/results.json and bench/RESULTS.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--small", default="bench/results-small.json")
        parser.add_argument("--full", default="bench/results-full.json")
        parser.add_argument("--note", default="", help="conditions of the run, shown on top")

    def handle(self, *args: object, small: str, full: str, note: str, **options: object) -> None:
        small_run = json.loads(Path(small).read_text())
        full_run = json.loads(Path(full).read_text())
        results = combine(small_run, full_run) | {"note": note}
        Path("bench/results.json").write_text(json.dumps(results, indent=2) + "\n")
        Path("bench/RESULTS.md").write_text(markdown(results))
        self.stdout.write(markdown(results))


def combine(small: dict[str, Any], full: dict[str, Any]) -> dict[str, Any]:
    small_pages = {row["name"]: row for row in small["pages"]}
    rows = []
    for row in full["pages"]:
        other = small_pages.get(row["name"], {})
        if "p95_ms" not in row:
            rows.append({**row, "ok": False})
            continue
        growth = round(row["median_ms"] / other["median_ms"], 2) if other.get("median_ms") else None
        limit = row.get("p95_limit_ms", P95_LIMIT_MS)
        checks = {
            f"p95_under_{limit}ms": row["p95_ms"] <= limit,
            "p95_within_5x_floor": row.get("ratio_to_floor", 0) <= FLOOR_RATIO,
            "queries_at_most_15": row["queries"] <= MAX_QUERIES,
            # Not more at full scale (one fewer happens: Django skips a prefetch whose
            # parent rows came back empty).
            "queries_not_growing": row["queries"] <= other.get("queries", -1),
            f"growth_at_most_{MAX_GROWTH}x".replace(".", "_"): growth is not None
            and growth <= MAX_GROWTH,
            "no_errors": all(status < 400 for status in row["status"]),
        }
        if row["group"] == "floor":
            checks = {"no_errors": checks["no_errors"]}
        rows.append(
            {
                **row,
                "small_median_ms": other.get("median_ms"),
                "small_queries": other.get("queries"),
                "growth": growth,
                "checks": checks,
                "ok": all(checks.values()),
            }
        )
    by_name = {row["name"]: row for row in rows}
    hot_vs_typical = {}
    for name, row in by_name.items():
        if "(hot)" in name and "median_ms" in row:
            typical = by_name.get(name.replace("(hot)", "(typical)"), {})
            if typical.get("median_ms"):
                ratio = round(row["median_ms"] / typical["median_ms"], 2)
                hot_vs_typical[name.replace(" (hot)", "")] = {
                    "ratio": ratio,
                    "ok": ratio <= HOT_RATIO,
                }
    load = full.get("load")
    pooled = full.get("load_pgbouncer")
    summaries = full.get("summaries")
    return {
        "date": full["date"],
        "cores": full["cores"],
        "scales": {
            "small": {"customers": small["customers"], "meetings": small["meetings"]},
            "full": {"customers": full["customers"], "meetings": full["meetings"]},
        },
        "pages": rows,
        "hot_vs_typical": hot_vs_typical,
        "load": load and {**load, "ok": load_ok(load)},
        "load_pgbouncer": pooled and {**pooled, "ok": load_ok(pooled)},
        "summaries": summaries
        and {**summaries, "ok": summaries["accounts_per_second"] >= SUMMARIES_PER_SECOND},
        "summaries_by_processes": full.get("summaries_by_processes"),
        "middleware": full.get("middleware"),
        "briefs": full.get("briefs")
        and {
            **full["briefs"],
            "ok": full["briefs"]["briefs_per_second"] >= SUMMARIES_PER_SECOND,
        },
    }


def load_ok(load: dict[str, Any]) -> bool:
    return (
        load["non_2xx_3xx"] == 0
        and load["socket_errors"] == 0
        and load["requests_per_second"] >= LOAD_REQUESTS_PER_SECOND
        and seconds(load["latency_p99"]) < LOAD_P99_SECONDS
    )


def seconds(latency: str | None) -> float:
    """wrk's latency ("709.30ms", "1.03s", "950.00us") in seconds; unknown counts as too slow."""
    for unit, factor in (("us", 1e-6), ("ms", 1e-3), ("s", 1.0)):
        if latency and latency.endswith(unit):
            return float(latency[: -len(unit)]) * factor
    return float("inf")


def load_line(title: str, load: dict[str, Any]) -> str:
    pool = (
        f" through PgBouncer (transaction mode, pool of {load['pgbouncer_pool_size']})"
        if load.get("pgbouncer_pool_size")
        else ""
    )
    return (
        f"{title}: gunicorn with {load['gunicorn_workers']} workers{pool}, wrk with "
        f"{load['users']} connections for {load['seconds']} s on a mixed signed-in "
        f"workload: **{load['requests_per_second']} requests/s**, "
        f"{load['non_2xx_3xx']} non-2xx/3xx, {load['socket_errors']} socket errors, "
        f"latency p50 {load['latency_p50']}, p99 {load['latency_p99']} (target: at least "
        f"{LOAD_REQUESTS_PER_SECOND} requests/s, p99 under {LOAD_P99_SECONDS:g} s, no errors: "
        f"{'met' if load.get('ok') else 'missed'})."
    )


def markdown(results: dict[str, Any]) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Measured {results['date']} on a machine with {results['cores']} cores by `make bench`.",
        f"Full scale: {results['scales']['full']['customers']:,} customers, "
        f"{results['scales']['full']['meetings']:,} meetings; small scale: "
        f"{results['scales']['small']['customers']:,} customers, "
        f"{results['scales']['small']['meetings']:,} meetings.",
        *(["", f"{results['note']}"] if results.get("note") else []),
        "",
        "| page / endpoint | p50 ms | p95 ms | x floor | queries (small/full) | growth | ok |",
        "|---|---:|---:|---:|---:|---:|:-:|",
    ]
    for row in results["pages"]:
        if "p95_ms" not in row:
            lines.append(f"| {row['name']} | - | - | - | - | - | no: {row.get('error', '')} |")
            continue
        failed = [name for name, ok in row.get("checks", {}).items() if not ok]
        lines.append(
            f"| {row['name']} | {row['median_ms']} | {row['p95_ms']} | "
            f"{row.get('ratio_to_floor', '')} | {row.get('small_queries')}/{row['queries']} | "
            f"{row.get('growth') or ''} | {'yes' if row['ok'] else 'no: ' + ', '.join(failed)} |"
        )
    hot = f"Hot customer vs typical customer (median time ratio, target <= {HOT_RATIO}):"
    lines += ["", hot, ""]
    for name, item in results["hot_vs_typical"].items():
        lines.append(f"- {name}: {item['ratio']}x {'(ok)' if item['ok'] else '(MISSED)'}")
    if results.get("load"):
        lines += ["", load_line("Load", results["load"])]
    if results.get("load_pgbouncer"):
        lines += ["", load_line("Load through PgBouncer", results["load_pgbouncer"])]
    if results.get("summaries"):
        s = results["summaries"]
        lines += [
            "",
            f"Summary rebuild: {s['accounts']} accounts in {s['seconds']} s with one "
            f"worker of concurrency {s['concurrency']}: **{s['accounts_per_second']} "
            f"accounts/s** (target >= {SUMMARIES_PER_SECOND}); every account's stored summary "
            f"was made stale first, so each build stored a new version "
            f"({s.get('new_versions', 'n/a')} new versions).",
        ]
    if results.get("summaries_by_processes"):
        rates = ", ".join(
            f"{run['workers']} worker process{'es' if run['workers'] > 1 else ''} of "
            f"concurrency 1: {run['accounts_per_second']} accounts/s"
            for run in results["summaries_by_processes"]
        )
        lines += ["", f"Summary rebuild by processes (scale-out): {rates}."]
    if results.get("briefs"):
        b = results["briefs"]
        lines += [
            "",
            f"Prep brief build: {b['briefs']} briefs (one planned meeting per account) in "
            f"{b['seconds']} s in one process: **{b['briefs_per_second']} briefs/s** (target "
            f">= {SUMMARIES_PER_SECOND}, compare the summary rebuild with one worker process of "
            "concurrency 1).",
        ]
    if results.get("middleware"):
        lines += middleware_table(results["middleware"])
    lines += split_table(results["pages"])
    return "\n".join(lines) + "\n"


def split_table(pages: list[dict[str, Any]]) -> list[str]:
    """Where each page's time goes (full scale): the limit each miss meets."""
    rows = [row for row in pages if row.get("split_ms")]
    if not rows:
        return []
    lines = [
        "",
        "Where the time goes (full scale, mean ms per request over up to "
        f"{SPLIT_REQUESTS} instrumented requests after the timed ones; bench.runner.time_split): "
        "*SQL* is the statements' round trips, *templates* the rendering less the SQL it ran, "
        "*other* the rest of Django's work (middleware, the view's Python, the ORM compiling "
        "statements, forms, JSON).",
        "",
        "| page / endpoint | SQL | templates | other | total |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        split = row["split_ms"]
        total = round(sum(split.values()), 2)
        lines.append(
            f"| {row['name']} | {split['sql']} | {split['template']} | {split['other']} | {total} |"
        )
    return lines


def middleware_table(stack: dict[str, Any]) -> list[str]:
    """What each middleware adds to the floor request, and the session writes it causes."""
    writes = stack["session_writes"]
    lines = [
        "",
        f"Middleware on the floor request (full scale, {stack['requests']} requests, signed in): "
        f"the floor takes p50 {stack['floor']['p50_ms']} ms through the test client, of which "
        f"the middleware stack and the view {stack['stack']['p50_ms']} ms; with no middleware "
        f"at all it takes {stack['no_middleware']['p50_ms']} ms. Each middleware's own time "
        "(a lazy load, the session's or the user's, counts where it first happens):",
        "",
        "| middleware | p50 ms | p95 ms |",
        "|---|---:|---:|",
    ]
    lines += [
        f"| {layer['name']} | {layer['p50_ms']} | {layer['p95_ms']} |" for layer in stack["layers"]
    ]
    lines += [
        "",
        f"Session writes by one floor request: {writes['steady']} in steady state, "
        f"{writes['renewal_due']} once the idle window's renewal is due (at most once a minute).",
    ]
    return lines
