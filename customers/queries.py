"""Reads of customers used by several views and the API."""

from django.db.models import QuerySet

from accounts.models import User
from accounts.visibility import annotate_access
from customers.models import Customer


def customers_for_user(user: User) -> QuerySet[Customer]:
    """The customers `user` may see, with their lead and the user's own role annotated."""
    return annotate_access(Customer.objects.visible_to(user).select_related("lead"), user)
