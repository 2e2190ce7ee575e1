"""@mentions, read once for every text that can hold them (comments, meeting notes).

A mention is `@username`. Who can be mentioned on an account is who can see it (the visibility
rule read the other way, `users_who_can_see`); the suggestions offered while typing and the
check before posting use the same list, so what is offered is what reaches someone.
"""

import re
import unicodedata

from accounts.models import User
from accounts.visibility import users_who_can_see

# `@username` where the name is Django's username alphabet, not ending in punctuation.
MENTION_RE = re.compile(r"(?<![\w@.+-])@([\w.@+-]*[\w+-])")
MAX_MENTIONS = 20
MAX_SUGGESTIONS = 8


def fold(text: str) -> str:
    """Lower case without accents: "Séverine" and "severine" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def mentioned_usernames(body: str) -> list[str]:
    """The distinct `@username`s in a text, in order of appearance (at most MAX_MENTIONS)."""
    names: list[str] = []
    for match in MENTION_RE.finditer(body):
        name = match.group(1)
        if name not in names:
            names.append(name)
        if len(names) == MAX_MENTIONS:
            break
    return names


def mentionable(customer_id: int) -> list[User]:
    """The people a text on this account can mention: those who can see it (one query)."""
    return list(users_who_can_see(customer_id).only("pk", "username", "first_name", "last_name"))


def suggest(people: list[User], query: str) -> list[User]:
    """Who matches what was typed after `@`: a first name, last name or username starting with
    it, accents and case folded; at most MAX_SUGGESTIONS."""
    wanted = fold(query.strip().lstrip("@"))
    matches = [
        person
        for person in people
        if not wanted or any(fold(part).startswith(wanted) for part in _name_parts(person))
    ]
    return matches[:MAX_SUGGESTIONS]


def _name_parts(person: User) -> list[str]:
    return [person.username, *person.first_name.split(), *person.last_name.split()]


def split_mentions(customer_id: int, body: str) -> tuple[list[User], list[str]]:
    """The mentioned users who can see the account, and the mentioned names that match nobody
    on it (unknown, or someone who cannot see the account: the author is told which)."""
    names = mentioned_usernames(body)
    if not names:
        return [], []
    by_name = {person.username: person for person in mentionable(customer_id)}
    reached = [by_name[name] for name in names if name in by_name]
    unknown = [name for name in names if name not in by_name]
    return reached, unknown
