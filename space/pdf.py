"""The mutual action plan as a PDF (the guest can download it too)."""

from django.http import HttpResponse
from django.utils import timezone

from core.pdf import pdf_download
from space import queries
from space.models import SharedSpace


def pdf_response(space: SharedSpace, *, filename: str) -> HttpResponse:
    """The plan's steps with owners, dates and status, and the milestones they belong to.
    The same fields as the guest page: nothing internal."""
    page = queries.guest_page(space, guest=None)
    context = {
        "customer": space.customer,
        "page": page,
        "today": timezone.localdate(),
        "pdf_heading": space.customer.name,
        "pdf_date": timezone.localdate(),
    }
    return pdf_download("space/plan_pdf.html", context, filename=filename)
