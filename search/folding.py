"""One folding of text for search: no case, no accents; the same in Python, SQLite and PostgreSQL.

PostgreSQL folds with `public.accord_fold(text)` (lower + unaccent, created by migration search
0001) and the `accord` text search configuration (unaccent, then simple). SQLite gets the same
function name, registered on every new connection by `SearchConfig.ready`, running `fold` below.
"""

import unicodedata
from functools import lru_cache
from typing import Any

from django.db.models import Func, TextField

# Letters that unaccent folds but Unicode decomposition does not.
_EXTRA = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe"})


@lru_cache(maxsize=4096)
def fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.casefold().translate(_EXTRA)


def fold(text: str | None) -> str:
    """`text` without case and accents: "Schröder" → "schroder", "Straße" → "strasse"."""
    if not text:
        return ""
    if text.isascii():  # the common case: only the case to fold, one character for one
        return text.lower()
    return "".join(fold_char(char) for char in text or "")


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index of the original one."""
    if text.isascii():
        return text.lower(), list(range(len(text)))
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        part = fold_char(char)
        folded.append(part)
        origin.extend([index] * len(part))
    return "".join(folded), origin


def register_sqlite_fold(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Give a new SQLite connection `accord_fold`, the function PostgreSQL has from a migration."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("accord_fold", 1, fold, deterministic=True)


class Fold(Func):
    """SQL `accord_fold(expression)`: the column's text folded as `fold` folds the query."""

    function = "accord_fold"
    output_field = TextField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="public.accord_fold", **extra)
