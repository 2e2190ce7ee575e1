"""The second-factor gate in front of every page (and session-authenticated API call)."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import mfa

API_PREFIX = "/api/"

# Pages a user may reach while their second factor is still pending.
MFA_EXEMPT_URL_NAMES = frozenset({"login", "logout", "mfa-setup", "mfa-verify", "healthz"})


@receiver(user_logged_in, dispatch_uid="accord_session_mfa_step")
def _remember_mfa_step(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    # Decided once per sign-in (and again after a role change), so ordinary requests cost no query.
    if request is not None and hasattr(request, "session"):
        mfa.remember_step(request, user)


class MFAMiddleware:
    """Sends users who must pass a second factor to enrol or verify before any other page.

    Users with an authenticator must verify it after each sign-in; users whose role is in
    settings.MFA_REQUIRED_ROLES must also enrol one. Session-authenticated API calls get 403
    instead of a redirect; token-authenticated ones are checked by accounts.authentication.
    The step is decided at sign-in and decided again as soon as the user's role changes, so a
    promotion to a role that requires two-factor applies to sessions already open.
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
        step = request.session.get(mfa.SESSION_MFA_STEP)
        if step is None or request.session.get(mfa.SESSION_MFA_ROLE) != mfa.role_key(user):
            step = mfa.remember_step(request, user)
        if step == mfa.MFA_NONE or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.url_name in MFA_EXEMPT_URL_NAMES:
            return None
        if step == mfa.MFA_VERIFY:
            target, message = "mfa-verify", _("Verify your second factor first.")
        else:
            target, message = "mfa-setup", _("Set up two-factor authentication first.")
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": message, "request_id": getattr(request, "request_id", "-")},
                status=403,
            )
        next_url = request.get_full_path() if request.method == "GET" else reverse("home")
        return HttpResponseRedirect(f"{reverse(target)}?{urlencode({'next': next_url})}")


class UserTimeZoneAndLanguageMiddleware:
    """Pages in the signed-in user's time zone and language.

    Runs after LocaleMiddleware (which chose a language from the URL-less sources: the
    language cookie, then Accept-Language) and after authentication. The API is left in UTC,
    so API datetimes are the same for every caller (ISO 8601 with offset, "Z"); naive datetimes
    sent to the API are read as UTC.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        zone = None
        if user is not None and user.is_authenticated:
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language  # type: ignore[attr-defined]
            if not request.path.startswith(API_PREFIX):
                zone = user.zone
        if zone is None:
            timezone.deactivate()
            return self.get_response(request)
        with timezone.override(zone):
            return self.get_response(request)
