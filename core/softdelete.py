"""Soft delete: a deleted record keeps its row (and its links) and can be restored."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LiveManager(models.Manager):
    """The default manager of a soft-deletable model: deleted rows do not exist for lists,
    counts, forms, related managers and prefetches. `_base_manager` (and `all_objects`) still
    reach them, for the trash and for restoring."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class SoftDeletable(models.Model):
    """A versioned record that goes to its account's trash instead of being deleted.

    `deleted_at` and `deleted_by` are excluded from the history tables (list them in
    `excluded_fields`); the history row written by a delete or a restore says what happened
    in its change reason. The integrity app lists, restores and purges what is in the trash;
    the apps delete.
    """

    deleted_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("deleted at")
    )
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("deleted by"),
    )

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def soft_delete(self, *, by: models.Model | None) -> bool:
        """Move the record to the trash; False when it was already there (a repeated delete)."""
        moved = (
            type(self)
            ._base_manager.filter(pk=self.pk, deleted_at__isnull=True)
            .update(deleted_at=timezone.now(), deleted_by=by, version=F("version") + 1)
        )
        if moved:
            self._write_history(by=by, reason="Deleted")
        return bool(moved)

    def restore(self, *, by: models.Model | None, deleted_since: dt.datetime) -> bool:
        """Take the record out of the trash if it went there after `deleted_since`; False when
        it was not (or no longer) there."""
        restored = (
            type(self)
            ._base_manager.filter(pk=self.pk, deleted_at__gte=deleted_since)
            .update(deleted_at=None, deleted_by=None, version=F("version") + 1)
        )
        if restored:
            self._write_history(by=by, reason="Restored from the trash")
        return bool(restored)

    def _write_history(self, *, by: models.Model | None, reason: str) -> None:
        # deleted_at is not in the history tables; a save of the new version, with its reason
        # and author, records the delete or the restore there.
        self.refresh_from_db()
        self._history_user = by  # type: ignore[attr-defined]
        self._change_reason = reason  # type: ignore[attr-defined]
        self.save(update_fields=["version"])
