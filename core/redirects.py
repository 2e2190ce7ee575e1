"""The one check before redirecting to a URL that came from a request or from stored data."""

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def is_safe_redirect(request: HttpRequest, url: str) -> bool:
    """Whether `url` stays on this site (and on HTTPS when the request came over HTTPS)."""
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def safe_next(request: HttpRequest, default: str = "") -> str:
    """The `next` parameter when it points into this site, else `default` (or the home page)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if is_safe_redirect(request, candidate):
        return candidate
    return default or reverse(settings.LOGIN_REDIRECT_URL)
