"""In-process page and API measurements against the benchmark dataset.

Every probe is a real request through Accord's whole middleware stack, signed in, measured
with the Django test client (no network), so the floor (a trivial view behind the same
stack) is directly comparable.
"""

import contextlib
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import Count
from django.template.base import Template
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse

from accounts.models import User
from bench.scenario import Scenario
from core.middleware import SESSION_SEEN_AT
from customers.models import Customer
from solutions.models import Proposal
from space.guests import make_sign_in_token
from space.models import Guest


@dataclass
class Context:
    hot_customer: int
    typical_customer: int
    hot_proposal: int | None
    typical_proposal: int | None
    search_term: str = "delivery"
    # Issue 24's newer pages (bench.scenario makes their records on first use).
    scenarios: dict[str, Scenario] = field(default_factory=dict)


@dataclass
class Probe:
    name: str
    username: str
    url: Callable[[Context], str]
    method: str = "get"
    data: Callable[[Context, int], dict[str, Any]] | None = None
    group: str = "page"
    p95_limit_ms: int = 50


# The guest probes' "user": a customer stakeholder signed in to the shared space by its link.
GUEST = "guest of"

# The admin probes' user; made on first use, so a dataset loaded before it existed works too.
ADMIN = "bench-admin"


def ensure_admin() -> None:
    """The benchmark's admin (password as the other bench users'), who sees every account."""
    from bench.dataset import PASSWORD

    User.objects.get_or_create(
        username=ADMIN,
        defaults={
            "role": User.Role.ADMIN,
            "password": make_password(PASSWORD),
            "first_name": "Admin",
            "last_name": "Bench",
            "email": "bench-admin@bench.example",
        },
    )


def build_context() -> Context:
    """Pick bench-sales1's hottest and a typical (median-sized) customer."""
    sales1 = User.objects.get(username="bench-sales1")
    sized = list(
        Customer.objects.filter(lead=sales1)
        .annotate(n=Count("meetings"))
        .order_by("-n", "pk")
        .values_list("pk", "n")
    )
    hot = sized[0][0]
    typical = sized[len(sized) // 2][0] if len(sized) > 1 else hot

    def proposal_of(customer_id: int) -> int | None:
        return (
            Proposal.objects.filter(customer_id=customer_id)
            .annotate(n=Count("comments"))
            .order_by("-n", "pk")
            .values_list("pk", flat=True)
            .first()
        )

    return Context(hot, typical, proposal_of(hot), proposal_of(typical))


def _url(name: str, *args: Any, query: str = "") -> str:
    return reverse(name, args=args) + (f"?{query}" if query else "")


FLOOR = "floor (trivial view)"


def probes() -> list[Probe]:
    """The pages and endpoints `make bench` reports, for a typical and a hot customer."""
    items = [
        Probe(FLOOR, "bench-sales1", lambda c: "/bench/floor/", group="floor"),
        Probe("manager dashboard", "bench-manager1", lambda c: _url("health:dashboard")),
        Probe(
            "manager dashboard by open value",
            "bench-manager1",
            lambda c: _url("health:dashboard", query="sort=-open_value"),
        ),
        Probe("customer list (my accounts)", "bench-manager1", lambda c: _url("home")),
        Probe(
            "search results page",
            "bench-manager1",
            lambda c: _url("search:results", query=f"q={c.search_term}"),
        ),
        # What the top bar's box asks while someone types: a word's first letters.
        Probe(
            "search type-ahead",
            "bench-manager1",
            lambda c: _url("search:suggest", query=f"q={c.search_term[:5]}"),
            p95_limit_ms=30,
        ),
        Probe("api customers", "bench-manager1", lambda c: "/api/customers/", group="api"),
        Probe("api dashboard", "bench-manager1", lambda c: "/api/dashboard/", group="api"),
        # An admin sees every account: these pages must cost what the page shows, not that.
        Probe("admin dashboard (every account)", ADMIN, lambda c: _url("health:dashboard")),
        Probe("admin customer list (every account)", ADMIN, lambda c: _url("home")),
        Probe(
            "admin api dashboard (every account)", ADMIN, lambda c: "/api/dashboard/", group="api"
        ),
        Probe("team action items", "bench-manager1", lambda c: _url("dialogue:team-action-items")),
        Probe(
            "notification settings",
            "bench-sales1",
            lambda c: _url("notification-settings"),
        ),
    ]
    for kind, pick in (
        ("typical", lambda c: c.typical_customer),
        ("hot", lambda c: c.hot_customer),
    ):
        items += [
            Probe(
                f"customer workspace ({kind})",
                "bench-sales1",
                lambda c, p=pick: _url("customers:detail", p(c)),
            ),
            Probe(
                f"timeline ({kind})",
                "bench-sales1",
                lambda c, p=pick: _url("dialogue:timeline", p(c)),
            ),
            Probe(
                f"log-a-meeting GET ({kind})",
                "bench-sales1",
                lambda c, p=pick: _url("dialogue:log-meeting", p(c)),
            ),
            Probe(
                f"summary page ({kind})",
                "bench-sales1",
                lambda c, p=pick: _url("insights:summary", p(c)),
            ),
            Probe(
                f"whitespace page ({kind})",
                "bench-sales1",
                lambda c, p=pick: _url("strategy:whitespace", p(c)),
            ),
            Probe(
                f"health page ({kind})",
                "bench-sales1",
                lambda c, p=pick: _url("health:account", p(c)),
            ),
            Probe(
                f"prep brief ({kind})",
                "bench-sales1",
                lambda c, k=kind: _url("insights:prep-brief", c.scenarios[k].planned_meeting),
            ),
            Probe(
                f"shared space, internal page ({kind})",
                "bench-sales1",
                lambda c, p=pick: _url("space:space", p(c)),
            ),
            Probe(f"shared space, guest page ({kind})", f"{GUEST} {kind}", _guest_space_url),
            Probe(
                f"api meetings ?customer= ({kind})",
                "bench-sales1",
                lambda c, p=pick: f"/api/meetings/?customer={p(c)}",
                group="api",
            ),
        ]
    items += [
        Probe(
            "proposal page (typical)",
            "bench-sales1",
            lambda c: _url("solutions:proposal", c.typical_proposal),
        ),
        Probe(
            "proposal page (hot)",
            "bench-sales1",
            lambda c: _url("solutions:proposal", c.hot_proposal),
        ),
        Probe(
            "log-a-meeting POST (typical)",
            "bench-sales1",
            lambda c: _url("dialogue:log-meeting", c.typical_customer),
            method="post",
            data=meeting_post_data,
        ),
        # A guest ticks a step of the plan and opens it again, in turns.
        Probe(
            "guest step tick POST (typical)",
            f"{GUEST} typical",
            lambda c: _url("space:guest-step", c.scenarios["typical"].step),
            method="post",
            data=lambda c, i: {f"s{c.scenarios['typical'].step}-action": ("done", "reopen")[i % 2]},
        ),
    ]
    return items


def _guest_space_url(context: Context) -> str:
    return _url("space:guest-space")


def meeting_post_data(context: Context, i: int) -> dict[str, Any]:
    from bench.forms_data import log_meeting_data

    return log_meeting_data(context.typical_customer, i)


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct
    lower = int(k)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (k - lower)


# Requests a page's time is split over, after its timed ones (instrumented, so not timed).
SPLIT_REQUESTS = 20


@contextlib.contextmanager
def time_split() -> Iterator[dict[str, float]]:
    """Where a request's time goes, in ms summed over the requests made inside: "sql" is the
    statements' round trips (the database and the driver), "template" the rendering of the
    outermost template less the SQL it ran (lazy querysets), "other" the rest (middleware,
    the view's Python, the ORM compiling statements, forms, JSON). The three add up to the
    requests' wall time."""
    spent = {"sql": 0.0, "template": 0.0, "other": 0.0}
    in_template = [0, 0.0]  # depth, SQL time spent inside the outermost template

    def timed_sql(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = (time.perf_counter() - started) * 1000
            spent["sql"] += took
            if in_template[0]:
                in_template[1] += took

    original = Template.render

    def timed_render(self: Template, context: Any) -> Any:
        if in_template[0]:
            return original(self, context)
        in_template[0], in_template[1] = 1, 0.0
        started = time.perf_counter()
        try:
            return original(self, context)
        finally:
            in_template[0] = 0
            spent["template"] += (time.perf_counter() - started) * 1000 - in_template[1]

    Template.render = timed_render  # type: ignore[method-assign]
    started = time.perf_counter()
    try:
        with connection.execute_wrapper(timed_sql):
            yield spent
    finally:
        Template.render = original  # type: ignore[method-assign]
        spent["other"] = (time.perf_counter() - started) * 1000 - spent["sql"] - spent["template"]


def run(requests: int = 50, warmup: int = 5, only: set[str] | None = None) -> list[dict[str, Any]]:
    """Measure every probe; returns one row per probe."""
    from bench.rebuild import jobs_on_broker

    with override_settings(ROOT_URLCONF="bench.urls", DEBUG=False), jobs_on_broker():
        return _run(requests, warmup, only)


def _run(requests: int, warmup: int, only: set[str] | None) -> list[dict[str, Any]]:
    context = build_context()
    ensure_admin()
    ensure_scenarios(context)
    clients: dict[str, Client] = {}
    results = []
    for probe in probes():
        if only and probe.name not in only:
            continue
        row: dict[str, Any] = {
            "name": probe.name,
            "group": probe.group,
            "user": probe.username,
            "p95_limit_ms": probe.p95_limit_ms,
        }
        try:
            url = probe.url(context)
        except (NoReverseMatch, TypeError) as exc:
            row.update(error=f"not available: {exc}")
            results.append(row)
            continue
        client = clients.get(probe.username)
        if client is None:
            client = clients[probe.username] = _client_of(probe.username, context)
        send = getattr(client, probe.method)

        def payload(i: int, probe: Probe = probe) -> dict[str, Any] | None:
            return probe.data(context, i) if probe.data else None

        def call(body: dict[str, Any] | None, send: Callable = send, url: str = url) -> Any:
            return send(url) if body is None else send(url, body)

        for i in range(warmup):
            call(payload(i))
        body = payload(warmup)
        # The measured request is a steady-state one: its session renewed its idle window less
        # than a minute ago (core.middleware renews it at most once a minute, in one request).
        # A guest has no user session; their guest session renews itself the same way.
        if not probe.username.startswith(GUEST):
            _renewed_just_now(client)
        with CaptureQueriesContext(connection) as captured:
            response = call(body)
        # Read now: every new request clears the connection's query log. Transaction control
        # (BEGIN, COMMIT, savepoints) is not counted: statements that read or write are.
        queries = sum(
            not q["sql"].startswith(TRANSACTION_CONTROL) for q in captured.captured_queries
        )
        timings = []
        statuses = set()
        for i in range(requests):
            body = payload(warmup + 1 + i)  # built before the clock starts
            started = time.perf_counter()
            response = call(body)
            timings.append((time.perf_counter() - started) * 1000)
            statuses.add(response.status_code)
        with time_split() as spent:
            split_requests = min(requests, SPLIT_REQUESTS)
            for i in range(split_requests):
                call(payload(warmup + 1 + requests + i))
        row.update(
            url=url,
            status=sorted(statuses),
            queries=queries,
            median_ms=round(statistics.median(timings), 2),
            p95_ms=round(_percentile(timings, 0.95), 2),
            requests=requests,
            split_ms={part: round(ms / split_requests, 2) for part, ms in spent.items()},
        )
        results.append(row)
    floor = next((r for r in results if r["group"] == "floor" and "p95_ms" in r), None)
    for row in results:
        if floor and "p95_ms" in row:
            row["ratio_to_floor"] = round(row["p95_ms"] / floor["p95_ms"], 1)
    return results


def ensure_scenarios(context: Context) -> None:
    """The prep brief's, the shared space's and the guests' records (bench.scenario)."""
    from bench import scenario

    context.scenarios = {
        "typical": scenario.ensure(context.typical_customer, hot=False),
        "hot": scenario.ensure(context.hot_customer, hot=True),
    }


def _client_of(username: str, context: Context) -> Client:
    """A signed-in client: a user by force_login, a guest through their sign-in link, as a
    guest signs in (the link's POST sets the guest cookie)."""
    client = Client()
    if not username.startswith(GUEST):
        client.force_login(User.objects.get(username=username))
        return client
    guest = Guest.objects.get(pk=context.scenarios[username.removeprefix(GUEST).strip()].guest)
    response = client.post(_url("space:guest-link", make_sign_in_token(guest)))
    assert response.status_code == 302, f"guest sign-in answered {response.status_code}"
    return client


def _renewed_just_now(client: Client) -> None:
    session = client.session
    session[SESSION_SEEN_AT] = time.time()
    session.save()
