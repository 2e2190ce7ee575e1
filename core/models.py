from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """An authentication or access event: who, when (UTC), from where, on what, and what happened.

    Changes to account records are in django-simple-history's tables; this table holds what those
    cannot see: sign-ins, failures, lockouts, sign-outs, MFA changes, membership changes,
    refused object access, and what customer guests do in an account's shared space (a guest
    is no user: `username` holds their name and "(guest)").
    """

    class Action(models.TextChoices):
        LOGIN = "login", _("Signed in")
        LOGIN_FAILED = "login_failed", _("Sign-in failed")
        LOCKED_OUT = "locked_out", _("Locked out")
        LOGOUT = "logout", _("Signed out")
        TOKEN_ISSUED = "token_issued", _("API token issued")
        TOKEN_REVOKED = "token_revoked", _("API token revoked")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET_REQUESTED = "password_reset_requested", _("Password reset requested")
        PASSWORD_RESET = "password_reset", _("Password reset")
        MFA_ENROLLED = "mfa_enrolled", _("Two-factor enrolled")
        MFA_VERIFIED = "mfa_verified", _("Two-factor verified")
        MFA_FAILED = "mfa_failed", _("Two-factor code refused")
        MFA_DISABLED = "mfa_disabled", _("Two-factor disabled")
        ACCESS_DENIED = "access_denied", _("Access refused")
        MEMBER_ADDED = "member_added", _("Account member added or changed")
        MEMBER_REMOVED = "member_removed", _("Account member removed")
        GUEST_INVITED = "guest_invited", _("Guest invited to the shared space")
        GUEST_REVOKED = "guest_revoked", _("Guest access revoked")
        GUEST_ACTION = "guest_action", _("Action by a customer guest")

    created_at = models.DateTimeField(
        auto_now_add=True, db_index=True, verbose_name=_("created at")
    )
    action = models.CharField(max_length=30, choices=Action, verbose_name=_("action"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    # The name typed at a failed sign-in may not match any user; kept escaped, max 150 chars.
    username = models.CharField(max_length=150, blank=True, verbose_name=_("username"))
    ip_address = models.GenericIPAddressField(null=True, blank=True, verbose_name=_("ip address"))
    request_id = models.CharField(max_length=32, blank=True, verbose_name=_("request id"))
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("customer"),
    )
    object_type = models.CharField(max_length=100, blank=True, verbose_name=_("object type"))
    object_id = models.CharField(max_length=64, blank=True, verbose_name=_("object id"))
    detail = models.CharField(max_length=300, blank=True, verbose_name=_("detail"))

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-created_at"]),
            models.Index(fields=["actor", "-created_at"]),
            models.Index(fields=["action", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.action} {self.username}"
