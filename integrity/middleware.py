"""Database outages answered as 503 before any middleware trips over them."""

from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse

from core.middleware import service_unavailable


class SessionOutageMiddleware:
    """Loads the session user up front, so a database outage there becomes a 503.

    core.middleware maps OperationalError to 503 only for exceptions raised by views; the
    session is read lazily by the middlewares after this one, where an outage would otherwise
    surface as a 500. Goes right after AuthenticationMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            _ = request.user.is_authenticated
        except (OperationalError, InterfaceError):
            # SessionMiddleware skips a request without a session on the way out; otherwise
            # it would try to save the session it could not load and turn this into a 500.
            del request.session
            return service_unavailable(request)
        return self.get_response(request)
