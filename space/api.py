"""REST endpoints (read-only this round): /api/shared-spaces/, /api/space-steps/ and
/api/space-feedback/ (confirmations and suggestions), under the visibility rule."""

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.routers import SimpleRouter

from core.params import parse_id
from space.models import Feedback, PlanStep, SharedSpace
from space.serializers import FeedbackSerializer, PlanStepSerializer, SharedSpaceSerializer

CUSTOMER_PARAM = OpenApiParameter("customer", OpenApiTypes.INT, description="Customer id")


def _for_customer(queryset: QuerySet, params: dict, path: str) -> QuerySet:
    if (customer_id := parse_id(params.get("customer"), name="customer")) is not None:
        queryset = queryset.filter(**{path: customer_id})
    return queryset


@extend_schema_view(list=extend_schema(parameters=[CUSTOMER_PARAM]))
class SharedSpaceViewSet(viewsets.ReadOnlyModelViewSet):
    """The shared spaces of the accounts the caller can see."""

    serializer_class = SharedSpaceSerializer

    def get_queryset(self) -> QuerySet[SharedSpace]:
        queryset = SharedSpace.objects.visible_to(self.request.user).order_by("pk")
        return _for_customer(queryset, self.request.query_params, "customer_id")


@extend_schema_view(
    list=extend_schema(
        parameters=[
            CUSTOMER_PARAM,
            OpenApiParameter("status", OpenApiTypes.STR, enum=PlanStep.Status.values),
        ]
    )
)
class PlanStepViewSet(viewsets.ReadOnlyModelViewSet):
    """Steps of the mutual action plans the caller can see."""

    serializer_class = PlanStepSerializer

    def get_queryset(self) -> QuerySet[PlanStep]:
        queryset = PlanStep.objects.visible_to(self.request.user).select_related("space")
        params = self.request.query_params
        if status := params.get("status"):
            if status not in PlanStep.Status.values:
                raise serializers.ValidationError({"status": "Use open, done or cancelled."})
            queryset = queryset.filter(status=status)
        return _for_customer(queryset.order_by("pk"), params, "space__customer_id")


@extend_schema_view(
    list=extend_schema(
        parameters=[
            CUSTOMER_PARAM,
            OpenApiParameter("status", OpenApiTypes.STR, enum=Feedback.Status.values),
        ]
    )
)
class FeedbackViewSet(viewsets.ReadOnlyModelViewSet):
    """What customers confirmed and suggested in the shared spaces the caller can see."""

    serializer_class = FeedbackSerializer

    def get_queryset(self) -> QuerySet[Feedback]:
        queryset = Feedback.objects.visible_to(self.request.user).select_related("space", "item")
        params = self.request.query_params
        if status := params.get("status"):
            if status not in Feedback.Status.values:
                raise serializers.ValidationError({"status": "Unknown status."})
            queryset = queryset.filter(status=status)
        return _for_customer(queryset.order_by("pk"), params, "space__customer_id")


router = SimpleRouter()
router.register("shared-spaces", SharedSpaceViewSet, basename="shared-space")
router.register("space-steps", PlanStepViewSet, basename="space-step")
router.register("space-feedback", FeedbackViewSet, basename="space-feedback")

urlpatterns = router.urls
