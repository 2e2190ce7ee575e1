from django.db import models
from django.utils import timezone


class IdempotencyKey(models.Model):
    """One API POST per caller and `Idempotency-Key`: a repeat is answered with the stored
    response instead of running again (a double-submitted meeting creates one row)."""

    # Who sent it (a hash of the credentials or the user id): keys of two callers never meet.
    scope = models.CharField(max_length=80)
    key = models.UUIDField()
    # What was sent: the same key with another request is refused, not replayed.
    fingerprint = models.CharField(max_length=64)
    path = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Empty while the first request still runs.
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=200, blank=True)
    location = models.CharField(max_length=500, blank=True)
    body = models.BinaryField(blank=True, default=b"")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="unique_idempotency_key"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status_code or 'running'})"
