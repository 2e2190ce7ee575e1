from django.db.models import QuerySet
from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from accounts.visibility import AccountAccess
from core.params import parse_id
from customers.access import get_access, get_customer_for_user, require
from customers.api import RecordViewSet
from insights import plans, summaries
from insights.models import AccountSummary, PlanItem
from insights.serializers import (
    AccountSummarySerializer,
    PlanItemSerializer,
    RebuildAcceptedSerializer,
)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "customer", OpenApiTypes.INT, description="Only this customer's summary versions."
        )
    ]
)
class SummaryViewSet(viewsets.ReadOnlyModelViewSet):
    """Stored versions of account summaries the caller can see, newest first (read-only)."""

    serializer_class = AccountSummarySerializer

    def get_queryset(self) -> QuerySet[AccountSummary]:
        queryset = AccountSummary.objects.visible_to(self.request.user).order_by(
            "-built_at", "-number", "-id"
        )
        customer = parse_id(self.request.query_params.get("customer"), name="customer")
        if customer is not None:
            queryset = queryset.filter(customer_id=customer)
        return queryset


class RebuildSummaryView(APIView):
    """Queue a rebuild of the customer's summary now (lead, managers, admins)."""

    @extend_schema(request=None, responses={202: RebuildAcceptedSerializer})
    def post(self, request: Request, pk: int) -> Response:
        customer, access = get_customer_for_user(request.user, pk)
        require(access.can_refresh)
        queued = summaries.request_rebuild(customer, by=request.user)
        body = {
            "status": "queued" if queued else "deferred",
            "detail": "The rebuild is queued."
            if queued
            else "A rebuild is already queued, or the queue is unavailable: the account is "
            "marked for a rebuild, which runs within a few minutes.",
            "status_url": reverse("summary-list") + f"?customer={customer.pk}",
        }
        return Response(RebuildAcceptedSerializer(body).data, status=status.HTTP_202_ACCEPTED)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("customer", OpenApiTypes.INT, description="Only this customer's."),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=PlanItem.Kind.values),
        ]
    )
)
class PlanItemViewSet(RecordViewSet):
    """Structured items of account plans: the strategy's objectives, risks and relationship
    actions (written by the lead), an area's offers and open questions (by its specialists).
    Deleting moves an item to the account's trash."""

    model = PlanItem
    serializer_class = PlanItemSerializer
    choice_filters = ("kind",)
    select = ("section",)
    prefetch = ("goals",)

    def get_queryset(self) -> QuerySet[PlanItem]:
        return super().get_queryset().filter(section__deleted_at=None)

    def may_write(self, access: AccountAccess, record: PlanItem) -> bool:
        return access.can_write_plan_section(record.section.area_id)

    def perform_create(self, serializer: BaseSerializer) -> None:
        customer = serializer.validated_data["customer"]
        access = get_access(self.request.user, customer.pk)
        require(access.can_write_plan_section(serializer.validated_data["_area_id"]))
        serializer.save()

    def perform_destroy(self, instance: PlanItem) -> None:
        plans.delete_plan_item(instance, by=self.request.user)


router = SimpleRouter()
router.register("summaries", SummaryViewSet, basename="summary")
router.register("plan-items", PlanItemViewSet, basename="plan-item")

urlpatterns = [
    *router.urls,
    path(
        "customers/<int:pk>/rebuild-summary/",
        RebuildSummaryView.as_view(),
        name="customer-rebuild-summary",
    ),
]
