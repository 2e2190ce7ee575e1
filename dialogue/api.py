"""REST endpoints: /api/meetings/ and /api/action-items/."""

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.routers import SimpleRouter
from rest_framework.serializers import BaseSerializer

from accounts.visibility import AccountAccess
from core.api import expected_version
from core.params import parse_choice, parse_id
from customers.access import WriteChecks, get_access, require
from dialogue import queries, services
from dialogue.models import ActionItem, Meeting
from dialogue.serializers import (
    ActionItemSerializer,
    MeetingSerializer,
)
from dialogue.services import MeetingData

M2M = ("stakeholders", "internal_attendees", "goals", "problems")


CUSTOMER_PARAM = OpenApiParameter("customer", OpenApiTypes.INT, description="Customer id")


@extend_schema_view(
    list=extend_schema(
        parameters=[
            CUSTOMER_PARAM,
            OpenApiParameter("kind", OpenApiTypes.STR, enum=Meeting.Kind.values),
        ]
    )
)
class MeetingViewSet(
    WriteChecks,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Meetings on the accounts the caller can see (deleted ones are gone)."""

    serializer_class = MeetingSerializer

    def get_queryset(self) -> QuerySet[Meeting]:
        queryset = queries.meetings_for_api(self.request.user)
        params = self.request.query_params
        if (customer_id := parse_id(params.get("customer"), name="customer")) is not None:
            queryset = queryset.filter(customer_id=customer_id)
        if kind := parse_choice(params.get("kind"), name="kind", choices=Meeting.Kind.values):
            queryset = queryset.filter(kind=kind)
        return queryset

    def perform_create(self, serializer: BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        customer = data.pop("customer")
        require(get_access(self.request.user, customer.pk).can_contribute)
        meeting = services.log_meeting(customer, author=self.request.user, data=MeetingData(**data))
        serializer.instance = queries.meetings_for_user(self.request.user).get(pk=meeting.pk)

    def perform_update(self, serializer: BaseSerializer) -> None:
        meeting = serializer.instance
        data = dict(serializer.validated_data)
        data.pop("customer", None)
        version = expected_version(serializer, data)
        m2m = {name: data.pop(name) for name in M2M if name in data}
        services.update_meeting(
            meeting, expected_version=version, changes=data, m2m=m2m, by=self.request.user
        )
        serializer.instance = queries.meetings_for_user(self.request.user).get(pk=meeting.pk)

    def may_write(self, access: AccountAccess, meeting: Meeting) -> bool:
        if self.request.method == "DELETE":
            return access.can_change_authored(meeting.author_id)
        return access.can_contribute

    def perform_destroy(self, instance: Meeting) -> None:
        services.delete_meeting(instance, by=self.request.user)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            CUSTOMER_PARAM,
            OpenApiParameter("status", OpenApiTypes.STR, enum=ActionItem.Status.values),
            OpenApiParameter(
                "owner",
                {"type": "string", "pattern": "^(me|[1-9][0-9]{0,18})$"},
                description="A user id, or `me`",
            ),
        ]
    )
)
class ActionItemViewSet(
    WriteChecks,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Next steps on the accounts the caller can see; a deleted one goes to the account's
    trash (restorable for 30 days)."""

    serializer_class = ActionItemSerializer

    def get_queryset(self) -> QuerySet[ActionItem]:
        queryset = queries.action_items_for_user(self.request.user)
        params = self.request.query_params
        if (customer_id := parse_id(params.get("customer"), name="customer")) is not None:
            queryset = queryset.filter(customer_id=customer_id)
        status_values = ActionItem.Status.values
        if status := parse_choice(params.get("status"), name="status", choices=status_values):
            queryset = queryset.filter(status=status)
        if params.get("owner") == "me":
            queryset = queryset.filter(owner=self.request.user)
        elif (owner_id := parse_id(params.get("owner"), name="owner")) is not None:
            queryset = queryset.filter(owner_id=owner_id)
        return queryset

    def perform_create(self, serializer: BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        customer = data.pop("customer")
        require(get_access(self.request.user, customer.pk).can_contribute)
        item = services.create_action_item(customer, created_by=self.request.user, **data)
        serializer.instance = queries.action_items_for_user(self.request.user).get(pk=item.pk)

    def perform_update(self, serializer: BaseSerializer) -> None:
        item = serializer.instance
        data = dict(serializer.validated_data)
        data.pop("customer", None)
        version = expected_version(serializer, data)
        services.update_action_item(
            item, expected_version=version, changes=data, by=self.request.user
        )
        serializer.instance = queries.action_items_for_user(self.request.user).get(pk=item.pk)

    def may_write(self, access: AccountAccess, item: ActionItem) -> bool:
        if self.request.method == "DELETE":
            return access.can_change_authored(item.created_by_id)
        return access.can_contribute

    def perform_destroy(self, instance: ActionItem) -> None:
        services.delete_action_item(instance, by=self.request.user)


router = SimpleRouter()
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("action-items", ActionItemViewSet, basename="action-item")

urlpatterns = router.urls
