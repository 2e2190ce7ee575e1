"""Loaders of the integrations app's own records."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from integrations.models import ImportRun, WebhookDelivery, WebhookEndpoint


def get_import_for_user(user: User, pk: object) -> ImportRun:
    """One of the user's own imports; anyone else's is a 404. The accounts an import touched
    are checked again when it runs and when it is undone."""
    return get_object_or_404(ImportRun.objects.select_related("source"), pk=pk, user=user)


def get_endpoint_for_user(user: User, pk: object) -> WebhookEndpoint:
    """One of the user's own webhook endpoints; 404 otherwise."""
    return get_object_or_404(WebhookEndpoint, pk=pk, owner=user)


def get_delivery_for_user(user: User, pk: object) -> WebhookDelivery:
    """A delivery to one of the user's own endpoints; 404 otherwise."""
    return get_object_or_404(
        WebhookDelivery.objects.select_related("endpoint"), pk=pk, endpoint__owner=user
    )


def endpoints_to_reenable(user: User) -> QuerySet[WebhookEndpoint]:
    """The endpoints `user` may switch back on: their own, and every one for an admin."""
    if user.is_admin:
        return WebhookEndpoint.objects.all()
    return WebhookEndpoint.objects.filter(owner=user)


def get_endpoint_to_reenable(user: User, pk: object) -> WebhookEndpoint:
    """An endpoint `user` may switch back on; 404 otherwise."""
    return get_object_or_404(endpoints_to_reenable(user), pk=pk)
