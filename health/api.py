from collections import defaultdict

from django.db.models import QuerySet
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from core.api_schema import ID_SCHEMA
from customers.access import get_customer_for_user
from customers.models import Customer
from health import queries
from health.forms import DEFAULT_SORT, SORT_CHOICES
from health.serializers import (
    AccountHealthSerializer,
    DashboardRowSerializer,
    HealthParamsSerializer,
    LatestSnapshotSerializer,
    SnapshotSerializer,
)
from health.views import dashboard_filter_form


class HealthView(APIView):
    """An account's health: the latest score with its components, and the daily history."""

    @extend_schema(
        parameters=[
            OpenApiParameter("customer", OpenApiTypes.INT, required=True),
            OpenApiParameter("days", OpenApiTypes.INT, description="History length (1-366)."),
        ],
        responses=AccountHealthSerializer,
    )
    def get(self, request: Request) -> Response:
        params = HealthParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        customer, _access = get_customer_for_user(request.user, params.validated_data["customer"])
        today = timezone.localdate()
        history = queries.account_history(customer, today=today, days=params.validated_data["days"])
        latest = history[-1] if history else None
        by_snapshot: dict[int, list] = defaultdict(list)
        if history:
            for annotation in queries.account_annotations(customer, since=history[0].taken_on):
                by_snapshot[annotation.snapshot_id].append(annotation)
        context = {"annotations": by_snapshot}
        return Response(
            {
                "customer": customer.pk,
                "name": customer.name,
                "latest": LatestSnapshotSerializer(latest).data if latest else None,
                "history": SnapshotSerializer(history, many=True, context=context).data,
            }
        )


@extend_schema(
    parameters=[
        OpenApiParameter(
            "lead",
            ID_SCHEMA,
            description=(
                "The id of a user who leads at least one account you can see (the dashboard's "
                "lead filter lists them, as `lead_id` on its rows); any other id answers 400 "
                "with `lead` errors."
            ),
        ),
        OpenApiParameter("band", OpenApiTypes.STR, enum=Customer.HealthBand.values),
        OpenApiParameter("industry", OpenApiTypes.STR),
        OpenApiParameter(
            "plan_max", OpenApiTypes.INT, description="Plan scorecard at most this (0-100)."
        ),
        OpenApiParameter(
            "min_value",
            OpenApiTypes.DECIMAL,
            description="Open proposal value at least this (organisation currency).",
        ),
        OpenApiParameter(
            "sort",
            OpenApiTypes.STR,
            enum=[key for key, _ in SORT_CHOICES],
            description=f"Column, '-' for descending; default {DEFAULT_SORT}.",
        ),
    ]
)
class DashboardViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The health dashboard's rows: the caller's visible accounts with their stored health."""

    serializer_class = DashboardRowSerializer
    _count: int | None = None

    def get_queryset(self) -> QuerySet[Customer]:
        scope = queries.dashboard_scope(self.request.user)
        form = dashboard_filter_form(self.request.query_params, scope)
        if form.errors:
            raise serializers.ValidationError(
                {field: [str(error) for error in errors] for field, errors in form.errors.items()}
            )
        params = form.cleaned_or_defaults()
        if params["plan_max"] is None and params["min_value"] is None:
            self._count = scope.count(
                lead_id=params["lead_id"], band=params["band"], industry=params["industry"]
            )
        return queries.dashboard_customers(scope, **params)

    def known_count(self) -> int | None:
        """The page count from the account tallies (core.api.Pagination asks)."""
        return self._count


router = SimpleRouter()
router.register("dashboard", DashboardViewSet, basename="dashboard")

# One account's health is an object, not a list: a plain view keeps the schema honest.
urlpatterns = [path("health/", HealthView.as_view(), name="health"), *router.urls]
