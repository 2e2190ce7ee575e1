"""The account's trash over the API: list what was deleted, restore it (lead or manager)."""

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from customers.access import get_customer_for_user, require
from integrity import trash


class DeletedRecordSerializer(serializers.Serializer):
    # One of integrity.trash.TRASHABLE's kinds (the restore URL's `kind`).
    kind = serializers.CharField(max_length=20)
    id = serializers.IntegerField(source="record.pk")
    label = serializers.CharField(max_length=500)
    deleted_at = serializers.DateTimeField()
    deleted_by = serializers.CharField(
        source="deleted_by.username", default=None, allow_null=True, max_length=150
    )
    restorable_until = serializers.DateTimeField()


class RestoredSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=20)
    id = serializers.IntegerField()
    version = serializers.IntegerField()


class RestoreRefusedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()


@extend_schema(responses=DeletedRecordSerializer(many=True), operation_id="customers_trash_list")
@api_view(["GET"])
def deleted_records(request: Request, customer_pk: int) -> Response:
    """The account's records deleted in the last 30 days, with who deleted them."""
    customer, access = get_customer_for_user(request.user, customer_pk)
    require(access.can_manage_trash)
    items = trash.deleted_records(customer)
    return Response(DeletedRecordSerializer(items, many=True).data)


@extend_schema(
    request=None,
    responses={200: RestoredSerializer, 409: RestoreRefusedSerializer},
    operation_id="customers_trash_restore",
    parameters=[
        OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(trash.TRASHABLE)),
    ],
)
@api_view(["POST"])
def restore_record(request: Request, customer_pk: int, kind: str, record_id: int) -> Response:
    """Restore one deleted record (404 when it is not in the account's trash; 409 when it
    cannot come back, e.g. a plan section whose account and area have a live section again)."""
    customer, access = get_customer_for_user(request.user, customer_pk)
    require(access.can_manage_trash)
    record = trash.deleted_record(customer, kind, record_id)
    if record is None:
        raise Http404
    if not trash.restore_record(record, by=request.user):
        return Response(
            {"detail": trash.refusal_message(record), "code": "restore_refused"},
            status=status.HTTP_409_CONFLICT,
        )
    record.refresh_from_db()
    return Response({"kind": kind, "id": record.pk, "version": record.version})


urlpatterns = [
    path("customers/<int:customer_pk>/trash/", deleted_records, name="customer-trash"),
    path(
        "customers/<int:customer_pk>/trash/<slug:kind>/<int:record_id>/restore/",
        restore_record,
        name="customer-trash-restore",
    ),
]
