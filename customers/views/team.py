"""The account team: who is on it, with which role."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from accounts import mentions
from accounts.models import AccountMembership
from accounts.visibility import AccountAccess
from customers import services
from customers.access import get_customer_for_user, require
from customers.forms import MemberForm, RoleForm
from customers.models import Customer

# Longest `?q=` / `?names=` read: a mention list is short; anything longer is cut, not refused.
MAX_QUERY = 2000


def _team_context(
    customer: Customer, access: AccountAccess, add_form: MemberForm | None = None
) -> dict:
    members = list(customer.memberships.select_related("user").order_by("role", "user__username"))
    return {
        "customer": customer,
        "access": access,
        "members": members,
        "add_form": add_form or MemberForm(),
        "roles": AccountMembership.Role.choices,
    }


@login_required
@require_safe
def team(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    return render(request, "customers/team.html", _team_context(customer, access))


@login_required
@require_POST
def add_member(request: HttpRequest, pk: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_manage_members)
    form = MemberForm(request.POST)
    if form.is_valid():
        user = form.cleaned_data["username"]
        try:
            services.set_membership(customer, user=user, role=form.cleaned_data["role"])
        except ValueError as exc:
            form.add_error("role", str(exc))
        else:
            messages.success(
                request, _("%(name)s is on the account team.") % {"name": user.display_name}
            )
            return redirect("customers:team", customer.pk)
    return render(request, "customers/team.html", _team_context(customer, access, form), status=400)


@login_required
@require_POST
def change_member_role(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_manage_members)
    membership = get_object_or_404(customer.memberships.select_related("user"), user_id=user_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the listed roles."))
    else:
        try:
            services.set_membership(customer, user=membership.user, role=form.cleaned_data["role"])
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("%(name)s's role changed.") % {"name": membership.user.display_name}
            )
    return redirect("customers:team", customer.pk)


@login_required
@require_POST
def remove_member(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    customer, access = get_customer_for_user(request.user, pk)
    require(access.can_manage_members)
    membership = get_object_or_404(customer.memberships.select_related("user"), user_id=user_id)
    try:
        services.remove_membership(customer, user=membership.user)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("%(name)s left the account team.") % {"name": membership.user.display_name}
        )
    return redirect("customers:team", customer.pk)


@login_required
@require_safe
def mentionable(request: HttpRequest, pk: int) -> JsonResponse:
    """Who an @mention on this account can reach: `?q=` what was typed after `@` (first name,
    last name or username, accents folded); `?names=a,b` the names typed so far, of which
    `unknown` lists those that match nobody who can see the account."""
    customer, _access = get_customer_for_user(request.user, pk)
    people = mentions.mentionable(customer.pk)
    query = request.GET.get("q", "")[:MAX_QUERY]
    names = [n for n in request.GET.get("names", "")[:MAX_QUERY].split(",") if n][
        : mentions.MAX_MENTIONS
    ]
    known = {person.username for person in people}
    return JsonResponse(
        {
            "people": [
                {"username": p.username, "name": p.display_name}
                for p in mentions.suggest(people, query)
            ],
            "unknown": [name for name in names if name not in known],
        }
    )
