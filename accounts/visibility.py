"""The visibility rule and the access vocabulary, written once.

Who sees an account. A user sees a customer, and everything under it, when they are on its
account team (lead, specialist or viewer), or manage a team of its lead, or manage a team of
one of its specialists, or are an admin. A viewer extends visibility to nobody: managing a
viewer's team shows nothing.

What they may do there. An account belongs to its lead's team. The lead, the managers of the
lead's team and admins change the customer's core record and its team (the last lead cannot be
removed: a lead is only ever replaced). Specialists write meetings, records, comments,
contributions and their area's plan section. Managers of a specialist's team ("observers")
read, as viewers do. Every write asks `AccountAccess` at the time of the write, so a role
lowered a second ago no longer writes.

Everything else answers 404 (see `customers.access`), in pages and in the API alike.
"""

from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Exists,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextChoices,
)
from django.utils.translation import gettext_lazy as _

from accounts.models import AccountMembership, Notification, Team, TeamMember, User

# Membership roles whose holders extend visibility to the managers of their teams.
VISIBLE_TO_THEIR_MANAGERS = (AccountMembership.Role.LEAD, AccountMembership.Role.SPECIALIST)


class AccessRole(TextChoices):
    """A user's standing on one account, strongest first."""

    ADMIN = "admin", _("Admin")
    LEAD = "lead", _("Lead")
    MANAGER = "manager", _("Manager")
    SPECIALIST = "specialist", _("Specialist")
    OBSERVER = "observer", _("Manager of a specialist")
    VIEWER = "viewer", _("Viewer")


_CORE = frozenset({AccessRole.ADMIN, AccessRole.LEAD, AccessRole.MANAGER})
_WRITERS = _CORE | {AccessRole.SPECIALIST}
_REVIEWERS = frozenset({AccessRole.ADMIN, AccessRole.MANAGER})


@dataclass(frozen=True)
class AccountAccess:
    """What one user may do on one customer's account: every "may I" question, answered here.

    Views, the API and services ask these questions; none of them compares role strings.
    """

    role: AccessRole | None
    user_id: int | None = None
    area_id: int | None = None

    @property
    def can_view(self) -> bool:
        return self.role is not None

    @property
    def role_label(self) -> str:
        return self.role.label if self.role else ""

    @property
    def is_lead(self) -> bool:
        return self.role == AccessRole.LEAD

    @property
    def is_admin(self) -> bool:
        return self.role == AccessRole.ADMIN

    @property
    def can_edit_core(self) -> bool:
        """Change the customer's core record, import its stakeholders, read its audit trail."""
        return self.role in _CORE

    @property
    def can_manage_members(self) -> bool:
        """Add, remove and change the roles of the account team, the lead included."""
        return self.role in _CORE

    @property
    def can_contribute(self) -> bool:
        """Write meetings, records, action items, proposals, comments and contributions."""
        return self.role in _WRITERS

    @property
    def can_annotate_score(self) -> bool:
        """Comment on a day's health score."""
        return self.role in _REVIEWERS

    @property
    def can_refresh(self) -> bool:
        """Ask for a summary rebuild or a health recompute now."""
        return self.role in _CORE

    @property
    def can_review_plan(self) -> bool:
        """Approve the account plan or request changes to it."""
        return self.role in _REVIEWERS

    @property
    def can_submit_plan(self) -> bool:
        return self.role in {AccessRole.LEAD, AccessRole.ADMIN}

    @property
    def can_follow_account_calendar(self) -> bool:
        """Subscribe to the account's calendar feed (all its meetings and due dates)."""
        return self.role in _CORE

    @property
    def can_manage_trash(self) -> bool:
        """List and restore the account's deleted records."""
        return self.role in _CORE

    @property
    def can_share_with_customer(self) -> bool:
        """Curate the account's shared space: what is shared, the plan, who is invited."""
        return self.role in _CORE

    @property
    def can_see_build_errors(self) -> bool:
        return self.role == AccessRole.ADMIN

    def can_write_plan_section(self, area_id: int | None) -> bool:
        """The lead writes the strategy (area None); a specialist writes their own area's."""
        if self.role == AccessRole.ADMIN:
            return True
        if area_id is None:
            return self.role == AccessRole.LEAD
        return self.role == AccessRole.SPECIALIST and self.area_id == area_id

    def can_review_plan_section(self, area_id: int | None) -> bool:
        """Approve a submitted section: managers and admins any, the lead an area's section."""
        if self.role in _REVIEWERS:
            return True
        return area_id is not None and self.role == AccessRole.LEAD

    def can_change_authored(self, author_id: int | None) -> bool:
        """Edit or delete a record: its author while they may still write, or the lead,
        the lead's managers and admins."""
        if self.role in _CORE:
            return True
        return self.can_contribute and author_id is not None and author_id == self.user_id

    def can_edit_own(self, author_id: int | None) -> bool:
        """Edit words only their author may change (a comment)."""
        return self.can_contribute and author_id is not None and author_id == self.user_id

    def can_manage_proposal(self, owner_id: int | None) -> bool:
        """Edit, move and staff a proposal: its owner, the lead, managers and admins."""
        return self.can_change_authored(owner_id)

    def can_delete_contribution(
        self, requested_by_id: int | None, proposal_owner_id: int | None
    ) -> bool:
        """Delete a contribution: whoever asked for it (while they may still write), the
        proposal's owner, the lead, managers and admins."""
        return self.can_change_authored(requested_by_id) or self.can_manage_proposal(
            proposal_owner_id
        )

    def can_answer_contribution(
        self, specialist_id: int | None, proposal_owner_id: int | None
    ) -> bool:
        """Accept, decline and write a requested contribution: the specialist asked (while
        they may still write); a partner's answer is recorded by whoever manages the proposal."""
        if specialist_id is not None:
            return self.can_contribute and specialist_id == self.user_id
        return self.can_manage_proposal(proposal_owner_id)


NO_ACCESS = AccountAccess(None)


def can_create_customers(user: User) -> bool:
    """Salespeople, managers and admins create (and import) customers; they lead what they make."""
    return user.is_active and (
        user.role in {User.Role.SALESPERSON, User.Role.MANAGER} or user.is_admin
    )


def can_manage_partners(user: User) -> bool:
    """Partner companies are a shared catalogue: salespeople, managers and admins keep it."""
    return user.is_active and (
        user.role in {User.Role.SALESPERSON, User.Role.MANAGER} or user.is_admin
    )


def can_manage_webhooks(user: User) -> bool:
    """Subscribe URLs to account events: admins (every account), managers (their accounts)."""
    return user.is_active and (user.role == User.Role.MANAGER or user.is_admin)


def assignable_leads(user: User) -> QuerySet[User]:
    """Whom `user` may make the lead of a customer they create or import: themselves; a
    manager also the members of the teams they manage; an admin any active user."""
    users = User.objects.filter(is_active=True)
    if not can_create_customers(user):
        return users.none()
    if user.is_admin:
        return users
    return users.filter(Q(pk=user.pk) | Q(pk__in=_managed_users(user)))


def _managed_users(user: User) -> QuerySet:
    return TeamMember.objects.filter(team__manager=user).values("user_id")


def visible_customers_q(user: User, customer_ref: str = "pk") -> Q | None:
    """The filter for customers `user` may see; None means all (admins).

    One EXISTS over the account's memberships: the user's own, or a lead's or specialist's in
    a team the user manages (an uncorrelated subquery). Written as correlated EXISTS with the
    team joins inside, PostgreSQL spent more time planning each query than running it.
    """
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_admin:
        return None
    memberships = AccountMembership.objects.filter(customer=OuterRef(customer_ref)).filter(
        Q(user=user) | Q(role__in=VISIBLE_TO_THEIR_MANAGERS, user_id__in=_managed_users(user))
    )
    return Q(Exists(memberships))


def visible_customer_ids(user: User) -> list[int] | None:
    """The ids of the customers `user` may see, as a list; None means all (admins).

    The same rule as `visible_customers_q`, read from the memberships alone (two index scans,
    no pass over the customers), for statements that take the visible customers as one array
    parameter instead of planning the rule again for each of their parts.
    """
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_admin:
        return None
    own = AccountMembership.objects.filter(user=user).values_list("customer_id")
    managed = AccountMembership.objects.filter(
        role__in=VISIBLE_TO_THEIR_MANAGERS, user_id__in=_managed_users(user)
    ).values_list("customer_id")
    return sorted(customer_id for (customer_id,) in own.union(managed))


def id_array_literal(ids: list[int]) -> str:
    """`visible_customer_ids` as one PostgreSQL array literal ('{1,2,3}', cast in SQL with
    ::bigint[]): psycopg2 writes a Python list as ARRAY[...] one quoted number at a time, which
    cost more than the statements that take a manager's thousand accounts."""
    return "{" + ",".join(map(str, ids)) + "}"


class _RowByRow(Func):
    """A visibility test PostgreSQL keeps as a filter on each row read, not a semi-join: a
    query ordered by an index and limited to a page then stops after the page's rows."""

    template = "(%(expressions)s) IS TRUE"
    output_field = BooleanField()
    conditional = True


def walk_visible(queryset: QuerySet, user: User) -> QuerySet:
    """Customers `user` may see, tested row by row as an index walk reads them.

    For a user who sees a large share of the accounts, a page ordered by an indexed column
    reads about (page size / share) rows; a semi-join would read every visible account first.
    For a user who sees few, `scope_to_visible` (the planner's semi-join) reads fewer rows.
    """
    condition = visible_customers_q(user)
    if condition is None:
        return queryset
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    (exists,) = condition.children
    return queryset.filter(_RowByRow(exists))


def scope_to_visible(queryset: QuerySet, user: User, customer_field: str = "") -> QuerySet:
    """Filter any queryset to the rows under customers `user` may see.

    `customer_field` is the path from the queryset's model to its customer, e.g. "customer" or
    "proposal__customer"; empty for the Customer model itself.
    """
    ref = f"{customer_field}__pk" if customer_field else "pk"
    condition = visible_customers_q(user, ref)
    return queryset if condition is None else queryset.filter(condition)


def colleagues_visible_to(user: User) -> QuerySet[User]:
    """Internal users `user` may find by name: their own teams (members and managers), the
    teams they manage, and the account teams of the customers they see. Admins find everyone."""
    if not user.is_authenticated or not user.is_active:
        return User.objects.none()
    active = User.objects.filter(is_active=True)
    if user.is_admin:
        return active
    my_teams = TeamMember.objects.filter(user=user).values("team_id")
    on_visible_accounts = AccountMembership.objects.filter(
        visible_customers_q(user, "customer_id")
    ).values("user_id")
    return active.filter(
        Q(pk=user.pk)
        | Q(pk__in=TeamMember.objects.filter(team_id__in=my_teams).values("user_id"))
        | Q(pk__in=Team.objects.filter(pk__in=my_teams).values("manager_id"))
        | Q(pk__in=_managed_users(user))
        | Q(pk__in=on_visible_accounts)
    )


def annotate_access(queryset: QuerySet, user: User, customer_field: str = "") -> QuerySet:
    """Annotate rows with what `access_from_annotations` needs: the user's own membership role
    on their customer, and the strongest role of a member of a team the user manages.

    `customer_field` is the path to the customer, as in `scope_to_visible` (empty: customers).
    """
    if not user.is_authenticated:
        return queryset.none()
    ref = f"{customer_field}__pk" if customer_field else "pk"
    mine = AccountMembership.objects.filter(customer=OuterRef(ref), user=user)
    # "lead" sorts before "specialist": the first row is the strongest.
    managed = AccountMembership.objects.filter(
        customer=OuterRef(ref),
        role__in=VISIBLE_TO_THEIR_MANAGERS,
        user_id__in=_managed_users(user),
    ).order_by("role")
    return queryset.annotate(
        my_role=Subquery(mine.values("role")[:1]),
        managed_role=Subquery(managed.values("role")[:1]),
    )


def access_from_annotations(row: object, user: User) -> AccountAccess:
    """Turn `annotate_access` annotations into an AccountAccess, keeping the strongest role."""
    role = _strongest_role(
        user,
        own=getattr(row, "my_role", None),
        managed=getattr(row, "managed_role", None),
    )
    return AccountAccess(role, user.pk, user.area_id) if role else NO_ACCESS


def _strongest_role(user: User, *, own: str | None, managed: str | None) -> AccessRole | None:
    if not user.is_active:
        return None
    if user.is_admin:
        return AccessRole.ADMIN
    if own == AccountMembership.Role.LEAD:
        return AccessRole.LEAD
    if managed == AccountMembership.Role.LEAD:
        return AccessRole.MANAGER
    if own == AccountMembership.Role.SPECIALIST:
        return AccessRole.SPECIALIST
    if managed == AccountMembership.Role.SPECIALIST:
        return AccessRole.OBSERVER
    if own == AccountMembership.Role.VIEWER:
        return AccessRole.VIEWER
    return None


def account_specialists(customer_id: int) -> QuerySet[User]:
    """Active users on the account team as specialists: who may be asked for a contribution."""
    return User.objects.filter(
        is_active=True,
        account_memberships__customer_id=customer_id,
        account_memberships__role=AccountMembership.Role.SPECIALIST,
    )


def users_who_can_see(customer_id: int) -> QuerySet[User]:
    """Active users who may see the customer, by name: the rule above, read the other way."""
    on_team = AccountMembership.objects.filter(customer_id=customer_id, user=OuterRef("pk"))
    manages_member = AccountMembership.objects.filter(
        customer_id=customer_id,
        role__in=VISIBLE_TO_THEIR_MANAGERS,
        user__team_memberships__team__manager=OuterRef("pk"),
    )
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(Exists(on_team))
            | Q(Exists(manages_member))
            | Q(is_superuser=True)
            | Q(role=User.Role.ADMIN)
        )
        .order_by("first_name", "last_name", "username")
    )


def _roles_seen(observers: bool) -> tuple[str, ...]:
    return VISIBLE_TO_THEIR_MANAGERS if observers else (AccountMembership.Role.LEAD,)


def managers_by_customer(
    customer_ids: list[int], *, observers: bool = False
) -> dict[int, set[int]]:
    """managers_of for many accounts in one query: customer id -> ids of those managers."""
    rows = AccountMembership.objects.filter(
        customer_id__in=customer_ids,
        role__in=_roles_seen(observers),
        user__team_memberships__team__manager__is_active=True,
    ).values_list("customer_id", "user__team_memberships__team__manager_id")
    managers: dict[int, set[int]] = {pk: set() for pk in customer_ids}
    for customer_id, manager_id in rows:
        managers[customer_id].add(manager_id)
    return managers


def managers_of(customer_id: int, *, observers: bool = False) -> QuerySet[User]:
    """Active managers with manager rights on the account (those of its lead's teams), and
    with `observers` also those who read it through a specialist of their team."""
    teams = Team.objects.filter(
        team_members__user__account_memberships__customer_id=customer_id,
        team_members__user__account_memberships__role__in=_roles_seen(observers),
    )
    return User.objects.filter(is_active=True, pk__in=teams.values("manager_id")).order_by("pk")


def readable_notifications(user: User) -> QuerySet[Notification]:
    """The user's notifications about what they may see now: one about an account they left
    is no longer shown (nor counted, nor emailed)."""
    mine = Notification.objects.filter(user=user)
    condition = visible_customers_q(user, "customer__pk")
    if condition is None:
        return mine
    return mine.filter(Q(customer__isnull=True) | condition)
