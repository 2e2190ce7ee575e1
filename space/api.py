"""REST endpoints of the shared space, under the visibility rule: /api/shared-spaces/
(read), /api/space-steps/ (the mutual action plan: read, and created and edited by those who
curate the space: the lead, managers and admins, as on the pages) and /api/space-feedback/
(what customers confirmed and suggested; the curators accept or decline suggestions)."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.serializers import BaseSerializer

from core.api import Conflict, expected_version
from core.params import parse_choice, parse_id
from customers.access import get_access, require
from space import services
from space.models import Feedback, PlanStep, SharedSpace
from space.serializers import FeedbackSerializer, PlanStepSerializer, SharedSpaceSerializer

CUSTOMER_PARAM = OpenApiParameter("customer", OpenApiTypes.INT, description="Customer id")
NOT_PENDING = OpenApiResponse(
    description="The suggestion was already decided (or is no "
    "suggestion: a confirmation applies at once)."
)


def _for_customer(queryset: QuerySet, params: dict, path: str) -> QuerySet:
    if (customer_id := parse_id(params.get("customer"), name="customer")) is not None:
        queryset = queryset.filter(**{path: customer_id})
    return queryset


class CurateChecks:
    """An unsafe request on one record of a space asks the caller's access now, before the
    body is read: those who may see the account but not curate its space get 403."""

    def get_object(self) -> Any:
        obj = super().get_object()  # type: ignore[misc]
        request = self.request  # type: ignore[attr-defined]
        if request.method not in SAFE_METHODS:
            require(get_access(request.user, obj.space.customer_id).can_share_with_customer)
        return obj


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
class PlanStepViewSet(
    CurateChecks,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Steps of the mutual action plans the caller can see; the lead, managers and admins
    create, edit (a stale `version` answers 409) and delete them (into the account's trash,
    restorable for 30 days; guests no longer see a deleted step)."""

    serializer_class = PlanStepSerializer

    def get_queryset(self) -> QuerySet[PlanStep]:
        queryset = PlanStep.objects.visible_to(self.request.user).select_related("space")
        params = self.request.query_params
        if status := parse_choice(
            params.get("status"), name="status", choices=PlanStep.Status.values
        ):
            queryset = queryset.filter(status=status)
        return _for_customer(queryset.order_by("pk"), params, "space__customer_id")

    def perform_create(self, serializer: BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        customer = data.pop("space")["customer"]
        require(get_access(self.request.user, customer.pk).can_share_with_customer)
        space = services.open_space(customer, by=self.request.user)
        status = data.pop("status", PlanStep.Status.OPEN)
        step = services.add_step(space, **data)
        if status != PlanStep.Status.OPEN:
            services.set_step_status(step, status=status)
        serializer.instance = self.get_queryset().get(pk=step.pk)

    def perform_update(self, serializer: BaseSerializer) -> None:
        step = serializer.instance
        data = dict(serializer.validated_data)
        data.pop("space", None)
        version = expected_version(serializer, data)
        services.update_step(step, expected_version=version, changes=data)
        serializer.instance = self.get_queryset().get(pk=step.pk)

    def perform_destroy(self, instance: PlanStep) -> None:
        services.delete_step(instance, by=self.request.user)

    @extend_schema(
        request=None,
        responses={200: PlanStepSerializer, 400: OpenApiResponse(description="No date proposed")},
    )
    @action(detail=True, methods=["post"], url_path="accept-date")
    def accept_date(self, request: Request, pk: str | None = None) -> Response:
        """Take the due date a guest proposed for the step."""
        step = self.get_object()
        try:
            services.accept_proposed_date(step)
        except services.NotAllowed as exc:
            raise serializers.ValidationError({"proposed_due_date": [str(exc)]}) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=step.pk)).data)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            CUSTOMER_PARAM,
            OpenApiParameter("status", OpenApiTypes.STR, enum=Feedback.Status.values),
        ]
    )
)
class FeedbackViewSet(CurateChecks, viewsets.ReadOnlyModelViewSet):
    """What customers confirmed and suggested in the shared spaces the caller can see; the
    lead, managers and admins accept or decline the suggestions (pending ones)."""

    serializer_class = FeedbackSerializer

    def get_queryset(self) -> QuerySet[Feedback]:
        queryset = Feedback.objects.visible_to(self.request.user).select_related("space", "item")
        params = self.request.query_params
        if status := parse_choice(
            params.get("status"), name="status", choices=Feedback.Status.values
        ):
            queryset = queryset.filter(status=status)
        return _for_customer(queryset.order_by("pk"), params, "space__customer_id")

    def _decide(self, *, accept: bool) -> Response:
        feedback = self.get_object()
        try:
            services.decide_feedback(feedback, accept=accept, by=self.request.user)
        except services.NotAllowed as exc:
            raise Conflict(str(exc)) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=feedback.pk)).data)

    @extend_schema(request=None, responses={200: FeedbackSerializer, 409: NOT_PENDING})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """Accept a suggestion: the goal or problem changes (or is created), saying who
        suggested it."""
        return self._decide(accept=True)

    @extend_schema(request=None, responses={200: FeedbackSerializer, 409: NOT_PENDING})
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        """Decline a suggestion: nothing changes; the customer sees it was declined."""
        return self._decide(accept=False)


router = SimpleRouter()
router.register("shared-spaces", SharedSpaceViewSet, basename="shared-space")
router.register("space-steps", PlanStepViewSet, basename="space-step")
router.register("space-feedback", FeedbackViewSet, basename="space-feedback")

urlpatterns = router.urls
