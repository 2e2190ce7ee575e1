"""Writes of the integrations app: starting, checking, running and undoing imports."""

from functools import partial

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import ImportRefused
from integrations import csvfile, presets, tasks, undo
from integrations.models import ImportRun, ImportSource


def _enqueue(task: object, run_id: int) -> None:
    transaction.on_commit(partial(task.delay, run_id))  # type: ignore[attr-defined]


@transaction.atomic
def start_import(
    user: User,
    *,
    upload: UploadedFile,
    preset_key: str,
    encoding: str = "auto",
    kind: str = "",
    source_name: str = "",
) -> ImportRun:
    """Keep the uploaded file and check it (a dry run), or ask for its columns to be mapped."""
    if upload.size and upload.size > settings.IMPORT_MAX_BYTES:
        raise ImportRefused(
            _("The file is larger than %(mb)d MB.") % {"mb": settings.IMPORT_MAX_BYTES // 2**20}
        )
    header = csvfile.read_header(upload, encoding)
    upload.seek(0)
    run = ImportRun(user=user, preset=preset_key, encoding=encoding, file_name=upload.name[:200])
    if preset_key == presets.GENERIC:
        source, _created = ImportSource.objects.get_or_create(
            user=user, name=source_name, kind=kind
        )
        run.kind, run.source, run.system = kind, source, f"generic:{source_name}"[:120]
        if source.mapping and set(source.mapping.values()) <= set(header):
            run.mapping = source.mapping
        else:
            run.status = ImportRun.Status.NEEDS_MAPPING
    else:
        preset = presets.PRESETS[preset_key]
        mapping, missing = presets.mapping_for(preset, header)
        if missing:
            names = ", ".join(" / ".join(preset.columns[f]) for f in missing)
            raise ImportRefused(
                _("This is not a %(label)s file: it has no column %(names)s.")
                % {"label": preset.label, "names": names}
            )
        run.kind, run.system, run.mapping = preset.kind, preset.system, mapping
    run.file.save(upload.name[-100:], upload, save=False)
    run.save()
    if run.status == ImportRun.Status.CHECKING:
        _enqueue(tasks.check_import_task, run.pk)
    return run


def file_header(run: ImportRun) -> list[str]:
    with run.file.open("rb") as raw:
        return csvfile.read_header(raw, run.encoding)


@transaction.atomic
def save_mapping(run: ImportRun, *, mapping: dict[str, str]) -> ImportRun:
    """Remember the source's mapping and check the file with it."""
    if run.source is not None:
        run.source.mapping = mapping
        run.source.save(update_fields=["mapping", "updated_at"])
    run.mapping = mapping
    run.status = ImportRun.Status.CHECKING
    run.save(update_fields=["mapping", "status"])
    _enqueue(tasks.check_import_task, run.pk)
    return run


@transaction.atomic
def confirm_import(run: ImportRun) -> bool:
    """Queue the import of a checked file without errors; False when it is not ready."""
    ready = ImportRun.objects.filter(
        pk=run.pk, status=ImportRun.Status.CHECKED, error_count=0
    ).update(status=ImportRun.Status.IMPORTING)
    if ready:
        _enqueue(tasks.apply_import_task, run.pk)
    return bool(ready)


@transaction.atomic
def recheck_import(run: ImportRun) -> bool:
    """Check a checked or failed file again (the accounts may have changed meanwhile)."""
    again = ImportRun.objects.filter(
        pk=run.pk, status__in=[ImportRun.Status.CHECKED, ImportRun.Status.FAILED]
    ).update(status=ImportRun.Status.CHECKING, failure="")
    if again:
        _enqueue(tasks.check_import_task, run.pk)
    return bool(again)


def undo_import(run: ImportRun, *, by: User) -> None:
    """Undo the whole import (ImportRefused says why not)."""
    undo.undo_import(run, by=by)
