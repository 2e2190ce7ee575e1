"""Full-text search across one user's accounts: PostgreSQL ranking, an icontains fallback.

Each record type is searched by its own query, scoped with `visible_to(user)`, ranked and
capped at the rows the requested page needs; the merged list is cut to the page. So a page
costs one query per type, however many records match.
"""

import re
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connection
from django.db.models import Expression, F, Model, Q, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts.models import User

SEARCH_CONFIG = "english"
PAGE_SIZE = 20
MAX_PAGE = 50
# How many of the newest matches of each record type are ranked.
RANK_CANDIDATES = 200
# Private-use characters mark the highlights, so the text around them can be escaped first.
_START, _STOP = "\ue000", "\ue001"


@dataclass(frozen=True)
class SearchSource:
    type: str
    model_label: str
    title: str  # field path shown as the hit's title
    # (weight, fields): the document stored as the table's search_vector (dialogue 0003)
    weighted_fields: tuple[tuple[str, tuple[str, ...]], ...]
    at: str
    alive: tuple[str, ...] = ()  # fields that must be null (soft deletion)


SOURCES = (
    SearchSource(
        "meeting",
        "dialogue.Meeting",
        "title",
        (("A", ("title",)), ("B", ("notes", "customer_said", "insights"))),
        "occurred_at",
        ("deleted_at",),
    ),
    SearchSource(
        "problem",
        "customers.Problem",
        "title",
        (("A", ("title",)), ("B", ("description",))),
        "created_at",
    ),
    SearchSource(
        "goal",
        "customers.Goal",
        "title",
        (("A", ("title",)), ("B", ("description", "metric"))),
        "created_at",
    ),
    SearchSource(
        "stakeholder",
        "customers.Stakeholder",
        "name",
        (("A", ("name",)), ("B", ("title",))),
        "created_at",
        ("deleted_at",),
    ),
    SearchSource(
        "proposal",
        "solutions.Proposal",
        "title",
        (("A", ("title",)), ("B", ("summary",))),
        "created_at",
        ("deleted_at",),
    ),
    SearchSource(
        "comment",
        "solutions.Comment",
        "proposal__title",
        (("B", ("body",)),),
        "created_at",
        ("deleted_at", "proposal__deleted_at"),
    ),
)


class StoredVector(Expression):
    """The stored `search_vector` column of the queryset's own table (PostgreSQL only).

    Migration dialogue 0003 adds it as a generated column with a GIN index: the weighted
    document of the source's fields, so ranking reads a stored vector instead of parsing text.
    It is not a model field, so it is named through the query's base table alias, which stays
    right when the query is nested as a subquery.
    """

    output_field = SearchVectorField()

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        alias = compiler.query.get_initial_alias()
        column = connection.ops.quote_name("search_vector")
        return f"{compiler.quote_name(alias)}.{column}", []


@dataclass(frozen=True)
class SearchHit:
    type: str
    id: int
    customer_id: int
    customer_name: str
    title: str
    snippet: SafeString
    rank: float


def _model(source: SearchSource) -> type[Model]:
    from django.apps import apps

    return apps.get_model(source.model_label)


def _fields(source: SearchSource) -> list[str]:
    return [name for _, fields in source.weighted_fields for name in fields]


def _base(source: SearchSource, user: User) -> QuerySet:
    queryset = _model(source)._default_manager.visible_to(user)
    return queryset.filter(**{f"{name}__isnull": True for name in source.alive})


def _highlight(text: str) -> SafeString:
    """Escape everything, then turn our markers (and only them) into <mark> tags."""
    html = escape(text).replace(_START, "<mark>").replace(_STOP, "</mark>")
    # Built from escaped text; the only tags in it are the <mark>s added just above.
    return mark_safe(html)  # nosec B308 B703


def _postgres_hits(source: SearchSource, user: User, q: str, limit: int) -> list[SearchHit]:
    query = SearchQuery(q, config=SEARCH_CONFIG, search_type="websearch")
    model = _model(source)
    # Rank only the most recent matches: a common word can match most of an organisation's
    # history, and ranking all of it costs time in proportion to that history. Recent dialogue
    # is what a salesperson looks for; the GIN index finds the matches, the date orders them.
    candidates = (
        _base(source, user)
        .annotate(search=StoredVector())
        .filter(search=query)
        .annotate(rank=SearchRank(StoredVector(), query))
        .order_by(f"-{source.at}", "-pk")
        .values_list("pk", "rank", source.at)[:RANK_CANDIDATES]
    )
    # The best of those candidates, ranked in an outer SELECT so the planner keeps reading
    # the candidates in date order and stops at the cap (an ORM join here let it scan the
    # whole table). The candidate query, visibility rule included, is the ORM's own SQL.
    sql, params = candidates.query.sql_with_params()
    # The only text spliced in is the ORM's own SQL; every value stays a parameter.
    best = RawSQL(  # nosec B611
        f"SELECT c.pk FROM ({sql}) AS c (pk, rank, at) "  # nosec B608
        "ORDER BY c.rank DESC, c.at DESC, c.pk DESC LIMIT %s",
        (*params, limit),
    )
    # Highlighting parses the text again, so only the rows that can reach the page pay for it.
    rows = (
        model._default_manager.filter(pk__in=best)
        .annotate(
            rank=SearchRank(StoredVector(), query),
            snippet=SearchHeadline(
                _document(source),
                query,
                config=SEARCH_CONFIG,
                start_sel=_START,
                stop_sel=_STOP,
                max_words=35,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
            hit_title=F(source.title),
        )
        .order_by("-rank", f"-{source.at}", "-pk")
        .values_list("pk", "customer_id", "customer__name", "hit_title", "snippet", "rank")
    )
    return [
        SearchHit(
            source.type, pk, customer_id, customer_name, title or "", _highlight(snippet), rank
        )
        for pk, customer_id, customer_name, title, snippet, rank in rows
    ]


def _document(source: SearchSource) -> Any:
    """The source's fields joined as one text, for the highlighted snippet."""
    separator = Value(" · ", output_field=TextField())
    parts: list[Any] = []
    for name in _fields(source):
        blank = Value("", output_field=TextField())
        parts += [Coalesce(F(name), blank, output_field=TextField()), separator]
    return Concat(*parts[:-1], output_field=TextField()) if len(parts) > 2 else parts[0]


def _window(text: str, q: str, width: int = 80) -> SafeString:
    match = re.search(re.escape(q), text, flags=re.IGNORECASE)
    if match is None:
        return _highlight(text[: width * 2])
    start = max(0, match.start() - width)
    end = min(len(text), match.end() + width)
    marked = (
        ("…" if start else "")
        + text[start : match.start()]
        + _START
        + match.group(0)
        + _STOP
        + text[match.end() : end]
        + ("…" if end < len(text) else "")
    )
    return _highlight(marked)


def _fallback_hits(source: SearchSource, user: User, q: str, limit: int) -> list[SearchHit]:
    fields = _fields(source)
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__icontains": q})
    rows = (
        _base(source, user)
        .filter(condition)
        .annotate(hit_title=F(source.title))
        .order_by(f"-{source.at}", "-pk")
        .values_list("pk", "customer_id", "customer__name", "hit_title", *fields)[:limit]
    )
    hits = []
    for pk, customer_id, customer_name, title, *texts in rows:
        text = next((t for t in texts if t and q.lower() in t.lower()), texts[0] or "")
        # Earlier fields carry more weight, as in the PostgreSQL ranking.
        rank = 1.0 - next((i for i, t in enumerate(texts) if t and q.lower() in t.lower()), 0) / 10
        hits.append(
            SearchHit(
                source.type, pk, customer_id, customer_name, title or "", _window(text, q), rank
            )
        )
    return hits


def search(
    user: User, q: str, *, page: int = 1, size: int = PAGE_SIZE
) -> tuple[list[SearchHit], bool]:
    """One page of hits for `q` across the accounts `user` can see, best first; and more?"""
    page = max(1, min(page, MAX_PAGE))
    limit = page * size + 1
    finder = _postgres_hits if connection.vendor == "postgresql" else _fallback_hits
    hits: list[SearchHit] = []
    for source in SOURCES:
        hits += finder(source, user, q, limit)
    hits.sort(key=lambda hit: (-hit.rank, hit.type, -hit.id))
    start = (page - 1) * size
    return hits[start : start + size], len(hits) > start + size
