"""Stored-XSS payloads and the registry of user-written text fields they are tried in.

Apps add their fields to FIELDS: (label, make, url) where `make(actors, payload)` stores the
payload through the field and returns the record, and `url(record)` is a page that shows it.
The browser test (tests/e2e/test_xss.py) renders every payload in every field.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from space import answers as space_answers
from space import services as space_services
from tests import factories

PAYLOAD_FILE = Path(__file__).with_name("xss_payloads.txt")


def payloads() -> list[str]:
    lines = PAYLOAD_FILE.read_text(encoding="utf-8").splitlines()
    return [
        line.replace("\\n", "\n") for line in lines if line.strip() and not line.startswith("#")
    ]


@dataclass(frozen=True)
class Field:
    """A user-written text field: how to store text in it and which pages show it."""

    label: str
    make: Callable[[Any, str], Any]  # (actors, text) -> record
    pages: Callable[[Any, list], list[str]]  # (actors, records) -> URLs showing them
    per_record: int = 1  # payloads joined into one record (long text fields)


def chunks(items: list[str], size: int) -> list[str]:
    return ["\n\n".join(items[i : i + size]) for i in range(0, len(items), size)]


FIELDS: list[Field] = [
    Field(
        "customer name on my accounts",
        lambda actors, p: factories.CustomerFactory(lead=actors.sales_a, name=p[:200]),
        lambda actors, records: ["/", "/?page=2"],
    ),
    Field(
        "customer name and description on the overview",
        lambda actors, p: factories.CustomerFactory(
            lead=actors.sales_a, name=p[:200], description=p[:5000]
        ),
        lambda actors, records: [f"/customers/{r.pk}/" for r in records],
        per_record=15,
    ),
    Field(
        "goal title and description",
        lambda actors, p: factories.GoalFactory(
            customer=actors.customer_a, title=p[:200], description=p[:10000]
        ),
        lambda actors, records: [f"/customers/{actors.customer_a.pk}/goals/"],
    ),
    Field(
        "stakeholder name and title",
        lambda actors, p: factories.StakeholderFactory(
            customer=actors.customer_a, name=p[:200], title=p[:200]
        ),
        lambda actors, records: [f"/customers/{actors.customer_a.pk}/stakeholders/"],
    ),
    Field(
        "meeting title and notes",
        lambda actors, p: factories.MeetingFactory(
            customer=actors.customer_a, title=p[:200], notes=p
        ),
        lambda actors, records: (
            [f"/dialogue/meetings/{r.pk}/" for r in records]
            + [f"/dialogue/customers/{actors.customer_a.pk}/timeline/"]
        ),
        per_record=15,
    ),
    Field(
        "proposal title and summary",
        lambda actors, p: factories.ProposalFactory(
            customer=actors.customer_a, title=p[:200], summary=p
        ),
        lambda actors, records: (
            [f"/solutions/proposals/{r.pk}/" for r in records]
            + [f"/solutions/customers/{actors.customer_a.pk}/proposals/"]
        ),
        per_record=15,
    ),
    Field(
        "proposal comments",
        lambda actors, p: factories.CommentFactory(proposal=_proposal(actors), body=p),
        lambda actors, records: sorted({f"/solutions/proposals/{r.proposal_id}/" for r in records}),
    ),
    Field(
        "action item description",
        lambda actors, p: factories.ActionItemFactory(
            customer=actors.customer_a, owner=actors.sales_a, description=p[:500]
        ),
        lambda actors, records: ["/dialogue/action-items/"],
        per_record=10,
    ),
    Field(
        "contribution request and description",
        lambda actors, p: factories.ContributionFactory(
            proposal=_proposal(actors), request=p[:5000], description=p[:20000]
        ),
        lambda actors, records: [f"/solutions/contributions/{r.pk}/" for r in records],
        per_record=15,
    ),
    Field(
        "account plan comment",
        lambda actors, p: _plan_comment(actors, p[:10000]),
        lambda actors, records: [f"/insights/{actors.customer_a.pk}/plan/"],
        per_record=15,
    ),
    Field(
        "health score annotation",
        lambda actors, p: _annotation(actors, p[:2000]),
        lambda actors, records: [f"/health/customers/{actors.customer_a.pk}/"],
        per_record=10,
    ),
    Field(
        "account plan section",
        lambda actors, p: factories.PlanSectionFactory(customer=actors.customer_a, body=p),
        lambda actors, records: [f"/insights/{actors.customer_a.pk}/plan/"],
        per_record=1000,
    ),
    Field(
        "shared space: a guest's message, step comment, correction and own goal",
        lambda actors, p: guest_writes(actors, p),
        lambda actors, records: [f"/space/customers/{actors.customer_a.pk}/"],
        per_record=15,
    ),
]


def _proposal(actors: Any) -> Any:
    """One proposal of customer A that all comment payloads go on (one page to render)."""
    from solutions.models import Proposal

    existing = Proposal.objects.filter(customer=actors.customer_a, title="XSS comments").first()
    return existing or factories.ProposalFactory(customer=actors.customer_a, title="XSS comments")


def _plan_comment(actors: Any, body: str) -> Any:
    from django.utils import timezone

    from insights.models import PlanComment

    return PlanComment.objects.create(
        customer=actors.customer_a, author=actors.sales_a, body=body, created_at=timezone.now()
    )


def _annotation(actors: Any, body: str) -> Any:
    from health.models import HealthSnapshot, ScoreAnnotation

    snapshot = HealthSnapshot.objects.filter(customer=actors.customer_a).first()
    snapshot = snapshot or factories.HealthSnapshotFactory(customer=actors.customer_a)
    return ScoreAnnotation.objects.create(
        customer=actors.customer_a, snapshot=snapshot, author=actors.mgr_a, body=body
    )


def store(field: Field, actors: Any) -> list[str]:
    """Store every payload through the field; the URLs of the pages that show them."""
    texts = payloads() if field.per_record == 1 else chunks(payloads(), field.per_record)
    records = [field.make(actors, text) for text in texts]
    return field.pages(actors, records)


class _Scanner(HTMLParser):
    """Finds what a sanitized page must never contain outside our own static scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        # Our own scripts come from /static/; json_script data blocks are not executable.
        is_data = values.get("type") == "application/json"
        if tag == "script" and not is_data and not (values.get("src") or "").startswith("/static/"):
            self.problems.append(f"<script> {attrs}")
        if tag in {"iframe", "object", "embed", "base", "meta", "link", "style", "frame"}:
            if tag == "meta" and set(values) <= {"charset", "name", "content"}:
                return
            if tag == "link" and (values.get("href") or "").startswith("/static/"):
                return
            self.problems.append(f"<{tag}> {attrs}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}={value!r}")
            if name in {"href", "src", "action", "formaction", "background", "data"} and value:
                scheme = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                if scheme.startswith(("javascript:", "vbscript:", "data:text")):
                    self.problems.append(f"{tag} {name}={value!r}")
            if name == "style":
                self.problems.append(f"{tag} style={value!r}")


def unsafe_markup(html: str) -> list[str]:
    scanner = _Scanner()
    scanner.feed(html)
    return scanner.problems


def guest_writes(actors: Any, text: str) -> Any:
    """Everything a guest of team A's shared space writes, holding `text`."""
    space = space_services.open_space(actors.customer_a, by=actors.sales_a)
    guest = factories.GuestFactory(space=space)
    step = factories.PlanStepFactory(space=space, title=text[:300])
    item = factories.SharedItemFactory(space=space)
    space_services.post_message(space, body=text[:5000], guest=guest, step=step)
    space_answers.suggest(item, guest=guest, kind="correct", title=text[:200], text=text[:5000])
    space_answers.suggest(None, guest=guest, kind="new_goal", title=text[:200], text=text[:5000])
    return space_services.post_message(space, body=text[:5000], guest=guest)
