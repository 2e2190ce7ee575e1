"""`Idempotency-Key` for API creates: the same key and body sent twice (a double click, a
client retry after a timeout) run once, and the repeat gets the first answer byte for byte.

Keys live in PostgreSQL with the response for KEY_TTL. The unique (scope, key) row is the
lock: the first request inserts it before running; a concurrent repeat fails to insert, waits
for the stored response and replays it.
"""

import datetime as dt
import hashlib
import logging
import time
import uuid
from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from integrity.models import IdempotencyKey

logger = logging.getLogger("accord.integrity")

HEADER = "Idempotency-Key"
KEY_TTL = dt.timedelta(hours=24)
# A repeat waits this long for the first request's answer before giving up with 409.
WAIT_SECONDS = 10.0
# A row still without an answer after this long belongs to a request that died: retake it.
ABANDONED_AFTER = dt.timedelta(seconds=60)


def caller_scope(request: HttpRequest) -> str | None:
    """Who is calling, without running DRF's authentication: None for an anonymous caller."""
    authorization = request.headers.get("Authorization", "")
    if authorization:
        return "auth:" + hashlib.sha256(authorization.encode()).hexdigest()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.get_full_path()}\n".encode())
    digest.update(request.body)
    return digest.hexdigest()


def purge_expired_keys(*, now: dt.datetime | None = None) -> int:
    """Forget keys older than KEY_TTL (a beat task runs this daily)."""
    now = now or timezone.now()
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=now - KEY_TTL).delete()
    return deleted


def _problem(status: int, detail: str, **extra: object) -> JsonResponse:
    return JsonResponse({"detail": detail, **extra}, status=status)


class IdempotencyKeyMiddleware:
    """Runs an API POST carrying `Idempotency-Key` at most once per caller and key."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw_key = request.headers.get(HEADER)
        if raw_key is None or request.method != "POST" or not request.path.startswith("/api/"):
            return self.get_response(request)
        try:
            key = uuid.UUID(raw_key.strip())
        except ValueError:
            return JsonResponse({HEADER: ["Must be a UUID."]}, status=400)
        scope = caller_scope(request)
        if scope is None:
            return self.get_response(request)  # refused further on; nothing to remember
        try:
            request_fingerprint = fingerprint(request)
        except RequestDataTooBig:
            return self.get_response(request)  # refused further on, as without the header
        row = self._claim(scope, key, request_fingerprint, request.path[:500])
        if row is None:
            return self._replay(scope, key, request_fingerprint)
        try:
            response = self.get_response(request)
        except BaseException:
            row.delete()
            raise
        if response.status_code >= 500 or response.streaming:
            # Not an answer worth repeating: let a retry with the same key run again.
            row.delete()
            return response
        row.status_code = response.status_code
        row.content_type = response.get("Content-Type", "")[:200]
        row.location = response.get("Location", "")[:500]
        row.body = response.content
        row.save(update_fields=["status_code", "content_type", "location", "body"])
        return response

    def _claim(
        self, scope: str, key: uuid.UUID, request_fingerprint: str, path: str
    ) -> IdempotencyKey | None:
        now = timezone.now()
        # An expired key, or one whose first request died, may be used again.
        IdempotencyKey.objects.filter(scope=scope, key=key, created_at__lt=now - KEY_TTL).delete()
        IdempotencyKey.objects.filter(
            scope=scope,
            key=key,
            status_code__isnull=True,
            created_at__lt=now - ABANDONED_AFTER,
        ).delete()
        try:
            with transaction.atomic():
                return IdempotencyKey.objects.create(
                    scope=scope, key=key, fingerprint=request_fingerprint, path=path
                )
        except IntegrityError:
            return None

    def _replay(self, scope: str, key: uuid.UUID, request_fingerprint: str) -> HttpResponse:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            row = IdempotencyKey.objects.filter(scope=scope, key=key).first()
            if row is None:
                return _problem(409, "The first request with this key failed; send it again.")
            if row.fingerprint != request_fingerprint:
                return _problem(
                    422, "This Idempotency-Key was already used for a different request."
                )
            if row.status_code is not None:
                break
            if time.monotonic() > deadline:
                return _problem(409, "A request with this Idempotency-Key is still running.")
            time.sleep(0.05)
        response = HttpResponse(
            bytes(row.body), status=row.status_code, content_type=row.content_type or None
        )
        if row.location:
            response["Location"] = row.location
        response["Idempotent-Replayed"] = "true"
        logger.info("replayed the answer to idempotency key %s", key)
        return response
