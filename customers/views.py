from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from customers.access import get_customer_for_user


@login_required
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_customer_for_user(request.user, pk)
    members = customer.memberships.select_related("user").order_by("role", "user__username")
    return render(
        request, "customers/customer_detail.html", {"customer": customer, "members": members}
    )
