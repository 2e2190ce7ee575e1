"""The PostgreSQL statements of search, built once per record type (see `_text_sql`).

Each statement takes the ids of the customers the user sees as one array parameter (None for
someone who sees every account), read once per search by `accounts.visibility`'s rule, so the
rule is not planned and run again for every type.
"""

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.postgres.search import SearchVectorField
from django.db import connection
from django.db.models import Expression, F, QuerySet

from accounts.visibility import id_array_literal
from search.folding import Fold
from search.query import ParsedQuery
from search.sources import SOURCES, Source, _columns, _title_path

CONFIG = "public.accord"
# How many of the newest matches of a text type are ranked for a page of one type: a common
# word can match most of an organisation's history, and ranking all of it costs time in
# proportion to that history.
RANK_CANDIDATES = 200
# The overview and the type-ahead show a few hits per type: they rank this many newest
# matches per hit shown (at least GROUP_CANDIDATES), not RANK_CANDIDATES.
CANDIDATES_PER_HIT = 5
GROUP_CANDIDATES = 20
# How many of the newest rows of a text type are read in date order before the GIN index is
# asked for every match (see `_text_sql`).
WALK = 2000
# Up to this many visible customers, their own rows are read (by customer) rather than walking
# the organisation's newest rows.
FEW_CUSTOMERS = 50
EXACT_NAME, NAME_PREFIX = 10.0, 2.0

_AGE = "(1.0 + EXTRACT(EPOCH FROM (NOW() - {at})) / 31557600.0)"
_TSQUERY = f"to_tsquery('{CONFIG}'::regconfig, %s)"
# The visible customers: an array of ids, or NULL for all (sent as literals, so the planner
# folds the NULL case away; `Statement.run` sends a list as text). The array is read once per
# statement (an InitPlan), so the planner does not estimate each of a manager's thousand ids.
_VISIBLE = "(%s::bigint[] IS NULL OR {owner} = ANY (ARRAY(SELECT unnest(%s::bigint[]))))"


class Slot(str):
    """A statement's parameter given on each run (the query, the visible customers...)."""


TSQUERY, TEXT, LIMIT, CANDIDATES = Slot("tsquery"), Slot("text"), Slot("limit"), Slot("candidates")
VISIBLE = (Slot("visible"), Slot("visible"))


def candidates(limit: int, *, grouped: bool) -> int:
    """How many of a text type's newest matches are ranked for `limit` hits."""
    if grouped:
        return min(RANK_CANDIDATES, max(GROUP_CANDIDATES, CANDIDATES_PER_HIT * limit))
    # A page of one type ranks the same candidates on every page, so pages never overlap.
    return RANK_CANDIDATES


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


def _live(source: Source) -> QuerySet:
    """The type's live rows (default manager, soft-deletion fields null) with their vector and
    their customer's id, as `visible_to` gives them before the visibility rule."""
    owner = f"{source.customer}_id" if source.customer else "pk"
    return (
        source.model._default_manager.filter(**{f"{name}__isnull": True for name in source.alive})
        .annotate(search=StoredVector(), search_owner=F(owner))
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


def _sql(queryset: QuerySet) -> tuple[str, tuple[Any, ...]]:
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


@dataclass(frozen=True)
class Statement:
    """One statement and its parameters: fixed values, and `Slot`s filled on each run."""

    sql: str
    params: tuple[Any, ...]

    def run(self, **values: Any) -> list[tuple[Any, ...]]:
        if isinstance(values.get("visible"), list):
            values["visible"] = id_array_literal(values["visible"])
        params = [values[p] if isinstance(p, Slot) else p for p in self.params]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            return cursor.fetchall()


def _ranked(best_sql: str, detail: tuple[str, tuple[Any, ...], str]) -> str:
    detail_sql, _params, names = detail
    return (
        f"{best_sql} SELECT d.*, best.score FROM best "  # nosec B608
        f"JOIN ({detail_sql}) AS d ({names}) ON d.d0 = best.pk "
        "ORDER BY best.score DESC, best.at DESC, best.pk DESC"
    )


@cache
def _name_sql(type_: str, fuzzy: bool) -> Statement:
    """Names are few and short: every visible match is ranked, so an old exact match still
    comes first. With `fuzzy`, a name with a word close to the query matches too (typos; the
    trigram index on the folded name) and the closeness adds to the rank. The matches come from
    the GIN indexes (vector and trigram), then the visibility rule: a name search never reads
    every name the user sees."""
    source = next(s for s in SOURCES if s.type == type_)
    base_sql, base_params = _sql(
        _live(source)
        .annotate(folded_title=Fold(source.fields[0]))
        .values_list("pk", source.at, "search", "search_owner", "folded_title")
    )
    detail = _detail(source)
    similarity = " + word_similarity(%s, b.folded)" if fuzzy else ""
    close = " OR %s <% b.folded" if fuzzy else ""
    best = (
        f"WITH b AS MATERIALIZED (SELECT * FROM ({base_sql}) AS r (pk, at, sv, owner, folded) "
        f"WHERE r.sv @@ {_TSQUERY}{close.replace('b.', 'r.')}), "  # nosec B608
        f"best AS (SELECT b.pk, b.at, ((ts_rank(b.sv, {_TSQUERY}){similarity}) + "
        f"CASE WHEN b.folded = %s THEN {EXACT_NAME} "
        f"WHEN starts_with(b.folded, %s) THEN {NAME_PREFIX} ELSE 0.0 END) / "
        f"{_AGE.format(at='b.at')} AS score FROM b "
        f"WHERE {_VISIBLE.format(owner='b.owner')} "
        "ORDER BY score DESC, b.at DESC, b.pk DESC LIMIT %s)"
    )
    text = (TEXT,) if fuzzy else ()
    params = (*base_params, TSQUERY, *text, TSQUERY, *text, TEXT, TEXT, *VISIBLE, LIMIT)
    return Statement(_ranked(best, detail).replace("<%", "<%%"), (*params, *detail[1]))


def name_hits(
    type_: str, visible: list[int] | None, parsed: ParsedQuery, limit: int
) -> list[tuple[Any, ...]]:
    fuzzy = len(parsed.text) >= 3 and not parsed.excluded
    return _name_sql(type_, fuzzy).run(
        tsquery=parsed.tsquery(), text=parsed.text, visible=visible, limit=limit
    )


@cache
def _text_sql(type_: str, way: str) -> Statement:
    """A text type's statement for one way of finding its newest visible matches, ranked.

    A common word matches most of an organisation's history, a rare one a handful of rows, and
    the planner cannot tell them apart for a prefix (`deliv:*`: it guesses a few hundred rows
    either way), so the ways are written out and chosen in `text_hits`:
    - "walk" reads the newest WALK rows in date order (the `*_recent` index), checking each,
      and stops at the wanted number of candidates;
    - "own" reads the rows of the few customers the user sees (their customer index);
    - "matches" asks the GIN index for every match, then keeps the visible ones.
    Each gives the newest visible matches; the statement also returns how many it found. Every
    value stays a parameter.
    """
    source = next(s for s in SOURCES if s.type == type_)
    live = _live(source).values_list("pk", source.at, "search", "search_owner")
    tsquery, visible = _TSQUERY, _VISIBLE.format(owner="c.owner")
    if way == "walk":
        rows_sql, rows_params = _sql(live.order_by(f"-{source.at}", "-pk")[:WALK])
        rows = f"SELECT * FROM ({rows_sql}) AS r"  # nosec B608: ORM-compiled, values are params
        where, params = f"ts_match_vq(c.sv, {tsquery}) AND {visible}", (TSQUERY, *VISIBLE)
    elif way == "own":
        rows_sql, rows_params = _sql(live)
        rows = f"SELECT * FROM ({rows_sql}) AS r (pk, at, sv, owner) "  # nosec B608: as above
        rows += "WHERE r.owner = ANY (%s::bigint[])"
        rows_params += (VISIBLE[0],)
        where, params = f"ts_match_vq(c.sv, {tsquery})", (TSQUERY,)
    else:
        rows_sql, rows_params = _sql(live)
        rows = f"SELECT * FROM ({rows_sql}) AS r (pk, at, sv, owner) WHERE r.sv @@ {tsquery}"  # nosec B608
        rows_params += (TSQUERY,)
        where, params = visible, VISIBLE
    detail_sql, detail_params, names = _detail(source)
    sql = (
        # The walk stops at the candidates it needs; the other ways' rows are read first.
        f"WITH rows AS {'NOT ' if way == 'walk' else ''}MATERIALIZED ({rows}), "  # nosec B608
        "cands AS MATERIALIZED (SELECT c.pk, c.at, c.sv "
        f"FROM rows AS c (pk, at, sv, owner) WHERE {where} "
        "ORDER BY c.at DESC, c.pk DESC LIMIT %s), "
        f"best AS (SELECT c.pk, c.at, (ts_rank(c.sv, {tsquery}) + 0.0) / "
        f"{_AGE.format(at='c.at')} AS score FROM cands c "
        "ORDER BY score DESC, c.at DESC, c.pk DESC LIMIT %s) "
        "SELECT d.*, best.score, (SELECT count(*) FROM cands) FROM best "
        f"JOIN ({detail_sql}) AS d ({names}) ON d.d0 = best.pk "
        "ORDER BY best.score DESC, best.at DESC, best.pk DESC"
    )
    return Statement(
        sql,
        (*rows_params, *params, CANDIDATES, TSQUERY, LIMIT, *detail_params),
    )


def text_hits(
    type_: str, visible: list[int] | None, tsquery: str, limit: int, candidates: int
) -> list[tuple[Any, ...]]:
    """The best `limit` of the newest `candidates` visible matches, ranked (without the count
    column). Someone who sees few customers has their rows read; otherwise the newest rows are
    walked, and only when they hold fewer than `candidates` matches are all matches asked for."""
    values = {"visible": visible, "tsquery": tsquery, "limit": limit, "candidates": candidates}
    if visible is not None and len(visible) <= FEW_CUSTOMERS:
        rows = _text_sql(type_, "own").run(**values)
    else:
        rows = _text_sql(type_, "walk").run(**values)
        if not rows or rows[0][-1] < candidates:
            rows = _text_sql(type_, "matches").run(**values)
    return [row[:-1] for row in rows]
