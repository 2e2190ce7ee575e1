"""The strategy tools' part of the account plan PDF (core.pdf.plan_pdf_parts reads it by name)."""

from django.conf import settings

from customers.models import Customer
from strategy.queries import whitespace_grid


def whitespace_part(customer: Customer) -> tuple[str, dict]:
    """The whitespace grid with its totals, as the plan PDF shows it."""
    context = {
        "customer": customer,
        "grid": whitespace_grid(customer),
        "currency": settings.ORGANISATION_CURRENCY,
    }
    return "strategy/whitespace_pdf.html", context
