"""Full-text search across one user's accounts: PostgreSQL ranking, an icontains fallback.

Each record type is searched by its own query, scoped with `visible_to(user)`, ranked and
capped at the rows the requested page needs; the merged list is cut to the page. So a page
costs one query per type, however many records match.
"""

import re
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Model, Q, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts.models import User

SEARCH_CONFIG = "english"
PAGE_SIZE = 20
MAX_PAGE = 50
# How many of the newest matches of each record type are ranked.
RANK_CANDIDATES = 500
# Private-use characters mark the highlights, so the text around them can be escaped first.
_START, _STOP = "\ue000", "\ue001"


@dataclass(frozen=True)
class SearchSource:
    type: str
    model_label: str
    title: str  # field path shown as the hit's title
    weighted_fields: tuple[tuple[str, tuple[str, ...]], ...]  # (weight, fields); also the index
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


def search_vector(source: SearchSource) -> Any:
    """The weighted tsvector of a source; the GIN index is built on exactly this expression."""
    vector = None
    for weight, fields in source.weighted_fields:
        part = SearchVector(*fields, weight=weight, config=SEARCH_CONFIG)
        vector = part if vector is None else vector + part
    return vector


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
    separator = Value(" · ", output_field=TextField())
    parts: list[Any] = []
    for name in _fields(source):
        blank = Value("", output_field=TextField())
        parts += [Coalesce(F(name), blank, output_field=TextField()), separator]
    document = Concat(*parts[:-1], output_field=TextField()) if len(parts) > 2 else parts[0]
    # Rank only the most recent matches: a common word can match most of an organisation's
    # history, and ranking (and highlighting) all of it took seconds. Recent dialogue is what
    # a salesperson looks for; the GIN index finds the matches, the date index orders them.
    candidates = (
        _base(source, user)
        .annotate(search=search_vector(source))
        .filter(search=query)
        .order_by(f"-{source.at}", "-pk")
        .values("pk")[:RANK_CANDIDATES]
    )
    rows = (
        _model(source)
        ._default_manager.filter(pk__in=Subquery(candidates))
        .annotate(search=search_vector(source))
        .annotate(
            rank=SearchRank(F("search"), query),
            snippet=SearchHeadline(
                document,
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
        .values_list("pk", "customer_id", "customer__name", "hit_title", "snippet", "rank")[:limit]
    )
    return [
        SearchHit(
            source.type, pk, customer_id, customer_name, title or "", _highlight(snippet), rank
        )
        for pk, customer_id, customer_name, title, snippet, rank in rows
    ]


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
