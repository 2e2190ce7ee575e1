"""The PostgreSQL statements of search, built once per record type (see `_text_sql`)."""

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.postgres.search import SearchVectorField
from django.db.models import Expression, F, QuerySet
from django.db.models.expressions import RawSQL

from accounts.models import User
from accounts.visibility import scope_to_visible
from customers.models import Customer
from search.folding import Fold
from search.query import ParsedQuery
from search.sources import SOURCES, Source, _columns, _title_path

CONFIG = "public.accord"
# How many of the newest matches of a text type are ranked: a common word can match most of an
# organisation's history, and ranking all of it costs time in proportion to that history.
RANK_CANDIDATES = 200
# How many of the newest visible rows of a text type are read in date order before the GIN index
# is asked for every match (see `_text_hits`).
WALK = 2000
# Up to this many visible customers, their own rows are read (by customer) rather than asking the
# GIN index for every match in the organisation.
FEW_CUSTOMERS = 50
EXACT_NAME, NAME_PREFIX = 10.0, 2.0


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
