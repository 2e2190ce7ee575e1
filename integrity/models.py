from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    """One API POST per caller and `Idempotency-Key`: a repeat is answered with the stored
    response instead of running again (a double-submitted meeting creates one row)."""

    # Who sent it (a hash of the credentials or the user id): keys of two callers never meet.
    scope = models.CharField(max_length=80, verbose_name=_("scope"))
    key = models.UUIDField(verbose_name=_("key"))
    # What was sent: the same key with another request is refused, not replayed.
    fingerprint = models.CharField(max_length=64, verbose_name=_("fingerprint"))
    path = models.CharField(max_length=500, verbose_name=_("path"))
    created_at = models.DateTimeField(
        default=timezone.now, db_index=True, verbose_name=_("created at")
    )
    # Empty while the first request still runs.
    status_code = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("status code")
    )
    content_type = models.CharField(max_length=200, blank=True, verbose_name=_("content type"))
    location = models.CharField(max_length=500, blank=True, verbose_name=_("location"))
    body = models.BinaryField(blank=True, default=b"", verbose_name=_("body"))

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="unique_idempotency_key"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status_code or 'running'})"
