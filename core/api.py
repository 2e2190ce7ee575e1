"""Shared REST framework pieces: parser, pagination, error mapping and versioned writes."""

import functools
import io
import logging
import math
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator as DjangoPaginator
from django.db import IntegrityError, InterfaceError, OperationalError
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from core.params import BadParameter, parse_int, parse_page, parse_version
from core.versioning import StaleVersion, save_versioned

logger = logging.getLogger("accord.api")


MAX_JSON_DEPTH = 32


class SafeJSONParser(JSONParser):
    """JSON parser that answers 400, not 500, for any document no serializer should see.

    Refused: nesting deeper than MAX_JSON_DEPTH (Python's parser would raise RecursionError),
    bodies over DATA_UPLOAD_MAX_MEMORY_SIZE (DRF reads the stream without Django's limit), and
    strings or keys holding NUL or lone surrogates (PostgreSQL cannot store them, and JSONField
    contents are not checked by DRF's CharField).
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if stream is not None and limit is not None:
            raw = stream.read(limit + 1)
            if len(raw) > limit:
                raise exceptions.ParseError("JSON parse error - the body is too large.")
            stream = io.BytesIO(raw)
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise exceptions.ParseError(
                "JSON parse error - document is nested too deeply."
            ) from exc
        _check_json(data)
        return data


def _check_json(data: Any) -> None:
    """Walk the parsed document without recursion, refusing deep nesting and bad characters."""
    pending: list[tuple[Any, int]] = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            if depth > MAX_JSON_DEPTH:
                raise exceptions.ParseError("JSON parse error - document is nested too deeply.")
            for key, item in value.items():
                _check_json_string(key)
                pending.append((item, depth + 1))
        elif isinstance(value, list):
            if depth > MAX_JSON_DEPTH:
                raise exceptions.ParseError("JSON parse error - document is nested too deeply.")
            pending.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            _check_json_string(value)
        elif isinstance(value, float) and not math.isfinite(value):
            raise exceptions.ParseError("JSON parse error - numbers must be finite.")


def _check_json_string(value: str) -> None:
    if "\x00" in value:
        raise exceptions.ParseError("JSON parse error - NUL characters are not allowed.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise exceptions.ParseError(
            "JSON parse error - lone surrogate characters are not allowed."
        ) from exc


# DRF's answer for a related id that does not exist.
NOT_FOUND = 'Invalid pk "{pk_value}" - object does not exist.'


def unknown_pk(value: object) -> str:
    """The error for an id the caller may not name here (a user who cannot see the account, a
    specialist not on its team): the same words as for an id that does not exist, so the
    answer tells nobody which users exist."""
    return NOT_FOUND.format(pk_value=value)


class CountedPaginator(DjangoPaginator):
    """A paginator told its count."""

    def __init__(self, *args: Any, count: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.__dict__["count"] = count


class Pagination(PageNumberPagination):
    """Pages of 50 (`page_size` 1..200, a larger one cut to 200); `page` 1..MAX_PAGE. Zero, a
    negative or not a number answers 400 with the parameter's errors; a page past the last, 404."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    MAX_PAGE = 10_000

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        # A view that knows its count (from the account tallies) spares the COUNT query.
        known = getattr(view, "known_count", None)
        count = known() if known is not None else None
        if count is not None:
            self.django_paginator_class = functools.partial(CountedPaginator, count=count)
        return super().paginate_queryset(queryset, request, view)

    def get_page_number(self, request: Any, paginator: Any) -> int:
        return parse_page(request.query_params.get(self.page_query_param), maximum=self.MAX_PAGE)

    def get_page_size(self, request: Any) -> int:
        size = parse_int(
            request.query_params.get(self.page_size_query_param),
            name=self.page_size_query_param,
            minimum=1,
            message=f"Give a page size from 1 to {self.max_page_size}.",
        )
        # A larger size is cut to the maximum, as before (clients that ask for "all" still work).
        return min(size, self.max_page_size) if size else self.page_size

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        bounds = {
            self.page_query_param: {"minimum": 1, "maximum": self.MAX_PAGE, "default": 1},
            self.page_size_query_param: {
                "minimum": 1,
                "maximum": self.max_page_size,
                "default": self.page_size,
            },
        }
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = "Send the record's `version` (or an If-Match header) to change it."
    default_code = "precondition_required"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The record was changed by someone else."
    default_code = "conflict"


def exception_handler(exc: Exception, context: dict) -> Response | None:
    request = context.get("request")
    request_id = getattr(getattr(request, "_request", request), "request_id", "-")
    if isinstance(exc, BadParameter):
        return Response({exc.name: [exc.message]}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, StaleVersion):
        current = getattr(exc.current, "version", None)
        return Response(
            {"detail": str(exc), "code": "stale_version", "current_version": current},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, IntegrityError):
        logger.info("integrity error mapped to 409: %s", exc)
        return Response(
            {"detail": "This change conflicts with existing data.", "code": "conflict"},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, OperationalError | InterfaceError):
        logger.warning("database unavailable: %s", exc)
        return Response(
            {
                "detail": "The service is briefly unavailable. Try again shortly.",
                "request_id": request_id,
            },
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "10"},
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    # Imported here: rest_framework.views reads the DRF settings, which name this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("unhandled API error", exc_info=exc)
        return Response(
            {"detail": "Something went wrong on our side.", "request_id": request_id},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    return response


def expected_version(serializer: serializers.Serializer, validated: dict) -> int:
    """The version the client last read: from the body, else from an If-Match header."""
    if "version" in validated:
        return validated.pop("version")
    request = serializer.context.get("request")
    header = request.headers.get("If-Match") if request is not None else None
    version = parse_version(header, name="If-Match")
    if version is None:
        raise PreconditionRequired()
    return version


class VersionedModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose updates must name the version they were based on (409 if stale)."""

    version = serializers.IntegerField(required=False, min_value=1, max_value=2_147_483_647)

    def update(self, instance: Any, validated_data: dict) -> Any:
        version = expected_version(self, validated_data)
        m2m = {
            name: validated_data.pop(name)
            for name in list(validated_data)
            if instance._meta.get_field(name).many_to_many
        }
        return save_versioned(instance, expected_version=version, changes=validated_data, m2m=m2m)

    def create(self, validated_data: dict) -> Any:
        validated_data.pop("version", None)
        return super().create(validated_data)
