from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from accounts.models import Area
from accounts.visibility import AccountAccess
from core.conflicts import form_status, rebase
from core.errors import IllegalTransition
from core.pdf import pdf_download, plan_pdf_parts
from core.versioning import StaleVersion
from customers.access import get_customer_for_user, require
from customers.models import Customer
from insights import plans, queries, summaries
from insights.diffs import UNCHANGED, diff_sections
from insights.document import change_texts, reader_html, reader_markdown
from insights.forms import (
    DiffForm,
    ExportForm,
    PlanCommentForm,
    PlanSectionForm,
    ReviewPlanForm,
    SubmitPlanForm,
)
from insights.models import AccountSummary, PlanSection, SummaryBuildState
from insights.views_plan import plan_context

VERSIONS_PER_PAGE = 50


def _live_context(customer: Customer, access: AccountAccess) -> dict:
    state = queries.build_state(customer)
    busy = state is not None and state.status in {
        SummaryBuildState.Status.QUEUED,
        SummaryBuildState.Status.RUNNING,
    }
    failed = state is not None and state.status == SummaryBuildState.Status.FAILED
    just_rebuilt = bool(
        state
        and state.status == SummaryBuildState.Status.SUCCEEDED
        and state.requested_at
        and state.finished_at
        and state.finished_at >= state.requested_at
    )
    latest = queries.latest_summary(customer)
    return {
        "just_rebuilt": just_rebuilt,
        # The rebuild asked for found nothing new: the latest version predates the request.
        "up_to_date": just_rebuilt and latest is not None and latest.built_at < state.requested_at,
        "customer": customer,
        "access": access,
        "summary": latest,
        "summary_html": reader_html(latest) if latest else "",
        "state": state,
        "busy": busy,
        "failed": failed,
        "will_retry": failed and state.attempts < summaries.MAX_ATTEMPTS,
        "show_error": access.can_see_build_errors,
        "can_rebuild": access.can_refresh,
    }


@login_required
@require_safe
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    """The latest account summary, with its build status."""
    customer, access = get_customer_for_user(request.user, pk)
    return render(request, "insights/summary.html", _live_context(customer, access))


@login_required
@require_safe
def summary_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The summary's live region, polled by htmx while a rebuild is queued or running."""
    customer, access = get_customer_for_user(request.user, pk)
    return render(request, "insights/summary.html#live", _live_context(customer, access))


@login_required
@require_POST
def rebuild_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a rebuild now; the page then polls its progress."""
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_refresh)
    queued = summaries.request_rebuild(customer, by=request.user)
    context = _live_context(customer, access)
    context["queue_unavailable"] = not queued and not context["busy"]
    if request.htmx:
        return render(request, "insights/summary.html#live", context)
    if context["queue_unavailable"]:
        messages.warning(request, UNAVAILABLE_MESSAGE)
    else:
        messages.success(request, _("Rebuild queued."))
    return redirect("insights:summary", pk=customer.pk)


UNAVAILABLE_MESSAGE = (
    "The job queue is unavailable right now. The account is marked for a rebuild, which will "
    "run automatically within a few minutes; you can also try again later."
)


@login_required
@require_safe
def summary_history(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    page = Paginator(queries.summary_versions(customer), VERSIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    numbers = [s.number for s in page]
    for version in page:
        version.change_lines = change_texts(version.changes)  # in the reader's language
    return render(
        request,
        "insights/history.html",
        {
            "customer": customer,
            "access": access,
            "page": page,
            "diff_form": DiffForm(
                initial={
                    "a": numbers[-1] if numbers else None,
                    "b": numbers[0] if numbers else None,
                },
                customer_id=customer.pk,
            ),
        },
    )


@login_required
@require_safe
def summary_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    versions = AccountSummary.objects.defer("content", "changes", "markdown")
    version = get_object_or_404(versions, customer=customer, number=number)
    context = {"customer": customer, "access": access, "version": version}
    return render(request, "insights/version.html", {**context, "html": reader_html(version)})


@login_required
@require_safe
def summary_diff(request: HttpRequest, pk: int) -> HttpResponse:
    """Two versions compared section by section, additions and removals rendered."""
    customer, access = get_customer_for_user(request.user, pk)
    form = DiffForm(request.GET, customer_id=customer.pk)
    sections = []
    if form.is_valid():
        a, b = form.cleaned_data["a_summary"], form.cleaned_data["b_summary"]
        sections = diff_sections(reader_markdown(a), reader_markdown(b))
    context = {"customer": customer, "access": access, "form": form, "sections": sections}
    context["changed"] = [s for s in sections if s.status != UNCHANGED]
    return render(request, "insights/diff.html", context, status=200 if form.is_valid() else 400)


@login_required
@require_safe
def export_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """Download the summary (latest, or ?version=N) as a Markdown file."""
    customer, _access = get_customer_for_user(request.user, pk)
    form = ExportForm(request.GET)
    if not form.is_valid():
        return HttpResponse("Bad version number.", status=400, content_type="text/plain")
    versions = AccountSummary.objects.filter(customer=customer).order_by("-number")
    if number := form.cleaned_data["version"]:
        versions = versions.filter(number=number)
    version = versions.first()
    if version is None:
        raise Http404("No summary yet.")
    filename = f"{slugify(customer.name) or 'account'}-summary-v{version.number}.md"
    response = HttpResponse(reader_markdown(version), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- The account plan --------------------------------------------------------------------------


@login_required
@require_safe
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The account plan: its sections, review state and comments."""
    customer, access = get_customer_for_user(request.user, pk)
    return render(request, "insights/plan.html", plan_context(customer, access))


def _stored_section(current: PlanSection | None) -> list[tuple[str, str]]:
    """What the section holds now, shown beside the text that lost the race."""
    return [
        ("Stored text", getattr(current, "body", "")),
        ("Saved by", getattr(getattr(current, "updated_by", None), "display_name", "")),
    ]


def _section_form(request: HttpRequest, section: PlanSection | None) -> PlanSectionForm:
    """The posted text, or the stored one (an unwritten section starts empty at version 0)."""
    initial = {"body": getattr(section, "body", ""), "version": getattr(section, "version", 0)}
    return PlanSectionForm(request.POST if request.method == "POST" else None, initial=initial)


@login_required
def edit_section(request: HttpRequest, pk: int, area_id: int | None = None) -> HttpResponse:
    """Write the strategy section (the lead) or an area's section (its specialists)."""
    customer, access = get_customer_for_user(request.user, pk)
    area = get_object_or_404(Area, pk=area_id) if area_id is not None else None
    require(access.can_write_plan_section(area.pk if area else None))
    kind = PlanSection.Kind.AREA if area else PlanSection.Kind.STRATEGY
    section = PlanSection.objects.filter(customer=customer, kind=kind, area=area).first()
    form = _section_form(request, section)
    conflict = None
    if form.is_bound and form.is_valid():
        try:
            plans.save_plan_section(
                customer,
                area=area,
                body=form.cleaned_data["body"],
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except StaleVersion as exc:
            conflict = _stored_section(exc.current)
            rebase(form, getattr(exc.current, "version", 0))
        else:
            messages.success(request, _("Section saved."))
            return redirect("insights:plan", pk=customer.pk)
    return render(
        request,
        "insights/section_form.html",
        {
            "customer": customer,
            "access": access,
            "area": area,
            "title": "Strategy" if area is None else f"{area.name} section",
            "section": section,
            "form": form,
            "conflict": conflict,
            "revisions": queries.section_revisions(section),
        },
        status=form_status(request, conflict=conflict),
    )


@login_required
@require_POST
def submit_plan(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_submit_plan)
    form = SubmitPlanForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "insights/plan.html",
            plan_context(customer, access, submit_form=form),
            status=400,
        )
    try:
        plans.submit_plan(customer, by=request.user, comment=form.cleaned_data["comment"])
    except IllegalTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Plan submitted for review."))
    return redirect("insights:plan", pk=customer.pk)


@login_required
@require_POST
def review_plan(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_review_plan)
    form = ReviewPlanForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "insights/plan.html",
            plan_context(customer, access, review_form=form),
            status=400,
        )
    approve = form.cleaned_data["decision"] == "approve"
    try:
        plans.review_plan(
            customer, by=request.user, approve=approve, comment=form.cleaned_data["comment"]
        )
    except IllegalTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Plan approved.") if approve else "Changes requested.")
    return redirect("insights:plan", pk=customer.pk)


@login_required
@require_POST
def add_plan_comment(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_contribute)
    form = PlanCommentForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "insights/plan.html",
            plan_context(customer, access, comment_form=form),
            status=400,
        )
    plans.add_plan_comment(customer, by=request.user, body=form.cleaned_data["body"])
    messages.success(request, _("Comment added."))
    return redirect("insights:plan", pk=customer.pk)


@login_required
@require_safe
def plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The account plan and the latest summary as one PDF (internal: for the account team)."""
    customer, access = get_customer_for_user(request.user, pk)
    today = timezone.localdate()
    summary = queries.latest_summary(customer)
    context = {
        **plan_context(customer, access),
        "summary": summary,
        "summary_html": reader_html(summary) if summary else "",
        "parts": plan_pdf_parts(customer, request=request),
        "pdf_heading": customer.name,
        "pdf_date": today,
        "today": today,
    }
    filename = f"{slugify(customer.name) or 'account'}-plan-{today:%Y-%m-%d}.pdf"
    return pdf_download("insights/plan_pdf.html", context, filename=filename, request=request)
