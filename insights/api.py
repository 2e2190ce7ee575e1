from django.db.models import QuerySet
from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from core.params import parse_id
from customers.access import get_customer_for_user, require
from insights import summaries
from insights.models import AccountSummary
from insights.serializers import AccountSummarySerializer, RebuildAcceptedSerializer


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


router = SimpleRouter()
router.register("summaries", SummaryViewSet, basename="summary")

urlpatterns = [
    *router.urls,
    path(
        "customers/<int:pk>/rebuild-summary/",
        RebuildSummaryView.as_view(),
        name="customer-rebuild-summary",
    ),
]
