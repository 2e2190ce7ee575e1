"""Audit events for changes of account teams (ASVS 16.2): every membership added, changed or
removed, by whoever made the change in the current request."""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import AccountMembership
from core.audit import Action, current_request, record


@receiver(post_save, sender=AccountMembership, dispatch_uid="accord_audit_member_saved")
def _on_member_saved(
    sender: Any, instance: AccountMembership, created: bool, **kwargs: Any
) -> None:
    request = current_request()
    record(
        Action.MEMBER_ADDED,
        request=request,
        user=getattr(request, "user", None),
        customer_id=instance.customer_id,
        object_type="accounts.accountmembership",
        object_id=instance.pk,
        detail=f"{'added' if created else 'changed'} user {instance.user_id} as {instance.role}",
    )


@receiver(post_delete, sender=AccountMembership, dispatch_uid="accord_audit_member_deleted")
def _on_member_deleted(sender: Any, instance: AccountMembership, **kwargs: Any) -> None:
    request = current_request()
    record(
        Action.MEMBER_REMOVED,
        request=request,
        user=getattr(request, "user", None),
        customer_id=instance.customer_id,
        object_type="accounts.accountmembership",
        object_id=instance.pk,
        detail=f"removed user {instance.user_id} ({instance.role})",
    )
