"""The API answers over HTTPS only (ASVS 4.1.2): in production a plain-HTTP API request is
refused before any authentication or view runs, so no token is issued and no data is sent.

Pages are redirected to HTTPS instead (SECURE_SSL_REDIRECT); an API client that followed such
a redirect would already have sent its credentials in the clear, and it would never notice.
"Plain HTTP" is decided by `request.is_secure()`, which honours SECURE_PROXY_SSL_HEADER behind
a TLS-terminating proxy (BEHIND_TLS_PROXY).
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

API_PREFIX = "/api/"
INSECURE_API_DETAIL = (
    "The API answers over HTTPS only. Send this request to the https:// address of this site; "
    "nothing was done, and any token or password in it should be treated as exposed."
)


class HttpsOnlyApiMiddleware:
    """403 with a JSON error for API requests over plain HTTP when settings.API_HTTPS_ONLY."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            getattr(settings, "API_HTTPS_ONLY", False)
            and request.path.startswith(API_PREFIX)
            and not request.is_secure()
        ):
            return JsonResponse(
                {
                    "detail": INSECURE_API_DETAIL,
                    "code": "https_required",
                    "request_id": getattr(request, "request_id", "-"),
                },
                status=403,
            )
        return self.get_response(request)
