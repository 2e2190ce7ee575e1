import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from core.logging import request_id_var

SESSION_LOGIN_AT = "accord_login_at"


class RequestIdMiddleware:
    """Gives each request an id for logs and `X-Request-ID`; maps database outages to 503."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex[:16]
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OperationalError | InterfaceError) or (
            isinstance(exception, DatabaseError) and "connection" in str(exception).lower()
        ):
            return service_unavailable(request)
        return None


def service_unavailable(request: HttpRequest) -> HttpResponse:
    request_id = getattr(request, "request_id", "-")
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {
                "detail": "The service is briefly unavailable. Try again shortly.",
                "request_id": request_id,
            },
            status=503,
        )
    else:
        response = HttpResponse(
            render_to_string("503.html", {"request_id": request_id}), status=503
        )
    response["Retry-After"] = "10"
    return response


class NoStoreForAuthenticatedMiddleware:
    """Keeps authenticated pages out of shared and browser caches, and ends overlong sessions."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            login_at = request.session.get(SESSION_LOGIN_AT)
            now = time.time()
            if login_at is None:
                request.session[SESSION_LOGIN_AT] = now
            elif now - login_at > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response
