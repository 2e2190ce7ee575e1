"""What search looks in: one `Source` per record type, and the columns a hit shows."""

from dataclasses import dataclass

from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from customers.models import Customer, Goal, Problem, Stakeholder
from dialogue.models import Meeting
from solutions.models import Comment, Contribution, Proposal


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


def _title_path(source: Source) -> str:
    return source.title or source.fields[0]


def _customer_name(source: Source) -> str:
    return f"{source.customer}__name" if source.customer else "name"


def _columns(source: Source) -> tuple[str, ...]:
    customer_id = f"{source.customer}_id" if source.customer else "pk"
    return ("pk", source.link, customer_id, _customer_name(source), "hit_title", *source.fields)
