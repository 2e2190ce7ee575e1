import logging

from celery import current_app as celery_app
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger("accord")


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        logger.warning("healthz: database unreachable", exc_info=True)
        return False


def _broker_status() -> str:
    if celery_app.conf.task_always_eager:
        return "eager"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=0, timeout=2)
        return "ok"
    except Exception:
        logger.warning("healthz: broker unreachable", exc_info=True)
        return "down"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker status; 200 while the database answers, 503 when it does not."""
    database = "ok" if _database_ok() else "down"
    broker = _broker_status()
    if database != "ok":
        status = "down"
    elif broker == "down":
        status = "degraded"
    else:
        status = "ok"
    return JsonResponse(
        {"status": status, "database": database, "broker": broker},
        status=200 if database == "ok" else 503,
    )


def _error(request: HttpRequest, template: str, status: int) -> HttpResponse:
    request_id = getattr(request, "request_id", "-")
    if request.path.startswith("/api/"):
        messages = {
            400: "Bad request.",
            403: "You do not have permission to do this.",
            404: "Not found.",
            500: "Something went wrong on our side.",
        }
        return JsonResponse({"detail": messages[status], "request_id": request_id}, status=status)
    return render(request, template, {"request_id": request_id}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, "400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, "403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, "404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the request context: the failure may be the database itself.
    request_id = getattr(request, "request_id", "-")
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": "Something went wrong on our side.", "request_id": request_id}, status=500
        )
    return HttpResponse(render_to_string("500.html", {"request_id": request_id}), status=500)
