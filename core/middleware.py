import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.db import DatabaseError, InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from core.logging import request_id_var
from core.params import BadParameter

SESSION_LOGIN_AT = "accord_login_at"
# When the session last renewed its idle window: renewed at most once a minute, so a busy user
# does not cost a session write on every request.
SESSION_SEEN_AT = "accord_seen_at"
SESSION_RENEW_SECONDS = 60

# Methods no Accord view answers; TRACE in particular can echo credentials back (XST).
REFUSED_METHODS = frozenset({"TRACE", "TRACK", "CONNECT"})
ALLOWED_METHODS = "GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE"
# Pages (everything outside /api/) are read with GET and HEAD and changed with POST; a page view
# never has to tell PUT, DELETE, PROPFIND or a made-up method from GET. The API keeps DRF's
# per-view method handling (its 405s name the methods each endpoint allows).
PAGE_METHODS = frozenset({"GET", "HEAD", "POST"})
PAGE_ALLOWED_METHODS = "GET, HEAD, POST"
API_PREFIX = "/api/"


class PermissionsPolicyMiddleware:
    """Adds the `Permissions-Policy` header (settings.PERMISSIONS_POLICY) to every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})"
            for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.setdefault("Permissions-Policy", self.header)
        return response


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


@receiver(user_logged_in, dispatch_uid="accord_session_login_time")
def _remember_login_time(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    # The absolute session lifetime counts from here, not from the first page after sign-in.
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_LOGIN_AT] = request.session[SESSION_SEEN_AT] = time.time()


def _has_bad_characters(value: str) -> bool:
    """NUL (PostgreSQL text cannot hold it) or a lone surrogate (not encodable as UTF-8)."""
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def bad_request(request: HttpRequest, detail: str, status: int = 400) -> HttpResponse:
    request_id = getattr(request, "request_id", "-")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail, "request_id": request_id}, status=status)
    return HttpResponse(
        render_to_string("400.html", {"request_id": request_id, "detail": detail}), status=status
    )


class RejectBadInputMiddleware:
    """Answers 4xx before any view runs for input no view should have to handle.

    NUL bytes or lone surrogates in the path, query string or headers (400), bodies over
    DATA_UPLOAD_MAX_MEMORY_SIZE that are not file uploads (413), TRACE-like methods (405),
    and on pages any method other than GET, HEAD and POST (405).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in REFUSED_METHODS:
            response = bad_request(request, "Method not allowed.", status=405)
            response["Allow"] = ALLOWED_METHODS
            return response
        if request.method not in PAGE_METHODS and not request.path.startswith(API_PREFIX):
            response = bad_request(request, "Method not allowed.", status=405)
            response["Allow"] = PAGE_ALLOWED_METHODS
            return response
        if _has_bad_characters(request.path):
            return bad_request(request, "The address contains characters that are not allowed.")
        for key, values in request.GET.lists():
            if _has_bad_characters(key) or any(_has_bad_characters(v) for v in values):
                return bad_request(request, "A query parameter contains a character not allowed.")
        for name, value in request.headers.items():
            if _has_bad_characters(name) or _has_bad_characters(value):
                return bad_request(request, "A header contains a character that is not allowed.")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        content_type = request.META.get("CONTENT_TYPE", "")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return bad_request(request, "Invalid Content-Length.")
        if limit is not None and length > limit and not content_type.startswith("multipart/"):
            return bad_request(request, "The request body is too large.", status=413)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        # A page view that parsed a bad query parameter (core.params): 400, naming it.
        if isinstance(exception, BadParameter):
            return bad_request(request, f"{exception.name}: {exception.message}")
        return None


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
                request.session[SESSION_LOGIN_AT] = request.session[SESSION_SEEN_AT] = now
            elif now - login_at > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
            elif now - request.session.get(SESSION_SEEN_AT, 0) >= SESSION_RENEW_SECONDS:
                # Changing the session saves it, which pushes its expiry (the idle timeout) on.
                request.session[SESSION_SEEN_AT] = int(now)
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response
