"""Loading the shared space: for users through the visibility rule, for guests through their
session, which names one space and nothing else.

Users get `(object, access)` as everywhere (404 for an account they may not see). Guests are
not users: `guest_required` reads the guest cookie (sent only to /shared/), and every object a
guest names is looked up inside their own space, so another space's id is a 404.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from accounts.models import User
from accounts.visibility import AccountAccess
from customers.access import get_customer_for_user, get_record_for_user
from customers.models import Customer
from space import guests
from space.models import Guest, SharedSpace


def get_space_for_user(
    user: User, customer_pk: object
) -> tuple[Customer, AccountAccess, SharedSpace | None]:
    """The customer, the user's access and its shared space (None before the lead opens it)."""
    customer, access = get_customer_for_user(user, customer_pk)
    space = SharedSpace.objects.filter(customer=customer).first()
    return customer, access, space


def get_space_record_for_user[M: models.Model](
    user: User, model: type[M], pk: object
) -> tuple[M, AccountAccess]:
    """A record of a shared space under an account the user may see; 404 otherwise."""
    return get_record_for_user(user, model, pk, customer_field="space__customer")


def guest_from_request(request: HttpRequest) -> Guest | None:
    key = request.COOKIES.get(settings.SPACE_GUEST_COOKIE, "")
    return guests.guest_for_session_key(key) if key else None


def guest_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A guest page: the signed-in guest is `request.guest`; without one, the sign-in page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        guest = guest_from_request(request)
        if guest is None:
            response = redirect("space:guest-sign-in")
            if settings.SPACE_GUEST_COOKIE in request.COOKIES:
                response.delete_cookie(settings.SPACE_GUEST_COOKIE, path="/shared/")
            return response
        request.guest = guest  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def get_guest_object[M: models.Model](guest: Guest, model: type[M], pk: object) -> M:
    """An object of the guest's own space; 404 for any other (another space's included)."""
    return get_object_or_404(model._default_manager.filter(space_id=guest.space_id), pk=pk)


def require_guest_space(guest: Guest, space_id: int) -> None:
    if guest.space_id != space_id:
        raise Http404
