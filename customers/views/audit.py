"""The account's audit trail (core/queries.py reads it; the account decides who may see it)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.queries import audit_trail
from customers.access import get_customer_for_user, require


@login_required
@require_GET
def audit(request: HttpRequest, pk: int) -> HttpResponse:
    """The account's audit trail: who changed what and when, sign-ins aside (leads, managers)."""
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_edit_core)
    return render(
        request,
        "customers/audit.html",
        {"customer": customer, "access": access, "entries": audit_trail(customer.pk)},
    )
