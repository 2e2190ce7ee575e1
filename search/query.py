"""What a search means: words (prefixes), "quoted phrases" and -exclusions, folded.

The syntax is documented on the results page. Each word matches the start of a word in the
record ("nordw" finds Nordwind), a quoted phrase matches its words in a row, and a leading
minus drops the records that contain the word or phrase. Every word must match.
"""

import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from search.folding import fold, fold_with_map

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
# Letters and digits: the only characters that reach a tsquery, so no operator can be injected.
_WORD = re.compile(r"[^\W_]+")
_MAX_PARTS = 12


@dataclass(frozen=True)
class Part:
    words: tuple[str, ...]
    phrase: bool  # quoted: the words in a row, the last one whole; otherwise each a prefix


@dataclass
class ParsedQuery:
    text: str  # the folded query, for name similarity and exact-name matches
    wanted: list[Part] = field(default_factory=list)
    excluded: list[Part] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.wanted

    def tsquery(self) -> str:
        """The query for `to_tsquery('accord', ...)`: only letters, digits and operators."""
        parts = [_ts_part(part) for part in self.wanted]
        parts += [f"!{_ts_part(part)}" for part in self.excluded]
        return " & ".join(parts)

    def patterns(self) -> list[re.Pattern[str]]:
        """Regexes over folded text matching what is wanted (for SQLite and highlighting)."""
        return [_pattern(part) for part in self.wanted]

    def patterns_match(self, folded_text: str) -> bool:
        """Whether any wanted word or phrase occurs in `folded_text`."""
        return any(p.search(folded_text) for p in self.patterns())

    def excludes(self, folded_text: str) -> bool:
        return any(_pattern(part).search(folded_text) for part in self.excluded)

    def matches(self, folded_text: str) -> bool:
        return all(p.search(folded_text) for p in self.patterns()) and not self.excludes(
            folded_text
        )


def _ts_part(part: Part) -> str:
    if part.phrase:
        return "(" + " <-> ".join(part.words) + ")" if len(part.words) > 1 else part.words[0]
    return " & ".join(f"{word}:*" for word in part.words)


def _pattern(part: Part) -> re.Pattern[str]:
    start = r"(?<![^\W_])"
    if part.phrase:
        return re.compile(start + r"[\W_]+".join(map(re.escape, part.words)) + r"(?![^\W_])")
    return re.compile("|".join(start + re.escape(word) for word in part.words))


def parse(q: str) -> ParsedQuery:
    """The search `q` as parts; words that fold to nothing (punctuation) are dropped."""
    parsed = ParsedQuery(text=" ".join(_WORD.findall(fold(q))))
    for quoted_minus, quoted, minus, bare in _TOKEN.findall(q):
        phrase = bool(quoted_minus or quoted) or (not minus and not bare)
        negative = bool(quoted_minus) if phrase else bool(minus)
        words = tuple(_WORD.findall(fold(quoted if phrase else bare)))
        if not words:
            continue
        target = parsed.excluded if negative else parsed.wanted
        if phrase:
            target.append(Part(words, phrase=True))
        else:
            target.extend(Part((word,), phrase=False) for word in words)
    del parsed.wanted[_MAX_PARTS:]
    del parsed.excluded[_MAX_PARTS:]
    return parsed


# Private-use characters mark the highlights, so the text around them can be escaped first.
_START, _STOP = "\ue000", "\ue001"


def highlight(text: str, query: ParsedQuery, *, width: int = 0) -> SafeString:
    """`text` escaped, with what `query` matched (accents and case folded) wrapped in <mark>.

    With `width`, only a window of about that many characters before the first match and
    twice that after it is kept (the snippet of a long text).
    """
    text = text.replace(_START, "").replace(_STOP, "")
    folded, origin = fold_with_map(text)
    spans: list[tuple[int, int]] = []
    for pattern in query.patterns():
        for match in pattern.finditer(folded):
            if match.end() > match.start():
                spans.append((origin[match.start()], origin[match.end() - 1] + 1))
    spans.sort()
    start, end = 0, len(text)
    if width:
        first = spans[0][0] if spans else 0
        start = max(0, first - width)
        end = min(len(text), (spans[0][1] if spans else 0) + 2 * width)
    marked, cursor = [], start
    for span_start, span_end in spans:
        if span_start < cursor or span_end > end:
            continue
        marked += [text[cursor:span_start], _START, text[span_start:span_end], _STOP]
        cursor = span_end
    marked.append(text[cursor:end])
    html = escape("".join(marked)).replace(_START, "<mark>").replace(_STOP, "</mark>")
    html = ("…" if start else "") + html + ("…" if end < len(text) else "")
    # Built from escaped text; the only tags in it are the <mark>s added just above.
    return mark_safe(html)  # nosec B308 B703
