"""The audit trail of authentication and access events (ASVS 16.2, 16.3).

Every event becomes one `AuditEvent` row and one line on the `accord.audit` logger. Values that
come from the client (usernames, paths) have control characters escaped, so they cannot forge
log lines; passwords, session keys, tokens and OTP codes are never recorded.
"""

import logging
from collections.abc import Callable
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import DatabaseError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from core.logging import escape_control
from core.models import AuditEvent

logger = logging.getLogger("accord.audit")

Action = AuditEvent.Action


def client_ip(request: HttpRequest | None) -> str | None:
    """The peer address. X-Forwarded-For is ignored: only a proxy we run could vouch for it."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _actor(user: Any) -> AbstractBaseUser | None:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def record(
    action: str,
    *,
    request: HttpRequest | None = None,
    user: AbstractBaseUser | None = None,
    username: str = "",
    customer_id: int | None = None,
    object_type: str = "",
    object_id: object = "",
    detail: str = "",
    ip_address: str | None = None,
) -> AuditEvent | None:
    """Write one audit event; a failure to audit is logged, never raised to the user.

    `ip_address` is for callers that have the address but not the request."""
    http_request = getattr(request, "_request", request)  # a DRF Request wraps the HttpRequest
    actor = _actor(user if user is not None else getattr(http_request, "user", None))
    name = escape_control(username or (actor.get_username() if actor else ""))[:150]
    event = AuditEvent(
        action=action,
        actor=actor,
        username=name,
        ip_address=client_ip(http_request) or ip_address,
        request_id=getattr(http_request, "request_id", "")[:32],
        customer_id=customer_id,
        object_type=escape_control(object_type)[:100],
        object_id=escape_control(object_id)[:64],
        detail=escape_control(detail)[:300],
    )
    logger.info(
        "audit action=%s actor_id=%s username=%s ip=%s object=%s:%s customer=%s detail=%s",
        action,
        actor.pk if actor else "-",
        name or "-",
        event.ip_address or "-",
        event.object_type or "-",
        event.object_id or "-",
        customer_id or "-",
        event.detail or "-",
    )
    try:
        event.save()
    except DatabaseError:
        logger.exception("audit event could not be stored")
        return None
    return event


@receiver(user_logged_in, dispatch_uid="accord_audit_login")
def _on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record(Action.LOGIN, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="accord_audit_logout")
def _on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(Action.LOGOUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="accord_audit_login_failed")
def _on_login_failed(
    sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # `credentials` has the password already replaced by Django; only the username is kept.
    username = str(credentials.get("username", ""))
    locked = bool(getattr(getattr(request, "_request", request), "axes_locked_out", False))
    record(
        Action.LOGIN_FAILED,
        request=request,
        user=None,
        username=username,
        detail="refused: locked out" if locked else "wrong username or password",
    )


@receiver(user_locked_out, dispatch_uid="accord_audit_locked_out")
def _on_locked_out(
    sender: Any, request: HttpRequest | None, username: str | None, **kwargs: Any
) -> None:
    record(Action.LOCKED_OUT, request=request, user=None, username=username or "")


def current_request() -> HttpRequest | None:
    # HistoryRequestMiddleware keeps the request for django-simple-history; we reuse it.
    return getattr(HistoricalRecords.context, "request", None)


@receiver(pre_create_historical_record, dispatch_uid="accord_audit_history_origin")
def _stamp_history_origin(sender: Any, history_instance: Any, **kwargs: Any) -> None:
    """Record where a change came from on its history row (simple-history keeps only who)."""
    request = current_request()
    if request is None:
        return
    origin = f"ip={client_ip(request) or '-'} request={getattr(request, 'request_id', '-')}"
    reason = getattr(history_instance, "history_change_reason", None)
    history_instance.history_change_reason = (f"{reason}; {origin}" if reason else origin)[:100]


class DeniedAccessAuditMiddleware:
    """Records every 403/404 answered on an object URL (one with a path parameter)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if response.status_code in (403, 404) and match is not None and match.kwargs:
            record(
                Action.ACCESS_DENIED,
                request=request,
                object_type=match.view_name or match.route,
                object_id=",".join(f"{k}={v}" for k, v in sorted(match.kwargs.items())),
                detail=f"{request.method} {response.status_code}",
            )
        return response
