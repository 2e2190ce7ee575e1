"""Loaders of inbound email: a sender's own, or a logged one on an account the user sees."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from customers.models import Customer
from mailin.models import InboundAttachment, InboundEmail


def readable_emails(user: User) -> QuerySet[InboundEmail]:
    """The user's own emails, and emails logged on accounts the user sees."""
    logged = Q(status=InboundEmail.Status.LOGGED, customer__in=Customer.objects.visible_to(user))
    return InboundEmail.objects.filter(Q(sender=user) | logged)


def get_email_for_user(user: User, pk: object) -> InboundEmail:
    """An email the user may read; 404 otherwise."""
    queryset = readable_emails(user).select_related("sender", "customer", "meeting")
    return get_object_or_404(queryset, pk=pk)


def get_inbox_email_for_user(user: User, pk: object) -> InboundEmail:
    """One of the user's own emails still waiting in their inbox; 404 otherwise."""
    return get_object_or_404(InboundEmail, pk=pk, sender=user, status=InboundEmail.Status.UNMATCHED)


def get_attachment_for_user(user: User, pk: object) -> InboundAttachment:
    """A kept attachment of an email the user may read; 404 otherwise."""
    return get_object_or_404(
        InboundAttachment, pk=pk, is_kept=True, email__in=readable_emails(user)
    )
