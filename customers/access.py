"""The only way views, the API and tasks load a protected customer record."""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.visibility import AccountAccess, access_from_annotations, annotate_access
from customers.models import Customer


def get_customer_for_user(user: User, pk: object) -> Customer:
    """Load a customer the user may see, with `.access` set; 404 for anyone else."""
    queryset = annotate_access(Customer.objects.visible_to(user).select_related("lead"), user)
    customer = get_object_or_404(queryset, pk=pk)
    customer.access = access_from_annotations(customer, user)  # type: ignore[attr-defined]
    return customer


def get_access(user: User, customer_id: int) -> AccountAccess:
    """What `user` may do on the customer; AccountAccess(None) when they may not see it."""
    queryset = annotate_access(Customer.objects.visible_to(user), user).filter(pk=customer_id)
    customer = queryset.only("pk").first()
    return access_from_annotations(customer, user) if customer else AccountAccess(None)


def get_record_for_user[M: models.Model](user: User, model: type[M], pk: object) -> M:
    """Load a record that belongs to a customer the user may see; 404 otherwise."""
    queryset = model._default_manager.visible_to(user).select_related("customer")  # type: ignore[attr-defined]
    return get_object_or_404(queryset, pk=pk)


def require(allowed: bool) -> None:
    """Refuse a write the user's role does not allow (the user can see the account: 403)."""
    if not allowed:
        raise PermissionDenied("Your role on this account does not allow this change.")
