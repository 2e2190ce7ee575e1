"""Guests never reach an internal page or the API."""

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse

GUEST_PATHS = ("/shared/", "/static/")


class GuestBoundaryMiddleware:
    """A request carrying a guest cookie outside the guest pages, from someone not signed in
    as a user, answers 404: the guest's session opens their one space and nothing else.
    (Browsers do not even send the cookie elsewhere: its path is /shared/.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.SPACE_GUEST_COOKIE in request.COOKIES
            and not request.path.startswith(GUEST_PATHS)
            and not request.user.is_authenticated
        ):
            raise Http404
        return self.get_response(request)
