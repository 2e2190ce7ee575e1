from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """An authentication or access event: who, when (UTC), from where, on what, and what happened.

    Changes to account records are in django-simple-history's tables; this table holds what those
    cannot see: sign-ins, failures, lockouts, sign-outs, MFA changes, membership changes,
    refused object access, and what customer guests do in an account's shared space (a guest
    is no user: `username` holds their name and "(guest)").
    """

    class Action(models.TextChoices):
        LOGIN = "login", "Signed in"
        LOGIN_FAILED = "login_failed", "Sign-in failed"
        LOCKED_OUT = "locked_out", "Locked out"
        LOGOUT = "logout", "Signed out"
        TOKEN_ISSUED = "token_issued", "API token issued"
        TOKEN_REVOKED = "token_revoked", "API token revoked"
        PASSWORD_CHANGED = "password_changed", "Password changed"
        PASSWORD_RESET_REQUESTED = "password_reset_requested", "Password reset requested"
        PASSWORD_RESET = "password_reset", "Password reset"
        MFA_ENROLLED = "mfa_enrolled", "Two-factor enrolled"
        MFA_VERIFIED = "mfa_verified", "Two-factor verified"
        MFA_FAILED = "mfa_failed", "Two-factor code refused"
        MFA_DISABLED = "mfa_disabled", "Two-factor disabled"
        ACCESS_DENIED = "access_denied", "Access refused"
        MEMBER_ADDED = "member_added", "Account member added or changed"
        MEMBER_REMOVED = "member_removed", "Account member removed"
        GUEST_INVITED = "guest_invited", "Guest invited to the shared space"
        GUEST_REVOKED = "guest_revoked", "Guest access revoked"
        GUEST_ACTION = "guest_action", "Action by a customer guest"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=30, choices=Action)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The name typed at a failed sign-in may not match any user; kept escaped, max 150 chars.
    username = models.CharField(max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=32, blank=True)
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-created_at"]),
            models.Index(fields=["actor", "-created_at"]),
            models.Index(fields=["action", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.action} {self.username}"
