"""One search over everything a user can see: accounts and people first, then the dialogue.

Each record type is one query (a text type sometimes two), scoped by the visibility rule (on
PostgreSQL the visible customers' ids, `visible_customer_ids`, read once per search and passed to
each statement as an array; `visible_to` on SQLite; `colleagues_visible_to` for internal users),
so a search costs a fixed number of queries however many records match. The PostgreSQL
statements are built once per type and reused (see `search.sql._text_sql` for how a text type
finds its newest matches without reading every match). PostgreSQL
matches the stored `search_vector` columns (configuration `accord`: accents and case folded,
every word a prefix) and, for names, trigram word similarity (typos); SQLite folds the same
way through `accord_fold` and checks word starts in Python.

Ranking within a type: an exact name first (then a name starting with the query), then text
relevance weighted by recency (halved for a record a year old).
"""

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    F,
    Func,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Concat
from django.utils.functional import Promise
from django.utils.safestring import SafeString

from accounts.models import User
from accounts.visibility import colleagues_visible_to, visible_customer_ids
from search import sql
from search.folding import Fold, fold
from search.query import ParsedQuery, highlight, parse
from search.sources import (
    LABELS,
    SOURCES,
    TYPES,
    Source,
    _columns,
    _title_path,
)
from search.sql import EXACT_NAME, NAME_PREFIX, RANK_CANDIDATES

# The customers a user sees, for PostgreSQL's statements (None: all); unused on SQLite.
Visible = list[int] | None
PAGE_SIZE = 20
# Colleagues whose names match are checked against the visibility rule up to this many.
MAX_NAMED = 500
MAX_PAGE = 50
SNIPPET_WIDTH = 80


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


class TrigramWordMatch(Func):
    """`query <% accord_fold(name)`: a word of the name is close to the query (GIN-indexed)."""

    template = "%(expressions)s"
    arg_joiner = " <%% "
    output_field = BooleanField()


def _base(source: Source, user: User) -> QuerySet:
    queryset = source.model._default_manager.visible_to(user)
    return queryset.filter(**{f"{name}__isnull": True for name in source.alive})


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
    source: Source, visible: list[int] | None, parsed: ParsedQuery, limit: int, candidates: int
) -> list[SearchHit]:
    if source.is_name:
        rows = sql.name_hits(source.type, visible, parsed, limit)
    else:
        rows = sql.text_hits(source.type, visible, parsed.tsquery(), limit, candidates)
    return [_hit(source, parsed, row[:-1], row[-1]) for row in rows]


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
    queryset = User.objects.filter(is_active=True).annotate(folded_name=Fold(name))
    wanted = Q()
    for part in parsed.wanted:
        wanted &= Q(folded_name__contains=" ".join(part.words))
    if connection.vendor == "postgresql" and len(parsed.text) >= 3 and not parsed.excluded:
        wanted |= Q(TrigramWordMatch(Value(parsed.text), F("folded_name")))
    for part in parsed.excluded:
        queryset = queryset.exclude(folded_name__contains=" ".join(part.words))
    # The names first, then the visibility rule for those few: most searches name nobody, and
    # then the rule (every membership of every visible account) is not read at all.
    named = queryset.filter(wanted).order_by("last_name", "first_name", "pk")
    named = list(named.values_list("pk", flat=True)[:MAX_NAMED])
    if not named:
        return []
    rows = (
        colleagues_visible_to(user)
        .filter(pk__in=named)
        .select_related("area")
        .order_by("last_name", "first_name")
    )
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
    type_: str, user: User, parsed: ParsedQuery, limit: int, visible: Visible, *, grouped: bool
) -> list[SearchHit]:
    if type_ == "user":
        return _user_hits(user, parsed, limit)
    source = next(s for s in SOURCES if s.type == type_)
    if connection.vendor == "postgresql":
        candidates = sql.candidates(limit, grouped=grouped)
        return _postgres_hits(source, visible, parsed, limit, candidates)
    return _sqlite_hits(source, user, parsed, limit)


def _visible(user: User) -> Visible:
    """The visible customers' ids, read once per search (PostgreSQL; SQLite filters per type)."""
    return visible_customer_ids(user) if connection.vendor == "postgresql" else None


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
    visible = _visible(user)
    for type_ in (type,) if type else TYPES:
        hits += _hits(type_, user, parsed, limit, visible, grouped=False)
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
    visible = _visible(user)
    for type_ in TYPES:
        hits = _hits(type_, user, parsed, per_type + 1, visible, grouped=True)
        if hits:
            groups.append(Group(type_, LABELS[type_], hits[:per_type], len(hits) > per_type))
    return groups
