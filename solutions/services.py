"""Writes on proposals, contributions, comments and mentions, with their rules and side effects."""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.mentions import split_mentions
from accounts.models import Area, Notification, User
from accounts.services import notify
from accounts.visibility import account_specialists, users_who_can_see
from core.errors import IllegalTransition
from core.versioning import save_versioned
from customers.changes import record_account_change
from customers.models import Customer, Option, Problem
from solutions.models import (
    Comment,
    Contribution,
    Mention,
    Partner,
    Proposal,
    ProposalFollow,
    ProposalTransition,
)
from solutions.workflow import CONTRIBUTION_TRANSITIONS, TRANSITIONS

C = Contribution.Status


class ConcurrentChange(Exception):
    """Someone else changed the record's status between our read and our write."""


# Proposals


@transaction.atomic
def create_proposal(
    customer: Customer,
    *,
    by: User,
    title: str,
    owner: User,
    summary: str = "",
    problems: Iterable[Problem] = (),
    options: Iterable[Option] = (),
    value: Decimal | None = None,
    currency: str = "EUR",
) -> Proposal:
    """Create a draft proposal on the customer's account."""
    proposal = Proposal(
        customer=customer,
        title=title,
        summary=summary,
        owner=owner,
        value=value,
        currency=currency,
        created_by=by,
        status_changed_at=timezone.now(),
    )
    proposal._history_user = by  # type: ignore[attr-defined]
    proposal.save()
    proposal.problems.set(problems)
    proposal.options.set(options)
    record_account_change(customer.pk)
    return proposal


@transaction.atomic
def update_proposal(
    proposal: Proposal,
    *,
    by: User,
    expected_version: int,
    changes: dict[str, Any],
    problems: Iterable[Problem] | None = None,
    options: Iterable[Option] | None = None,
) -> Proposal:
    """Change a proposal's fields if nobody changed it since `expected_version` was read."""
    m2m: dict[str, Iterable[Any]] = {}
    if problems is not None:
        m2m["problems"] = problems
    if options is not None:
        m2m["options"] = options
    proposal._history_user = by  # type: ignore[attr-defined]
    save_versioned(proposal, expected_version=expected_version, changes=changes, m2m=m2m)
    record_account_change(proposal.customer_id)
    return proposal


@transaction.atomic
def transition_proposal(
    proposal: Proposal, *, to_status: str, by: User, note: str = ""
) -> Proposal:
    """Move a proposal along the workflow; two concurrent moves cannot both win."""
    current = Proposal.objects.filter(pk=proposal.pk).values_list("status", flat=True).first()
    from_status = current or proposal.status
    if to_status not in TRANSITIONS.get(from_status, frozenset()):
        raise IllegalTransition(from_status, to_status, TRANSITIONS.get(from_status, ()))
    now = timezone.now()
    won = Proposal.objects.filter(pk=proposal.pk, status=from_status).update(
        status=to_status, status_changed_at=now, updated_at=now, version=F("version") + 1
    )
    if not won:
        raise ConcurrentChange("The proposal's status was changed by someone else meanwhile.")
    proposal.refresh_from_db()
    # The row is locked by our UPDATE; saving again records the move in the history table.
    proposal._history_user = by  # type: ignore[attr-defined]
    proposal._change_reason = f"{from_status} -> {to_status}"  # type: ignore[attr-defined]
    proposal.save(update_fields=["status", "status_changed_at", "updated_at", "version"])
    ProposalTransition.objects.create(
        proposal=proposal, from_status=from_status, to_status=to_status, by=by, note=note[:500]
    )
    record_account_change(proposal.customer_id)
    return proposal


# Contributions


def specialists_for(customer: Customer) -> list[User]:
    """Users on the account team as specialists, who can be asked for a contribution."""
    specialists = account_specialists(customer.pk).select_related("area")
    return list(specialists.order_by("area__name", "username"))


@transaction.atomic
def request_contribution(
    proposal: Proposal,
    *,
    by: User,
    specialist: User | None = None,
    partner: Partner | None = None,
    area: Area | None = None,
    request: str = "",
) -> Contribution:
    """Ask a specialist on the account (or a partner) for their part of a proposal."""
    if (specialist is None) == (partner is None):
        raise ValueError("Ask either a specialist or a partner.")
    if specialist is not None:
        if not account_specialists(proposal.customer_id).filter(pk=specialist.pk).exists():
            raise ValueError("Only a specialist on this account's team can be asked.")
        area = area or specialist.area
    contribution = Contribution(
        proposal=proposal,
        specialist=specialist,
        partner=partner,
        area=area,
        request=request,
        requested_by=by,
    )
    contribution._history_user = by  # type: ignore[attr-defined]
    contribution.save()
    if specialist is not None:
        notify(
            [specialist],
            kind=Notification.Kind.CONTRIBUTION_REQUEST,
            message=lambda: (
                _("%(person)s asks for your contribution to “%(proposal)s” (%(customer)s).")
                % {
                    "person": by.display_name,
                    "proposal": proposal.title,
                    "customer": proposal.customer.name,
                }
            ),
            url=reverse("solutions:contribution", args=[contribution.pk]),
            customer_id=proposal.customer_id,
        )
    record_account_change(proposal.customer_id)
    return contribution


def _move_contribution(
    contribution: Contribution, *, to_status: str, by: User, **changes: Any
) -> Contribution:
    from_status = (
        Contribution.objects.filter(pk=contribution.pk).values_list("status", flat=True).first()
    ) or contribution.status
    allowed = CONTRIBUTION_TRANSITIONS[from_status]
    if to_status not in allowed:
        raise IllegalTransition(from_status, to_status, allowed)
    now = timezone.now()
    won = Contribution.objects.filter(pk=contribution.pk, status=from_status).update(
        status=to_status,
        answered_at=Coalesce(F("answered_at"), now),
        updated_at=now,
        version=F("version") + 1,
        **changes,
    )
    if not won:
        raise ConcurrentChange("The contribution was changed by someone else meanwhile.")
    contribution.refresh_from_db()
    contribution._history_user = by  # type: ignore[attr-defined]
    contribution.save(
        update_fields=["status", "answered_at", "updated_at", "version", *changes.keys()]
    )
    record_account_change(contribution.proposal.customer_id)
    return contribution


@transaction.atomic
def accept_contribution(contribution: Contribution, *, by: User) -> Contribution:
    """The specialist takes the request on: it is now in progress; the requester and the
    account's lead are told."""
    contribution = _move_contribution(contribution, to_status=C.IN_PROGRESS, by=by)
    _tell_requester(contribution, by=by, verb="accepted")
    return contribution


@transaction.atomic
def decline_contribution(contribution: Contribution, *, by: User, reason: str) -> Contribution:
    """Decline a request, saying why; the requester is told."""
    reason = reason.strip()
    if not reason:
        raise ValueError("Say why you decline.")
    contribution = _move_contribution(
        contribution, to_status=C.DECLINED, by=by, decline_reason=reason[:500]
    )
    _tell_requester(contribution, by=by, verb="declined")
    return contribution


@transaction.atomic
def complete_contribution(contribution: Contribution, *, by: User) -> Contribution:
    """Mark a written contribution done; the requester is told."""
    if not contribution.description.strip():
        raise ValueError("Describe what the contribution adds before marking it done.")
    contribution = _move_contribution(contribution, to_status=C.DONE, by=by)
    _tell_requester(contribution, by=by, verb="completed")
    return contribution


@transaction.atomic
def reopen_contribution(contribution: Contribution, *, by: User) -> Contribution:
    """Take a done contribution back into progress to revise it."""
    return _move_contribution(contribution, to_status=C.IN_PROGRESS, by=by)


@transaction.atomic
def write_contribution(
    contribution: Contribution,
    *,
    by: User,
    expected_version: int,
    description: str,
    effort_days: Decimal | None,
    cost_estimate: Decimal | None,
) -> Contribution:
    """Save what the contribution adds, its effort and its cost estimate."""
    if contribution.status not in (C.IN_PROGRESS, C.DONE):
        raise ValueError("Accept the request before writing the contribution.")
    contribution._history_user = by  # type: ignore[attr-defined]
    save_versioned(
        contribution,
        expected_version=expected_version,
        changes={
            "description": description,
            "effort_days": effort_days,
            "cost_estimate": cost_estimate,
        },
    )
    record_account_change(contribution.proposal.customer_id)
    return contribution


# What the requester reads, whole sentences for the translators (gettext'ed per reader).
ANSWER_SENTENCES = {
    "accepted": gettext_noop("%(person)s accepted the contribution requested on “%(proposal)s”."),
    "declined": gettext_noop("%(person)s declined the contribution requested on “%(proposal)s”."),
    "completed": gettext_noop("%(person)s completed the contribution requested on “%(proposal)s”."),
}


def _tell_requester(contribution: Contribution, *, by: User, verb: str) -> None:
    """Tell the requester and the account's lead (not whoever answered) that a contribution
    was accepted, declined or completed, if they can still see the account."""
    proposal = contribution.proposal
    wanted = {contribution.requested_by_id, proposal.customer.lead_id} - {None, by.pk}
    if not wanted:
        return
    sentence = ANSWER_SENTENCES[verb]
    notify(
        users_who_can_see(proposal.customer_id).filter(pk__in=wanted),
        kind=Notification.Kind.CONTRIBUTION_ANSWER,
        message=lambda: _(sentence) % {"person": by.display_name, "proposal": proposal.title},
        url=reverse("solutions:contribution", args=[contribution.pk]),
        customer_id=proposal.customer_id,
    )


# Comments and mentions


def _comment_url(comment: Comment) -> str:
    if comment.contribution_id:
        base = reverse("solutions:contribution", args=[comment.contribution_id])
    else:
        base = reverse("solutions:proposal", args=[comment.proposal_id])
    return f"{base}#comment-{comment.pk}"


def _notify_mentions(comment: Comment, *, author: User) -> list[User]:
    """Record and notify mentions of users who can see the account and were not yet mentioned.

    Anyone else is not notified, so a comment reveals nothing about who exists; the author is
    told before posting (and after, by the page) which names matched nobody on the account.
    """
    mentioned, _unknown = split_mentions(comment.customer_id, comment.body)
    if not mentioned:
        return []
    already = set(Mention.objects.filter(comment=comment).values_list("user_id", flat=True))
    reached = [u for u in mentioned if u.pk not in already and u.pk != author.pk]
    if not reached:
        return []
    Mention.objects.bulk_create(
        [Mention(comment=comment, user=user) for user in reached], ignore_conflicts=True
    )
    notify(
        reached,
        kind=Notification.Kind.MENTION,
        message=lambda: (
            _("%(person)s mentioned you on “%(proposal)s”.")
            % {"person": author.display_name, "proposal": comment.proposal.title}
        ),
        url=_comment_url(comment),
        customer_id=comment.customer_id,
    )
    return reached


def comment_followers(proposal: Proposal) -> set[int]:
    """Ids of who hears about new comments on the proposal: its owner, everyone who commented
    on it and whoever chose to follow it, less whoever unfollowed it; only while they can
    still see the account."""
    chosen = dict(
        ProposalFollow.objects.filter(proposal=proposal).values_list("user_id", "is_following")
    )
    took_part = set(
        Comment.objects.filter(proposal=proposal, deleted_at__isnull=True).values_list(
            "author_id", flat=True
        )
    )
    if proposal.owner_id:
        took_part.add(proposal.owner_id)
    wanted = {pk for pk in took_part if chosen.get(pk, True)}
    wanted |= {pk for pk, following in chosen.items() if following}
    if not wanted:
        return set()
    readers = users_who_can_see(proposal.customer_id).filter(pk__in=wanted)
    return set(readers.values_list("pk", flat=True))


def is_following(proposal: Proposal, user: User) -> bool:
    """Whether the user hears about new comments on the proposal (see comment_followers)."""
    choice = (
        ProposalFollow.objects.filter(proposal=proposal, user=user)
        .values_list("is_following", flat=True)
        .first()
    )
    if choice is not None:
        return choice
    return proposal.owner_id == user.pk or (
        Comment.objects.filter(proposal=proposal, author=user, deleted_at__isnull=True).exists()
    )


def follow_proposal(proposal: Proposal, *, user: User, following: bool) -> None:
    """Follow or unfollow the comments on a proposal."""
    ProposalFollow.objects.update_or_create(
        proposal=proposal, user=user, defaults={"is_following": following}
    )


def _notify_followers(comment: Comment, *, author: User, mentioned: list[User]) -> None:
    skip = {author.pk, *(user.pk for user in mentioned)}
    followers = comment_followers(comment.proposal) - skip
    if not followers:
        return
    notify(
        User.objects.filter(pk__in=followers),
        kind=Notification.Kind.COMMENT,
        message=lambda: (
            _("%(person)s commented on “%(proposal)s”.")
            % {"person": author.display_name, "proposal": comment.proposal.title}
        ),
        url=_comment_url(comment),
        customer_id=comment.customer_id,
    )


@transaction.atomic
def post_comment(
    proposal: Proposal,
    *,
    author: User,
    body: str,
    contribution: Contribution | None = None,
    parent: Comment | None = None,
) -> Comment:
    """Comment on a proposal or one of its contributions; a reply to a reply joins its thread."""
    if contribution is not None and contribution.proposal_id != proposal.pk:
        raise ValueError("That contribution belongs to another proposal.")
    if parent is not None:
        if parent.proposal_id != proposal.pk or parent.contribution_id != (
            contribution.pk if contribution else None
        ):
            raise ValueError("You can only reply within the same thread.")
        # One level of replies: answering a reply answers the comment it replies to.
        if parent.parent_id is not None:
            parent = parent.parent
    comment = Comment(
        customer_id=proposal.customer_id,
        proposal=proposal,
        contribution=contribution,
        parent=parent,
        author=author,
        body=body,
    )
    comment._history_user = author  # type: ignore[attr-defined]
    comment.save()
    mentioned = _notify_mentions(comment, author=author)
    _notify_followers(comment, author=author, mentioned=mentioned)
    record_account_change(proposal.customer_id)
    return comment


@transaction.atomic
def edit_comment(comment: Comment, *, by: User, body: str, expected_version: int) -> Comment:
    """Change a comment's text (marked edited); only newly mentioned users are notified."""
    if comment.author_id != by.pk:
        raise PermissionError("Only the author can edit a comment.")
    if comment.deleted_at is not None:
        raise ValueError("A deleted comment cannot be edited.")
    comment._history_user = by  # type: ignore[attr-defined]
    save_versioned(
        comment,
        expected_version=expected_version,
        changes={"body": body, "edited_at": timezone.now()},
    )
    _notify_mentions(comment, author=by)
    record_account_change(comment.customer_id)
    return comment


@transaction.atomic
def delete_proposal(proposal: Proposal, *, by: User) -> None:
    """Move a proposal to the account's trash (restorable for 30 days by the lead or a manager)."""
    if proposal.soft_delete(by=by):
        record_account_change(proposal.customer_id)


@transaction.atomic
def delete_contribution(contribution: Contribution, *, by: User) -> None:
    """Move a contribution (and its discussion) to the account's trash, restorable for 30 days
    by the lead or a manager."""
    if contribution.soft_delete(by=by):
        record_account_change(contribution.proposal.customer_id)


@transaction.atomic
def delete_comment(comment: Comment, *, by: User) -> Comment:
    """Delete a comment: it keeps its place in the thread, shown as deleted, and its text stays
    hidden in the account's trash for 30 days, so the lead or a manager can restore it."""
    if comment.author_id != by.pk:
        raise PermissionError("Only the author can delete a comment.")
    if comment.soft_delete(by=by):
        record_account_change(comment.customer_id)
    comment.refresh_from_db()
    return comment
