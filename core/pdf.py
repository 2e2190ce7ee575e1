"""PDF documents from the same templates as the pages, through WeasyPrint.

The fonts are the system's DejaVu (installed by .ci/run and deploy/README.md); templates give
the account name, the date and page numbers in the page margins (`templates/pdf_base.html`),
in black on white so a black-and-white printout reads the same.
"""

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


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
