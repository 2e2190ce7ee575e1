from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.csv import csv_response
from core.errors import ImportRefused
from integrations import imports, services, undo
from integrations.access import get_import_for_user
from integrations.forms import ImportUploadForm, MappingForm
from integrations.models import ImportRun

SHOWN_ERRORS = 100


@login_required
def imports_page(request: HttpRequest) -> HttpResponse:
    """Upload a CRM export; the list of the user's imports."""
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = services.start_import(
                request.user,
                upload=data["file"],
                preset_key=data["preset"],
                encoding=data["encoding"],
                kind=data["kind"],
                source_name=data["source_name"],
            )
        except ImportRefused as exc:
            form.add_error("file", str(exc))
        else:
            if run.status == ImportRun.Status.NEEDS_MAPPING:
                return redirect("integrations:map-columns", run.pk)
            return redirect("integrations:import", run.pk)
    runs = ImportRun.objects.filter(user=request.user)[:50]
    return render(
        request,
        "integrations/imports.html",
        {"form": form, "runs": runs},
        status=400 if form.errors else 200,
    )


@login_required
@require_safe
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The dry run's preview, the import's progress and its outcome (htmx polls the live part)."""
    run = get_import_for_user(request.user, pk)
    context = {
        "run": run,
        "row_errors": list(run.row_errors.all()[:SHOWN_ERRORS]),
        "updates": list(run.updates.all()[:SHOWN_ERRORS]),
        "rows_done": cache.get(imports.progress_key(run.pk), 0) if run.is_busy else run.total_rows,
        "undo_blocker": undo.undo_blockers(run, by=request.user)
        if run.status == ImportRun.Status.DONE
        else "",
        "undo_days": undo.UNDO_DAYS,
    }
    template = "integrations/import.html#live" if request.htmx else "integrations/import.html"
    return render(request, template, context)


@login_required
def map_columns(request: HttpRequest, pk: int) -> HttpResponse:
    """Map a generic file's columns to our fields; the mapping is remembered for its source."""
    run = get_import_for_user(request.user, pk)
    if (
        run.status
        not in {ImportRun.Status.NEEDS_MAPPING, ImportRun.Status.CHECKED, ImportRun.Status.FAILED}
        or not run.source_id
    ):
        return redirect("integrations:import", run.pk)
    try:
        header = services.file_header(run)
    except ImportRefused as exc:
        messages.error(request, str(exc))
        return redirect("integrations:imports")
    form = MappingForm(
        request.POST or None,
        kind=run.kind,
        header=header,
        initial_mapping=run.mapping or (run.source.mapping if run.source else {}),
    )
    if request.method == "POST" and form.is_valid():
        services.save_mapping(run, mapping=form.mapping())
        return redirect("integrations:import", run.pk)
    return render(
        request,
        "integrations/map.html",
        {"run": run, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def run_import(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_import_for_user(request.user, pk)
    if not services.confirm_import(run):
        messages.error(request, _("Only a checked file without errors can be imported."))
    return redirect("integrations:import", run.pk)


@login_required
@require_POST
def check_again(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_import_for_user(request.user, pk)
    services.recheck_import(run)
    return redirect("integrations:import", run.pk)


@login_required
@require_POST
def undo_import(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_import_for_user(request.user, pk)
    try:
        services.undo_import(run, by=request.user)
    except ImportRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The import is undone."))
    return redirect("integrations:import", run.pk)


@login_required
@require_safe
def error_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Every row error of the file's last check, as CSV."""
    run = get_import_for_user(request.user, pk)
    response, writer = csv_response(f"import-{run.pk}-errors.csv")
    writer.writerow([_("Line"), _("Column"), _("Reason")])
    for line, column, reason in run.row_errors.values_list("line", "column", "reason").iterator():
        writer.writerow([line, column, reason])
    return response
