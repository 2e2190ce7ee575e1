"""The only way views, the API and tasks load a protected customer or account record.

Loaders return the object with the user's `AccountAccess` on its account, read in the same
query; anyone who may not see the account gets a 404, exactly as for a missing id.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS

from accounts.models import User
from accounts.visibility import NO_ACCESS, AccountAccess, access_from_annotations, annotate_access
from customers.models import Customer


def get_customer_for_user(user: User, pk: object) -> tuple[Customer, AccountAccess]:
    """A customer the user may see and their access to it; 404 for anyone else."""
    queryset = annotate_access(Customer.objects.visible_to(user).select_related("lead"), user)
    customer = get_object_or_404(queryset, pk=pk)
    return customer, access_from_annotations(customer, user)


def get_access(user: User, customer_id: int) -> AccountAccess:
    """What `user` may do on the customer; NO_ACCESS when they may not see it."""
    queryset = annotate_access(Customer.objects.visible_to(user), user).filter(pk=customer_id)
    customer = queryset.only("pk").first()
    return access_from_annotations(customer, user) if customer else NO_ACCESS


def get_record_for_user[M: models.Model](
    user: User, model: type[M], pk: object, *, customer_field: str = "customer"
) -> tuple[M, AccountAccess]:
    """A record under a customer the user may see, with their access to that customer (one
    query); 404 otherwise."""
    queryset = annotate_access(
        model._default_manager.visible_to(user).select_related(customer_field),  # type: ignore[attr-defined]
        user,
        customer_field,
    )
    record = get_object_or_404(queryset, pk=pk)
    return record, access_from_annotations(record, user)


class WriteChecks:
    """For DRF viewsets: an unsafe request on one object asks `may_write` of the writer's
    access now, before the body is validated (a read-only role gets 403, not a 400)."""

    def may_write(self, access: AccountAccess, obj: Any) -> bool:
        return access.can_contribute

    def get_object(self) -> Any:
        obj = super().get_object()  # type: ignore[misc]
        request = self.request  # type: ignore[attr-defined]
        if request.method not in SAFE_METHODS:
            require(self.may_write(get_access(request.user, obj.customer_id), obj))
        return obj


def require(allowed: bool) -> None:
    """Refuse a write the user's role does not allow (the user can see the account: 403)."""
    if not allowed:
        raise PermissionDenied(_("Your role on this account does not allow this change."))
