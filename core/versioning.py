"""Optimistic concurrency: every editable record carries `version`; a stale write is refused."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class StaleVersion(Exception):
    """The record changed since the writer read it."""

    def __init__(self, instance: models.Model, current: models.Model | None) -> None:
        self.instance = instance
        self.current = current
        current_version = getattr(current, "version", None)
        super().__init__(
            f"{instance._meta.verbose_name} was changed by someone else "
            f"(now at version {current_version})."
        )


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False, verbose_name=_("version"))

    class Meta:
        abstract = True


def save_versioned(
    instance: models.Model,
    *,
    expected_version: int,
    changes: Mapping[str, Any] | None = None,
    m2m: Mapping[str, Iterable[Any]] | None = None,
) -> models.Model:
    """Apply `changes` to `instance` only if its stored version is still `expected_version`.

    The conditional UPDATE is the check: it both detects a concurrent write and takes the row
    lock, so the following save() (which records history) cannot race another writer.
    """
    model = type(instance)
    with transaction.atomic():
        won = model._base_manager.filter(pk=instance.pk, version=expected_version).update(
            version=F("version") + 1
        )
        if not won:
            raise StaleVersion(instance, model._base_manager.filter(pk=instance.pk).first())
        for name, value in (changes or {}).items():
            setattr(instance, name, value)
        instance.version = expected_version + 1
        instance.save()
        for name, values in (m2m or {}).items():
            getattr(instance, name).set(values)
    return instance
