"""Account tallies: per viewer, how many visible accounts share a lead, industry and health band.

The managers' dashboard, the customer list and the API read their band counts, value at stake,
filter choices and page counts from these rows, so a page costs what it shows, not the number
of accounts its reader sees. They are kept current by the writes that change them, in the same
transaction: a customer created or edited, its team changed, its health band or value at stake
stored (`retally_customer`), and a team's members or manager changed (`retally_viewers`).
A group is always recomputed from the accounts themselves, never adjusted by a delta, so a
refresh also repairs it; `rebuild_tallies` recomputes everything (after a bulk load).
Many writes in a row (an import, demo data) go in `deferred()`: each group they touch is then
recomputed once, at the end, instead of once per write.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.signals import post_delete, post_save, pre_save

from accounts.models import AccountMembership, Team, TeamMember, User
from accounts.visibility import (
    VISIBLE_TO_THEIR_MANAGERS,
    scope_to_visible,
    visible_customers_q,
    walk_visible,
)
from customers.models import AccountTally, Customer

# viewer_id of the tally of every account (what admins see).
EVERY_ACCOUNT = 0
VALUE_KINDS = ("open_value", "weighted_value", "installed_value")
# From this share of all accounts on, a page walks an index testing visibility row by row.
WALK_SHARE = 0.05


def viewer_id(user: User) -> int:
    """The tally a user reads: their own, or every account's for an admin."""
    return EVERY_ACCOUNT if user.is_admin else user.pk


def tally_count(user: User, *, lead_id: int | None = None) -> int:
    """How many accounts the user sees (of one lead), from their tallies (one query)."""
    if not user.is_authenticated or not user.is_active:
        return 0
    rows = AccountTally.objects.filter(viewer_id=viewer_id(user))
    if lead_id is not None:
        rows = rows.filter(lead_id=lead_id)
    return rows.aggregate(n=Sum("accounts"))["n"] or 0


def shares(user: User) -> tuple[int, int]:
    """(accounts the user sees, accounts in all), from the tallies (one query)."""
    viewer = viewer_id(user)
    totals = AccountTally.objects.filter(viewer_id__in={viewer, EVERY_ACCOUNT}).aggregate(
        mine=Sum("accounts", filter=Q(viewer_id=viewer)),
        every=Sum("accounts", filter=Q(viewer_id=EVERY_ACCOUNT)),
    )
    if not user.is_authenticated or not user.is_active:
        return 0, totals["every"] or 0
    return totals["mine"] or 0, totals["every"] or 0


def visible_in_order(
    user: User, *, visible: int, total: int, queryset: QuerySet | None = None
) -> QuerySet:
    """The customers `user` sees (or the rows of `queryset` whose primary key is a customer's,
    such as a one-to-one row of the account's), for a page read in an indexed order: tested
    row by row as the index is walked when they see at least WALK_SHARE of the accounts (a
    page then reads at most page size / WALK_SHARE rows), otherwise read from their few
    memberships."""
    rows = Customer.objects.all() if queryset is None else queryset
    if user.is_authenticated and user.is_active and user.is_admin:
        return rows
    if total and visible >= WALK_SHARE * total:
        return walk_visible(rows, user)
    return scope_to_visible(rows, user)


def viewers_of(customer_id: int) -> set[int]:
    """The non-admin users who see the account by the visibility rule (one query), and the
    tally of every account."""
    rows = AccountMembership.objects.filter(customer_id=customer_id).values_list(
        "user_id", "role", "user__team_memberships__team__manager_id"
    )
    viewers = {EVERY_ACCOUNT}
    for user_id, role, manager_id in rows:
        viewers.add(user_id)
        if role in VISIBLE_TO_THEIR_MANAGERS and manager_id is not None:
            viewers.add(manager_id)
    return viewers


# pg_advisory_xact_lock's first key: this module's locks, one per viewer.
_LOCK_SPACE = 7_240_001


def _lock(viewer: int) -> None:
    """Serialise recomputes of one viewer's tally until the transaction ends: two jobs
    replacing the same groups at once would both insert them. Callers lock in viewer order."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_SPACE, viewer])


# Inside deferred(): viewer -> the leads whose groups wait to be recomputed (None: all).
_pending: ContextVar[dict[int, set[int] | None] | None] = ContextVar("tallies", default=None)


@contextmanager
def deferred() -> Iterator[None]:
    """One transaction in which the recomputes the writes ask for are collected and run once
    per viewer when the block ends (in viewer order, as `_lock` wants), from the accounts as
    they are then. Groups are recomputed, never adjusted, so the result is what recomputing
    after every write gives. Nested blocks join the outermost; an error discards the lot,
    with the writes."""
    if _pending.get() is not None:
        yield
        return
    pending: dict[int, set[int] | None] = {}
    token = _pending.set(pending)
    try:
        with transaction.atomic():
            yield
            _pending.set(None)
            for viewer in sorted(pending):
                _recompute(viewer, pending[viewer])
    finally:
        _pending.reset(token)


def _recompute(viewer: int, lead_ids: set[int] | None) -> None:
    """Replace the viewer's groups of those leads (None: all) with counts from the accounts."""
    pending = _pending.get()
    if pending is not None:
        waiting = pending.get(viewer, set())
        pending[viewer] = None if lead_ids is None or waiting is None else waiting | lead_ids
        return
    _lock(viewer)
    rows = AccountTally.objects.filter(viewer_id=viewer)
    customers = Customer.objects.all()
    if viewer != EVERY_ACCOUNT:
        user = User.objects.filter(pk=viewer).first()
        if user is None or user.is_admin:
            rows.delete()
            return
        condition = visible_customers_q(user)
        customers = customers if condition is None else customers.filter(condition)
    if lead_ids is not None:
        rows = rows.filter(lead_id__in=lead_ids)
        customers = customers.filter(lead_id__in=lead_ids)
    rows.delete()
    groups = (
        customers.order_by()
        .values("lead_id", "industry", "health_band")
        .annotate(n=Count("pk"), **{kind: Sum(f"scorecard__{kind}") for kind in VALUE_KINDS})
    )
    AccountTally.objects.bulk_create(
        AccountTally(
            viewer_id=viewer,
            lead_id=group["lead_id"],
            industry=group["industry"],
            band=group["health_band"],
            accounts=group["n"],
            **{kind: group[kind] or 0 for kind in VALUE_KINDS},
        )
        for group in groups
    )


def viewers_of_many(customer_ids: list[int]) -> tuple[set[int], set[int]]:
    """The viewers (as `viewers_of`) and the leads of several accounts, before they go."""
    viewers = {EVERY_ACCOUNT}
    for customer_id in customer_ids:
        viewers |= viewers_of(customer_id)
    leads = set(Customer.objects.filter(pk__in=customer_ids).values_list("lead_id", flat=True))
    return viewers, leads


@transaction.atomic
def retally(viewers: Iterable[int], leads: Iterable[int]) -> None:
    """Recompute these viewers' groups of these leads."""
    lead_ids = set(leads)
    if lead_ids:
        for viewer in sorted(set(viewers)):
            _recompute(viewer, lead_ids)


@transaction.atomic
def retally_customer(
    customer_id: int, *, viewers_before: Iterable[int] = (), leads_before: Iterable[int] = ()
) -> None:
    """After a change to one account: recompute its lead's groups for everyone who sees it,
    and those who saw it before the change (`viewers_before`, from `viewers_of`) under the
    lead it had (`leads_before`)."""
    lead_id = Customer.objects.filter(pk=customer_id).values_list("lead_id", flat=True).first()
    leads = set(leads_before) | ({lead_id} if lead_id is not None else set())
    if not leads:
        return
    for viewer in sorted(viewers_of(customer_id) | set(viewers_before)):
        _recompute(viewer, leads)


@transaction.atomic
def retally_viewers(user_ids: Iterable[int]) -> None:
    """Recompute every group of these users (their team changed, so what they see did)."""
    for viewer in sorted(set(user_ids)):
        _recompute(viewer, None)


def managers_of_member(user_id: int) -> set[int]:
    """The managers of the user's teams: whose visibility follows the user's memberships."""
    return set(
        TeamMember.objects.filter(user_id=user_id, team__manager__isnull=False).values_list(
            "team__manager_id", flat=True
        )
    )


@transaction.atomic
def rebuild_tallies() -> int:
    """Recompute every tally: every account's, and every non-admin user's who sees one."""
    AccountTally.objects.all().delete()
    _recompute(EVERY_ACCOUNT, None)
    members = set(AccountMembership.objects.values_list("user_id", flat=True).distinct())
    managers = set(
        TeamMember.objects.filter(
            Q(team__manager__isnull=False),
            user_id__in=AccountMembership.objects.filter(role__in=VISIBLE_TO_THEIR_MANAGERS).values(
                "user_id"
            ),
        ).values_list("team__manager_id", flat=True)
    )
    viewers = sorted(members | managers)
    for viewer in viewers:
        _recompute(viewer, None)
    return len(viewers) + 1


# Teams are edited in Django's admin (accounts sits below customers and cannot call this
# module): their signals keep the managers' tallies current.


def _team_member_changed(sender: type, instance: TeamMember, **kwargs: object) -> None:
    manager_id = Team.objects.filter(pk=instance.team_id).values_list("manager_id", flat=True)
    retally_viewers(manager_id)


def _team_saving(sender: type, instance: Team, **kwargs: object) -> None:
    before = Team.objects.filter(pk=instance.pk).values_list("manager_id", flat=True).first()
    instance._manager_before = before  # type: ignore[attr-defined]


def _team_saved(sender: type, instance: Team, **kwargs: object) -> None:
    before = getattr(instance, "_manager_before", None)
    if before != instance.manager_id:
        retally_viewers({instance.manager_id} | ({before} if before else set()))


def _user_saving(sender: type, instance: User, **kwargs: object) -> None:
    before = User.objects.filter(pk=instance.pk).values_list("role", flat=True).first()
    instance._role_before = before  # type: ignore[attr-defined]


def _user_saved(sender: type, instance: User, created: bool, **kwargs: object) -> None:
    """A user made admin reads every account's tally; one who stops being admin reads their
    own again, which nothing kept current meanwhile: recompute it."""
    before = getattr(instance, "_role_before", None)
    if not created and before is not None and before != instance.role:
        retally_viewers({instance.pk})


def fill_after_migrate(sender: object, using: str = "default", **kwargs: object) -> None:
    """After `migrate` (every app's migrations applied, so the models match the tables): an
    existing database that has accounts but no tallies yet (an upgrade) gets them built. A
    migration cannot do it: it would run this module's code against older tables."""
    if not AccountTally.objects.using(using).exists() and Customer.objects.using(using).exists():
        rebuild_tallies()


def connect_team_signals() -> None:
    """Called once from the app's ready()."""
    pre_save.connect(_user_saving, sender=User, dispatch_uid="tally-user-saving")
    post_save.connect(_user_saved, sender=User, dispatch_uid="tally-user-saved")
    post_save.connect(_team_member_changed, sender=TeamMember, dispatch_uid="tally-team-member")
    post_delete.connect(
        _team_member_changed, sender=TeamMember, dispatch_uid="tally-team-member-gone"
    )
    pre_save.connect(_team_saving, sender=Team, dispatch_uid="tally-team-saving")
    post_save.connect(_team_saved, sender=Team, dispatch_uid="tally-team-saved")
