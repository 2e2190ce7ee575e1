"""PDF documents from the same templates as the pages, through WeasyPrint.

The fonts are the system's DejaVu (installed by .ci/run and deploy/README.md); templates give
the account name, the date and page numbers in the page margins (`templates/pdf_base.html`),
in black on white so a black-and-white printout reads the same.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString


def render_pdf(template: str, context: dict, *, request: HttpRequest | None = None) -> bytes:
    """The PDF of `template` rendered with `context`."""
    # Imported here: WeasyPrint loads Pango when imported, which only PDF requests need.
    from weasyprint import HTML

    html = render_to_string(template, context, request=request)
    return HTML(string=html, base_url=None).write_pdf()


def pdf_download(
    template: str, context: dict, *, filename: str, request: HttpRequest | None = None
) -> HttpResponse:
    """A PDF download of `template`."""
    response = HttpResponse(
        render_pdf(template, context, request=request), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def plan_pdf_parts(customer: Any, *, request: HttpRequest | None = None) -> list[SafeString]:
    """The account plan PDF's parts from apps above insights (settings.PLAN_PDF_PARTS, by
    name, as the change feed's consumers are), each rendered from its template."""
    parts = []
    for name in settings.PLAN_PDF_PARTS:
        part: Callable[[Any], tuple[str, dict]] = import_string(name)
        template, context = part(customer)
        parts.append(render_to_string(template, context, request=request))
    return parts
