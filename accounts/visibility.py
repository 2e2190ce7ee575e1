"""The visibility rule, written once.

A user sees a customer, and everything under it, when they are a member of its account team
(lead, specialist, viewer), or manage a team that a member belongs to, or are an admin.
Only the lead, the managers and admins change the customer's core record and membership;
specialists write meetings, comments, contributions and their plan sections; viewers read.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from accounts.models import AccountMembership, TeamMember, User


def _managed_users(user: User) -> QuerySet:
    return TeamMember.objects.filter(team__manager=user).values("user_id")


def _member_of(user: User, customer_ref: str) -> QuerySet:
    return AccountMembership.objects.filter(customer=OuterRef(customer_ref), user=user)


def _managed_by(user: User, customer_ref: str) -> QuerySet:
    return AccountMembership.objects.filter(
        customer=OuterRef(customer_ref), user_id__in=_managed_users(user)
    )


def visible_customers_q(user: User, customer_ref: str = "pk") -> Q | None:
    """The filter for customers `user` may see; None means all (admins).

    One EXISTS over the account's memberships: the user's own, or one of a user in a team the
    user manages (an uncorrelated subquery). Written as two correlated EXISTS with the team
    joins inside, PostgreSQL spent more time planning each query than running it.
    """
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_admin:
        return None
    memberships = AccountMembership.objects.filter(customer=OuterRef(customer_ref)).filter(
        Q(user=user) | Q(user_id__in=_managed_users(user))
    )
    return Q(Exists(memberships))


def scope_to_visible(queryset: QuerySet, user: User, customer_field: str = "") -> QuerySet:
    """Filter any queryset to the rows under customers `user` may see.

    `customer_field` is the path from the queryset's model to its customer, e.g. "customer" or
    "proposal__customer"; empty for the Customer model itself.
    """
    ref = f"{customer_field}__pk" if customer_field else "pk"
    condition = visible_customers_q(user, ref)
    return queryset if condition is None else queryset.filter(condition)


@dataclass(frozen=True)
class AccountAccess:
    """What one user may do on one customer's account."""

    role: str | None  # lead, specialist, viewer, manager, admin, or None (outsider)

    @property
    def can_view(self) -> bool:
        return self.role is not None

    @property
    def can_edit_core(self) -> bool:
        return self.role in {"lead", "manager", "admin"}

    @property
    def can_contribute(self) -> bool:
        return self.role in {"lead", "specialist", "manager", "admin"}

    @property
    def is_lead(self) -> bool:
        return self.role == "lead"


def annotate_access(queryset: QuerySet, user: User, customer_field: str = "") -> QuerySet:
    """Annotate rows with the user's membership role on their customer and whether they manage it.

    `customer_field` is the path to the customer, as in `scope_to_visible` (empty: customers).
    """
    if not user.is_authenticated:
        return queryset.none()
    ref = f"{customer_field}__pk" if customer_field else "pk"
    return queryset.annotate(
        my_role=Subquery(_member_of(user, ref).values("role")[:1]),
        i_manage=Exists(_managed_by(user, ref)),
    )


def access_from_annotations(customer: object, user: User) -> AccountAccess:
    """Turn `annotate_access` annotations into an AccountAccess, keeping the strongest role."""
    if user.is_admin:
        return AccountAccess("admin")
    role = getattr(customer, "my_role", None)
    if role == "lead":
        return AccountAccess("lead")
    if getattr(customer, "i_manage", False):
        return AccountAccess("manager")
    return AccountAccess(role or None)
