"""One search over everything a user can see: accounts and people first, then the dialogue.

Each record type is one query, scoped by the visibility rule (on PostgreSQL the visible
customers, `scope_to_visible`, as a CTE in front of each statement; `visible_to` on SQLite;
`colleagues_visible_to` for internal users), so a search costs one query per type however many
records match. The PostgreSQL statements are built once per type and reused (see `_text_sql`
for how a text type finds its newest matches without reading every match). PostgreSQL
matches the stored `search_vector` columns (configuration `accord`: accents and case folded,
every word a prefix) and, for names, trigram word similarity (typos); SQLite folds the same
way through `accord_fold` and checks word starts in Python.

Ranking within a type: an exact name first (then a name starting with the query), then text
relevance weighted by recency (halved for a record a year old).
"""

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.postgres.search import (
    SearchVectorField,
)
from django.db import connection
from django.db.models import (
    BooleanField,
    Expression,
    F,
    Func,
    Model,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.visibility import colleagues_visible_to, scope_to_visible
from customers.models import Customer, Goal, Problem, Stakeholder
from dialogue.models import Meeting
from search.folding import Fold, fold
from search.query import ParsedQuery, highlight, parse
from solutions.models import Comment, Contribution, Proposal

CONFIG = "public.accord"
PAGE_SIZE = 20
MAX_PAGE = 50
# How many of the newest matches of a text type are ranked: a common word can match most of an
# organisation's history, and ranking all of it costs time in proportion to that history.
RANK_CANDIDATES = 200
# How many of the newest visible rows of a text type are read in date order before the GIN index
# is asked for every match (see `_text_hits`).
WALK = 2000
# Up to this many visible customers, their own rows are read (by customer) rather than asking the
# GIN index for every match in the organisation.
FEW_CUSTOMERS = 50
SNIPPET_WIDTH = 80
EXACT_NAME, NAME_PREFIX = 10.0, 2.0


@dataclass(frozen=True)
class Source:
    type: str
    label: Promise
    model: type[Model]
    customer: str  # path to the customer ("" for customers themselves)
    fields: tuple[str, ...]  # the first is the hit's title; the rest give the snippet
    at: str
    link: str  # the id the hit links to
    alive: tuple[str, ...] = ()  # fields that must be null (soft deletion)
    is_name: bool = False  # the title is a name: exact matches first, typos tolerated
    title: str = ""  # a related title shown instead of fields[0] (comments: the proposal)


SOURCES = (
    Source(
        "account",
        _("Accounts"),
        Customer,
        "",
        ("name", "industry", "website"),
        "created_at",
        "pk",
        is_name=True,
    ),
    Source(
        "stakeholder",
        _("People at customers"),
        Stakeholder,
        "customer",
        ("name", "title", "email"),
        "created_at",
        "customer_id",
        ("deleted_at",),
        is_name=True,
    ),
    Source(
        "meeting",
        _("Meetings"),
        Meeting,
        "customer",
        ("title", "notes", "customer_said", "insights"),
        "occurred_at",
        "pk",
        ("deleted_at",),
    ),
    Source(
        "goal",
        _("Goals"),
        Goal,
        "customer",
        ("title", "description", "metric"),
        "created_at",
        "customer_id",
    ),
    Source(
        "problem",
        _("Problems"),
        Problem,
        "customer",
        ("title", "description"),
        "created_at",
        "customer_id",
    ),
    Source(
        "proposal",
        _("Proposals"),
        Proposal,
        "customer",
        ("title", "summary"),
        "created_at",
        "pk",
        ("deleted_at",),
    ),
    Source(
        "contribution",
        _("Contributions"),
        Contribution,
        "proposal__customer",
        ("request", "description"),
        "requested_at",
        "proposal_id",
        ("proposal__deleted_at",),
        title="proposal__title",
    ),
    Source(
        "comment",
        _("Comments"),
        Comment,
        "customer",
        ("body",),
        "created_at",
        "proposal_id",
        ("deleted_at", "proposal__deleted_at"),
        title="proposal__title",
    ),
)
USERS_LABEL = _("Colleagues")
# Accounts and people first: internal users come right after the customers' people.
TYPES = ("account", "stakeholder", "user", *(s.type for s in SOURCES[2:]))
LABELS = {"user": USERS_LABEL, **{s.type: s.label for s in SOURCES}}


@dataclass(frozen=True)
class SearchHit:
    type: str
    id: int
    link_id: int
    customer_id: int | None
    customer_name: str
    title: str
    title_html: SafeString
    snippet: SafeString
    rank: float


class StoredVector(Expression):
    """The stored `search_vector` column of the queryset's own table (PostgreSQL only).

    Migration search 0001 makes it a generated column with a GIN index. It is not a model
    field, so it is named through the query's base table alias, which stays right when the
    query is nested as a subquery.
    """

    output_field = SearchVectorField()

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        alias = compiler.query.get_initial_alias()
        column = connection.ops.quote_name("search_vector")
        return f"{compiler.quote_name(alias)}.{column}", []


class TrigramWordMatch(Func):
    """`query <% accord_fold(name)`: a word of the name is close to the query (GIN-indexed)."""

    template = "%(expressions)s"
    arg_joiner = " <%% "
    output_field = BooleanField()


def _title_path(source: Source) -> str:
    return source.title or source.fields[0]


def _base(source: Source, user: User) -> QuerySet:
    queryset = source.model._default_manager.visible_to(user)
    return queryset.filter(**{f"{name}__isnull": True for name in source.alive})


def _customer_name(source: Source) -> str:
    return f"{source.customer}__name" if source.customer else "name"


def _columns(source: Source) -> tuple[str, ...]:
    customer_id = f"{source.customer}_id" if source.customer else "pk"
    return ("pk", source.link, customer_id, _customer_name(source), "hit_title", *source.fields)


def _hit(source: Source, parsed: ParsedQuery, row: tuple[Any, ...], rank: float) -> SearchHit:
    pk, link_id, customer_id, customer_name, title, *texts = row
    title = title or ""
    own_title = not source.title
    snippet_texts = texts[1:] if own_title else texts
    folded = [fold(text) for text in snippet_texts]
    text = next(
        (t for t, f in zip(snippet_texts, folded, strict=True) if parsed.patterns_match(f)),
        next((t for t in snippet_texts if t), ""),
    )
    return SearchHit(
        source.type,
        pk,
        link_id,
        customer_id,
        customer_name,
        title,
        highlight(title, parsed),
        highlight(text, parsed, width=SNIPPET_WIDTH),
        rank,
    )


def _postgres_hits(
    source: Source, vis: tuple[str, tuple[Any, ...]], parsed: ParsedQuery, limit: int
) -> list[SearchHit]:
    vis_sql, vis_params = vis
    if source.is_name:
        fuzzy = len(parsed.text) >= 3 and not parsed.excluded
        statement = _name_sql(source.type, fuzzy)
        params = statement.params(vis_params, parsed, fuzzy, limit)
    else:
        statement = _text_sql(source.type)
        params = statement.params(vis_params, parsed.tsquery(), limit)
    sql = f"WITH vis AS MATERIALIZED ({vis_sql}), {statement.sql}"  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [_hit(source, parsed, row[:-1], row[-1]) for row in rows]


def _visible_base(source: Source) -> QuerySet:
    """The type's rows under the customers in `vis` (a CTE the statement starts with): its
    default manager (live rows only) and soft-deletion fields null, as `visible_to` gives them
    with the same customers."""
    ref = f"{source.customer}__pk__in" if source.customer else "pk__in"
    return (
        source.model._default_manager.filter(**{f"{name}__isnull": True for name in source.alive})
        .filter(**{ref: RawSQL("SELECT vis.pk FROM vis", ())})  # nosec B611
        .annotate(search=StoredVector())
        .order_by()
    )


def _detail(source: Source) -> tuple[str, tuple[Any, ...], str]:
    """The columns a hit shows, for every row (joined to the few best by pk), and their names."""
    detail = (
        source.model._base_manager.annotate(hit_title=F(_title_path(source)))
        .order_by()
        .values_list(*_columns(source))
    )
    sql, params = detail.query.sql_with_params()
    return sql, tuple(params), ", ".join(f"d{i}" for i in range(len(_columns(source))))


_AGE = "(1.0 + EXTRACT(EPOCH FROM (NOW() - {at})) / 31557600.0)"
_TSQUERY = f"to_tsquery('{CONFIG}'::regconfig, %s)"


@dataclass(frozen=True)
class NameSQL:
    """A name type's statement, less `vis`: every visible match ranked, exact names first."""

    sql: str
    base: tuple[Any, ...]
    detail: tuple[Any, ...]

    def params(
        self, vis: tuple[Any, ...], parsed: ParsedQuery, fuzzy: bool, limit: int
    ) -> tuple[Any, ...]:
        similarity = (parsed.text,) if fuzzy else ()
        return (
            *vis,
            parsed.tsquery(),
            *similarity,
            parsed.text,
            parsed.text,
            *self.base,
            parsed.tsquery(),
            *similarity,
            limit,
            *self.detail,
        )


@cache
def _name_sql(type_: str, fuzzy: bool) -> NameSQL:
    """Names are few and short: every visible match is ranked, so an old exact match still
    comes first. With `fuzzy`, a name with a word close to the query matches too (typos; the
    trigram index on the folded name) and the closeness adds to the rank."""
    source = next(s for s in SOURCES if s.type == type_)
    base_sql, base_params = (
        _visible_base(source)
        .annotate(folded_title=Fold(source.fields[0]))
        .values_list("pk", source.at, "search", "folded_title")
        .query.sql_with_params()
    )
    detail_sql, detail_params, names = _detail(source)
    similarity = " + word_similarity(%s, b.folded)" if fuzzy else ""
    close = " OR %s <% b.folded" if fuzzy else ""
    sql = (
        f"best AS (SELECT b.pk, b.at, ((ts_rank(b.sv, {_TSQUERY}){similarity}) + "  # nosec B608
        f"CASE WHEN b.folded = %s THEN {EXACT_NAME} "
        f"WHEN starts_with(b.folded, %s) THEN {NAME_PREFIX} ELSE 0.0 END) / "
        f"{_AGE.format(at='b.at')} AS score "
        f"FROM ({base_sql}) AS b (pk, at, sv, folded) WHERE (b.sv @@ {_TSQUERY}{close}) "
        "ORDER BY score DESC, b.at DESC, b.pk DESC LIMIT %s) "
        f"SELECT d.*, best.score FROM best JOIN ({detail_sql}) AS d ({names}) ON d.d0 = best.pk "
        "ORDER BY best.score DESC, best.at DESC, best.pk DESC"
    )
    return NameSQL(sql.replace("<%", "<%%"), tuple(base_params), detail_params)


def _visible_customers_sql(user: User) -> tuple[str, tuple[Any, ...]]:
    """The ids of the customers `user` sees (accounts.visibility's own rule), as SQL."""
    customers = scope_to_visible(Customer._base_manager.all(), user).order_by().values("pk")
    sql, params = customers.query.sql_with_params()
    return sql, tuple(params)


@dataclass(frozen=True)
class TextSQL:
    """One text type's statement, less the user's visible customers (`vis`) and the query."""

    sql: str
    newest: tuple[Any, ...]  # the parameters of each part, in the statement's order
    owned: tuple[Any, ...]
    matches: tuple[Any, ...]
    detail: tuple[Any, ...]

    def params(self, vis: tuple[Any, ...], tsquery: str, limit: int) -> tuple[Any, ...]:
        return (
            *vis,
            FEW_CUSTOMERS,
            *self.newest,
            tsquery,
            *self.owned,
            tsquery,
            *self.matches,
            tsquery,
            tsquery,
            limit,
            *self.detail,
        )


@cache
def _text_sql(type_: str) -> TextSQL:
    """A text type's statement: the best of the newest RANK_CANDIDATES matches. Built once.

    A common word matches most of an organisation's history, a rare one a handful of rows, and
    the planner cannot tell them apart for a prefix (`deliv:*`: it guesses a few hundred rows
    either way), so the ways are written out. The newest WALK rows are read in date order (the
    `*_recent` index) and checked one by one; only when fewer than RANK_CANDIDATES of them
    match and are visible are all matches looked at: for someone who sees few customers, by
    reading those customers' rows; otherwise through the GIN index. Each way gives exactly the
    newest RANK_CANDIDATES visible matches, and the cost of a common word no longer grows with
    the organisation's history. Every value stays a parameter.
    """
    source = next(s for s in SOURCES if s.type == type_)
    base = _visible_base(source)
    # Live rows with their customer; the newest are read in date order, only as far as needed.
    owned = (
        source.model._default_manager.filter(**{f"{name}__isnull": True for name in source.alive})
        .annotate(search=StoredVector(), search_owner=F(f"{source.customer}_id"))
        .values_list("pk", source.at, "search", "search_owner")
    )
    newest_sql, newest_params = owned.order_by(f"-{source.at}", "-pk")[
        :WALK
    ].query.sql_with_params()
    owned_sql, owned_params = owned.order_by().query.sql_with_params()
    all_sql, all_params = base.values_list("pk", source.at, "search").query.sql_with_params()
    detail_sql, detail_params, names = _detail(source)
    tsquery = _TSQUERY
    n = RANK_CANDIDATES
    sql = (
        "few AS (SELECT count(*) <= %s AS yes FROM vis), "  # nosec B608
        "walk AS MATERIALIZED (SELECT w.pk, w.at, w.sv "
        f"FROM ({newest_sql}) AS w (pk, at, sv, owner) "
        "WHERE NOT (SELECT yes FROM few) AND w.owner = ANY (ARRAY(SELECT vis.pk FROM vis)) "
        f"AND ts_match_vq(w.sv, {tsquery}) ORDER BY w.at DESC, w.pk DESC LIMIT {n}), "
        "found AS (SELECT count(*) AS n FROM walk), "
        f"candidates AS (SELECT * FROM walk WHERE (SELECT n FROM found) >= {n} UNION ALL "
        f"(SELECT o.pk, o.at, o.sv FROM ({owned_sql}) AS o (pk, at, sv, owner) "
        f"WHERE (SELECT n FROM found) < {n} AND (SELECT yes FROM few) "
        "AND o.owner = ANY (ARRAY(SELECT vis.pk FROM vis)) "
        f"AND ts_match_vq(o.sv, {tsquery}) ORDER BY o.at DESC, o.pk DESC LIMIT {n}) UNION ALL "
        f"(SELECT g.pk, g.at, g.sv FROM ({all_sql}) AS g (pk, at, sv) "
        f"WHERE (SELECT n FROM found) < {n} AND NOT (SELECT yes FROM few) "
        f"AND g.sv @@ {tsquery} ORDER BY g.at DESC, g.pk DESC LIMIT {n})), "
        f"best AS (SELECT c.pk, c.at, (ts_rank(c.sv, {tsquery}) + 0.0) / "
        f"{_AGE.format(at='c.at')} AS score FROM candidates c "
        "ORDER BY score DESC, c.at DESC, c.pk DESC LIMIT %s) "
        f"SELECT d.*, best.score FROM best JOIN ({detail_sql}) AS d ({names}) ON d.d0 = best.pk "
        "ORDER BY best.score DESC, best.at DESC, best.pk DESC"
    )
    return TextSQL(sql, tuple(newest_params), tuple(owned_params), tuple(all_params), detail_params)


def _contains_any(fields: tuple[str, ...], text: str) -> Q:
    condition = Q()
    for name in fields:
        condition |= Q(**{f"folded_{name}__contains": text})
    return condition


def _sqlite_hits(source: Source, user: User, parsed: ParsedQuery, limit: int) -> list[SearchHit]:
    """The same folding through `accord_fold`; word starts and exclusions checked in Python."""
    queryset = _base(source, user).annotate(
        **{f"folded_{name}": Fold(name) for name in source.fields}
    )
    for part in parsed.wanted:
        queryset = queryset.filter(_contains_any(source.fields, " ".join(part.words)))
    rows = (
        queryset.annotate(hit_title=F(_title_path(source)))
        .order_by(f"-{source.at}", "-pk")
        .values_list(*_columns(source), source.at)[:RANK_CANDIDATES]
    )
    hits = []
    for position, row in enumerate(rows):
        texts = [fold(text) for text in row[5:-1]]
        if not parsed.matches(" \n ".join(texts)):
            continue
        # Earlier fields weigh more, as the PostgreSQL weights do; newer rows come first.
        first = next(i for i, t in enumerate(texts) if parsed.patterns_match(t))
        rank = 1.0 - first / 10 - position / (10 * RANK_CANDIDATES)
        if source.is_name:
            rank += _python_name_bonus(texts[0], parsed)
        hits.append(_hit(source, parsed, row[:-1], rank))
    hits.sort(key=lambda hit: -hit.rank)
    return hits[:limit]


def _python_name_bonus(folded_name: str, parsed: ParsedQuery) -> float:
    if folded_name == parsed.text:
        return EXACT_NAME
    return NAME_PREFIX if folded_name.startswith(parsed.text) else 0.0


def _user_hits(user: User, parsed: ParsedQuery, limit: int) -> list[SearchHit]:
    """Colleagues by name (first, last, user name), folded; typos tolerated on PostgreSQL."""
    name = Concat("first_name", Value(" "), "last_name", Value(" "), "username")
    queryset = colleagues_visible_to(user).annotate(folded_name=Fold(name))
    wanted = Q()
    for part in parsed.wanted:
        wanted &= Q(folded_name__contains=" ".join(part.words))
    if connection.vendor == "postgresql" and len(parsed.text) >= 3 and not parsed.excluded:
        wanted |= Q(TrigramWordMatch(Value(parsed.text), F("folded_name")))
    for part in parsed.excluded:
        queryset = queryset.exclude(folded_name__contains=" ".join(part.words))
    rows = queryset.filter(wanted).select_related("area").order_by("last_name", "first_name")
    hits = []
    for position, colleague in enumerate(rows[: limit * 3]):
        folded_name = fold(colleague.get_full_name())
        rank = _python_name_bonus(folded_name, parsed) + 1.0 - position / (10 * limit)
        display = colleague.display_name
        hits.append(
            SearchHit(
                "user",
                colleague.pk,
                colleague.pk,
                None,
                "",
                display,
                highlight(display, parsed),
                highlight(colleague.area.name if colleague.area else "", parsed),
                rank,
            )
        )
    hits.sort(key=lambda hit: -hit.rank)
    return hits[:limit]


def _hits(
    type_: str, user: User, parsed: ParsedQuery, limit: int, vis: tuple[str, tuple[Any, ...]] | None
) -> list[SearchHit]:
    if type_ == "user":
        return _user_hits(user, parsed, limit)
    source = next(s for s in SOURCES if s.type == type_)
    if vis is not None:
        return _postgres_hits(source, vis, parsed, limit)
    return _sqlite_hits(source, user, parsed, limit)


def _visible(user: User) -> tuple[str, tuple[Any, ...]] | None:
    """The visible customers' SQL, built once per search (PostgreSQL; SQLite filters per type)."""
    return _visible_customers_sql(user) if connection.vendor == "postgresql" else None


def search(
    user: User, q: str, *, type: str | None = None, page: int = 1, size: int = PAGE_SIZE
) -> tuple[list[SearchHit], bool]:
    """One page of hits for `q` across what `user` can see, grouped by type; and more?"""
    parsed = parse(q)
    if parsed.is_empty:
        return [], False
    page = max(1, min(page, MAX_PAGE))
    limit = page * size + 1
    hits: list[SearchHit] = []
    vis = _visible(user)
    for type_ in (type,) if type else TYPES:
        hits += _hits(type_, user, parsed, limit, vis)
    hits.sort(key=lambda hit: (TYPES.index(hit.type), -hit.rank))
    start = (page - 1) * size
    return hits[start : start + size], len(hits) > start + size


@dataclass(frozen=True)
class Group:
    type: str
    label: Promise
    hits: list[SearchHit]
    has_more: bool


def search_grouped(user: User, q: str, *, per_type: int) -> list[Group]:
    """The best `per_type` hits of each type that has any, accounts and people first."""
    parsed = parse(q)
    if parsed.is_empty:
        return []
    groups = []
    vis = _visible(user)
    for type_ in TYPES:
        hits = _hits(type_, user, parsed, per_type + 1, vis)
        if hits:
            groups.append(Group(type_, LABELS[type_], hits[:per_type], len(hits) > per_type))
    return groups
