"""An import run's life: the dry run (`check_run`) and the import (`apply_run`), as the
Celery tasks run them; each ends the run with its outcome (`_finish`)."""

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ImportRefused
from integrations.imports import Importer, _Abort, progress_key
from integrations.models import ImportRowError, ImportRun


def check_run(run_id: int) -> None:
    """The dry run: count what the import would create, update and skip, and every row error."""
    run = (
        ImportRun.objects.select_related("user")
        .filter(pk=run_id, status=ImportRun.Status.CHECKING)
        .first()
    )
    if run is None:
        return
    ImportRowError.objects.filter(run=run).delete()
    importer = Importer(run, apply=False)
    try:
        with run.file.open("rb") as raw:
            outcome = importer.process(raw)
    except ImportRefused as exc:
        _finish(run, status=ImportRun.Status.FAILED, failure=str(exc))
        return
    ImportRowError.objects.bulk_create(
        ImportRowError(run=run, line=line, column=column[:200], reason=reason[:500])
        for line, column, reason in outcome.errors
    )
    run.total_rows = outcome.total
    run.to_create, run.to_update, run.to_skip = outcome.create, outcome.update, outcome.skip
    run.error_count = outcome.error_count
    _finish(run, status=ImportRun.Status.CHECKED)


def apply_run(run_id: int) -> None:
    """The import: every row of the file, in one transaction; any error imports nothing."""
    try:
        with transaction.atomic():
            # The row lock makes a redelivered task wait for (then skip) one still running.
            run = (
                ImportRun.objects.select_for_update()
                .select_related("user")
                .filter(pk=run_id, status=ImportRun.Status.IMPORTING)
                .first()
            )
            if run is None:
                return
            run.created = run.updated = 0
            importer = Importer(run, apply=True)
            with run.file.open("rb") as raw:
                outcome = importer.process(raw)
            run.total_rows = outcome.total
            run.skipped = outcome.skip
            _finish(run, status=ImportRun.Status.DONE)
    except (ImportRefused, _Abort, IntegrityError) as exc:
        run = ImportRun.objects.get(pk=run_id)
        errors = importer.outcome.errors if isinstance(exc, _Abort) else []
        ImportRowError.objects.filter(run=run).delete()
        ImportRowError.objects.bulk_create(
            ImportRowError(run=run, line=line, column=column[:200], reason=reason[:500])
            for line, column, reason in errors
        )
        run.error_count = len(errors)
        run.created = run.updated = 0
        failure = (
            _("The accounts changed since the check; nothing was imported. Check again.")
            if isinstance(exc, IntegrityError | _Abort)
            else str(exc)
        )
        _finish(run, status=ImportRun.Status.FAILED, failure=failure)


def _finish(run: ImportRun, *, status: str, failure: str = "") -> None:
    run.status = status
    run.failure = failure[:500]
    run.finished_at = timezone.now()
    run.save()
    cache.delete(progress_key(run.pk))
