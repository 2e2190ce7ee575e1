"""The response django-axes gives a locked-out sign-in: 429, as JSON for the API."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

LOCKED_OUT_MESSAGE = (
    "Too many failed sign-ins for this account from your address. "
    "Try again in {minutes} minutes, or ask an administrator to unlock it."
)


def cool_off_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_message() -> str:
    return LOCKED_OUT_MESSAGE.format(minutes=cool_off_seconds() // 60)


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": lockout_message(), "code": "locked_out"}, status=429
        )
    else:
        response = render(
            request,
            "registration/locked_out.html",
            {"minutes": cool_off_seconds() // 60},
            status=429,
        )
    response["Retry-After"] = str(cool_off_seconds())
    return response
