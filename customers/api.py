from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.serializers import BaseSerializer

from accounts.models import AccountMembership, User
from accounts.visibility import (
    AccountAccess,
    access_from_annotations,
    annotate_access,
    can_create_customers,
)
from core.api import expected_version
from core.params import parse_choice, parse_id
from customers import services
from customers.access import WriteChecks, get_access, get_customer_for_user, require
from customers.changes import record_account_change
from customers.models import (
    BusinessModel,
    Customer,
    CustomerOwned,
    Goal,
    Option,
    Problem,
    Process,
    ProcessStep,
    Stakeholder,
    StrategicMove,
)
from customers.queries import customers_for_user
from customers.serializers import (
    BusinessModelSerializer,
    CustomerSerializer,
    GoalSerializer,
    MembershipRoleSerializer,
    MembershipSerializer,
    OptionSerializer,
    ProblemSerializer,
    ProcessSerializer,
    StakeholderSerializer,
    StrategicMoveSerializer,
)
from customers.tallies import retally_customer, shares, tally_count, visible_in_order


class CustomerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Customers the caller can see. Creating one makes the caller its lead."""

    serializer_class = CustomerSerializer
    _count: int | None = None

    def get_queryset(self) -> QuerySet[Customer]:
        user = self.request.user
        visible = None
        if self.action == "list":
            # Walked in the name index's order and counted by the tallies (without filters).
            visible, total = shares(user)
            customers = visible_in_order(user, visible=visible, total=total)
            queryset = annotate_access(customers.select_related("lead"), user)
        else:
            queryset = customers_for_user(user)
        queryset = queryset.order_by("name", "id")
        params = self.request.query_params
        if name := params.get("search", "").strip():
            queryset = queryset.filter(name__icontains=name[:200])
        if industry := params.get("industry", "").strip():
            queryset = queryset.filter(industry__iexact=industry[:100])
        if (lead := parse_id(params.get("lead"), name="lead")) is not None:
            queryset = queryset.filter(lead_id=lead)
        if visible is not None and not name and not industry:
            self._count = visible if lead is None else tally_count(user, lead_id=lead)
        return queryset

    def known_count(self) -> int | None:
        """The list's count from the account tallies (core.api.Pagination asks)."""
        return self._count

    def perform_create(self, serializer: BaseSerializer) -> None:
        user: User = self.request.user
        require(can_create_customers(user))
        data = dict(serializer.validated_data)
        data.pop("version", None)
        customer = services.create_customer(lead=user, **data)
        serializer.instance = customers_for_user(user).get(pk=customer.pk)

    def perform_update(self, serializer: BaseSerializer) -> None:
        customer = serializer.instance
        require(access_from_annotations(customer, self.request.user).can_edit_core)
        with transaction.atomic():
            serializer.save()
            if "industry" in serializer.validated_data:
                retally_customer(customer.pk)
            record_account_change(customer.pk)

    @extend_schema(request=BusinessModelSerializer, responses=BusinessModelSerializer)
    @action(detail=True, methods=["get", "put", "patch"], url_path="business-model")
    def business_model(self, request: Request, pk: str | None = None) -> Response:
        """The customer's Business Model Canvas (an empty one at version 1 until first saved)."""
        customer = self.get_object()
        canvas = BusinessModel.objects.filter(customer=customer).first() or BusinessModel(
            customer=customer, version=1
        )
        if request.method == "GET":
            return Response(BusinessModelSerializer(canvas).data)
        require(access_from_annotations(customer, request.user).can_contribute)
        serializer = BusinessModelSerializer(
            canvas,
            data=request.data,
            partial=request.method == "PATCH",
            context=self.get_serializer_context(),
        )
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        version = expected_version(serializer, changes)
        canvas = services.save_business_model(
            customer, expected_version=version, changes=changes, by=request.user
        )
        return Response(BusinessModelSerializer(canvas).data)


CUSTOMER_PARAM = OpenApiParameter("customer", int, description="Only this customer's records.")


class RecordViewSet(WriteChecks, viewsets.ModelViewSet):
    """A kind of account record. Contributors on the account write; lead, managers and admins
    delete; viewers read; anyone else gets 404."""

    model: type[CustomerOwned]
    choice_filters: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    prefetch: tuple[str, ...] = ()

    def get_queryset(self) -> QuerySet:
        queryset = (
            self.model.objects.visible_to(self.request.user)
            .prefetch_related(*self.prefetch)
            .order_by("-updated_at", "-id")
        )
        if self.select:
            queryset = queryset.select_related(*self.select)
        params = self.request.query_params
        if (customer := parse_id(params.get("customer"), name="customer")) is not None:
            queryset = queryset.filter(customer_id=customer)
        for name in self.choice_filters:
            choices = self.model._meta.get_field(name).choices
            if value := parse_choice(params.get(name), name=name, choices=[c for c, _ in choices]):
                queryset = queryset.filter(**{name: value})
        return queryset

    def may_write(self, access: AccountAccess, record: Any) -> bool:
        if self.request.method == "DELETE":
            return access.can_edit_core
        return access.can_contribute

    def perform_create(self, serializer: BaseSerializer) -> None:
        customer = serializer.validated_data["customer"]
        require(get_access(self.request.user, customer.pk).can_contribute)
        serializer.save()

    def perform_destroy(self, instance: Any) -> None:
        services.delete_record(instance, by=self.request.user)


def _record_schema(choice_filters: tuple[str, ...]) -> Any:
    """The list's filters in the schema, each choice filter with its model field's values."""

    def decorate(viewset: Any) -> Any:
        params = [
            CUSTOMER_PARAM,
            *(
                OpenApiParameter(name, str, enum=[value for value, _label in choices])
                for name in choice_filters
                if (choices := viewset.model._meta.get_field(name).choices)
            ),
        ]
        return extend_schema_view(list=extend_schema(parameters=params))(viewset)

    return decorate


@_record_schema(("status",))
class GoalViewSet(RecordViewSet):
    model = Goal
    serializer_class = GoalSerializer
    choice_filters = ("status",)


@_record_schema(("status", "severity"))
class ProblemViewSet(RecordViewSet):
    model = Problem
    serializer_class = ProblemSerializer
    choice_filters = ("status", "severity")
    prefetch = ("blocks_goals", "proposals")


@_record_schema(("buying_role", "attitude"))
class StakeholderViewSet(RecordViewSet):
    model = Stakeholder
    serializer_class = StakeholderSerializer
    choice_filters = ("buying_role", "attitude")
    prefetch = ("influences",)

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


@_record_schema(())
class ProcessViewSet(RecordViewSet):
    model = Process
    serializer_class = ProcessSerializer

    def get_queryset(self) -> QuerySet:
        steps = Prefetch(
            "steps",
            queryset=ProcessStep.objects.order_by("position").prefetch_related("pain_points"),
        )
        return super().get_queryset().prefetch_related(steps)


@_record_schema(("status", "kind"))
class StrategicMoveViewSet(RecordViewSet):
    model = StrategicMove
    serializer_class = StrategicMoveSerializer
    choice_filters = ("status", "kind")


@_record_schema(("kind",))
class OptionViewSet(RecordViewSet):
    model = Option
    serializer_class = OptionSerializer
    choice_filters = ("kind",)
    prefetch = ("serves_goals",)


@extend_schema_view(
    partial_update=extend_schema(request=MembershipRoleSerializer, responses=MembershipSerializer),
    update=extend_schema(request=MembershipRoleSerializer, responses=MembershipSerializer),
)
class MembershipViewSet(viewsets.ModelViewSet):
    """The account team: whoever sees the account reads it; lead, managers, admins change it."""

    serializer_class = MembershipSerializer
    lookup_field = "user"
    lookup_value_regex = r"\d+"
    pagination_class = None

    def customer(self) -> Customer:
        return self._loaded()[0]

    def _loaded(self) -> tuple[Customer, AccountAccess]:
        if not hasattr(self, "_customer"):
            self._customer = get_customer_for_user(self.request.user, self.kwargs["customer_pk"])
        return self._customer

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return AccountMembership.objects.none()
        return self.customer().memberships.select_related("user").order_by("role", "user__username")

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if request.method not in SAFE_METHODS:
            require(self._loaded()[1].can_manage_members)

    def perform_create(self, serializer: BaseSerializer) -> None:
        data = serializer.validated_data
        serializer.instance = self._apply(data["user"], data["role"])

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        membership = self.get_object()
        serializer = MembershipRoleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        updated = self._apply(membership.user, serializer.validated_data["role"])
        return Response(MembershipSerializer(updated).data)

    def perform_destroy(self, instance: AccountMembership) -> None:
        try:
            services.remove_membership(self.customer(), user=instance.user)
        except ValueError as exc:
            raise ValidationError({"user": [str(exc)]}) from exc

    def _apply(self, user: User, role: str) -> AccountMembership:
        try:
            return services.set_membership(self.customer(), user=user, role=role)
        except ValueError as exc:
            raise ValidationError({"role": [str(exc)]}) from exc


router = SimpleRouter()
router.register("customers", CustomerViewSet, basename="customer")
router.register(
    r"customers/(?P<customer_pk>\d+)/members", MembershipViewSet, basename="customer-member"
)
router.register("goals", GoalViewSet, basename="goal")
router.register("problems", ProblemViewSet, basename="problem")
router.register("stakeholders", StakeholderViewSet, basename="stakeholder")
router.register("processes", ProcessViewSet, basename="process")
router.register("strategic-moves", StrategicMoveViewSet, basename="strategic-move")
router.register("options", OptionViewSet, basename="option")

urlpatterns = router.urls
