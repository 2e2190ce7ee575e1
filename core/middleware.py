import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.db import DatabaseError, InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse

from core.logging import request_id_var
from core.params import BadParameter

SESSION_LOGIN_AT = "accord_login_at"

# Methods no Accord view answers; TRACE in particular can echo credentials back (XST).
REFUSED_METHODS = frozenset({"TRACE", "TRACK", "CONNECT"})
ALLOWED_METHODS = "GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE"


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
        request.session[SESSION_LOGIN_AT] = time.time()


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
    DATA_UPLOAD_MAX_MEMORY_SIZE that are not file uploads (413), and TRACE-like methods (405).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in REFUSED_METHODS:
            response = bad_request(request, "Method not allowed.", status=405)
            response["Allow"] = ALLOWED_METHODS
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
                request.session[SESSION_LOGIN_AT] = now
            elif now - login_at > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response


# Pages a user may reach while their second factor is still pending.
MFA_EXEMPT_URL_NAMES = frozenset({"login", "logout", "mfa-setup", "mfa-verify", "healthz"})


SESSION_MFA_STEP = "accord_mfa_step"
MFA_VERIFY, MFA_ENROL, MFA_NONE = "verify", "enrol", "none"


def mfa_step_for(user: Any) -> str:
    """What a freshly signed-in user still owes: verify their device, enrol one, or nothing."""
    from accounts import mfa

    if mfa.has_mfa(user):
        return MFA_VERIFY
    return MFA_ENROL if mfa.mfa_required(user) else MFA_NONE


@receiver(user_logged_in, dispatch_uid="accord_session_mfa_step")
def _remember_mfa_step(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    # Decided once per sign-in, so ordinary requests cost no query.
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_MFA_STEP] = mfa_step_for(user)


class MFAMiddleware:
    """Sends users who must pass a second factor to enrol or verify before any other page.

    Users with an authenticator must verify it after each sign-in; users whose role is in
    settings.MFA_REQUIRED_ROLES must also enrol one. Session-authenticated API calls get 403
    instead of a redirect. Token-authenticated API calls are gated when the token is issued.
    The step is decided at sign-in (a role change applies from the next sign-in).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: tuple, view_kwargs: dict
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not hasattr(request, "session"):
            return None
        step = request.session.get(SESSION_MFA_STEP)
        if step is None:
            step = request.session[SESSION_MFA_STEP] = mfa_step_for(user)
        if step == MFA_NONE or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.url_name in MFA_EXEMPT_URL_NAMES:
            return None
        if step == MFA_VERIFY:
            target, message = "mfa-verify", "Verify your second factor first."
        else:
            target, message = "mfa-setup", "Set up two-factor authentication first."
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": message, "request_id": getattr(request, "request_id", "-")},
                status=403,
            )
        next_url = request.get_full_path() if request.method == "GET" else reverse("home")
        return HttpResponseRedirect(f"{reverse(target)}?{urlencode({'next': next_url})}")
