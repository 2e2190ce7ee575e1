"""API shapes of meetings, action items and search hits; related records limited to one customer."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS

from accounts.models import User
from accounts.visibility import users_who_can_see
from core.api import VersionedModelSerializer, unknown_pk
from customers.models import Customer, Goal, Problem, Stakeholder
from dialogue.forms import check_occurred_at
from dialogue.models import ActionItem, Meeting


def _request_user(serializer: serializers.Serializer) -> User:
    return serializer.context["request"].user


class PrefetchedIds(serializers.ManyRelatedField):
    """A to-many link read from the list its queryset prefetched into `prefetched_<name>`
    (dialogue.queries.meetings_for_api): a page of fifty meetings then builds no related
    manager and queryset per row and link. Without that list, read as DRF reads it."""

    def get_attribute(self, instance: Any) -> Any:
        prefetched = getattr(instance, f"prefetched_{self.source}", None)
        return prefetched if prefetched is not None else super().get_attribute(instance)


class _ManyFromPrefetch:
    @classmethod
    def many_init(cls, *args: Any, **kwargs: Any) -> PrefetchedIds:
        # As RelatedField.many_init, with the field above.
        shared = {key: value for key, value in kwargs.items() if key in MANY_RELATION_KWARGS}
        return PrefetchedIds(child_relation=cls(*args, **kwargs), **shared)


class VisibleRelatedField(_ManyFromPrefetch, serializers.PrimaryKeyRelatedField):
    """A link to a record the caller can see; anything else reads as 'does not exist'."""

    def get_queryset(self) -> Any:
        return self.queryset.model._default_manager.visible_to(_request_user(self.root))


class ActiveUserField(_ManyFromPrefetch, serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> Any:
        return User.objects.filter(is_active=True)


def _customer_of(serializer: serializers.Serializer, attrs: dict) -> Customer:
    return attrs.get("customer") or serializer.instance.customer


class MeetingSerializer(VersionedModelSerializer):
    customer = VisibleRelatedField(queryset=Customer.objects.all())
    stakeholders = VisibleRelatedField(
        queryset=Stakeholder.objects.all(), many=True, required=False
    )
    goals = VisibleRelatedField(queryset=Goal.objects.all(), many=True, required=False)
    problems = VisibleRelatedField(queryset=Problem.objects.all(), many=True, required=False)
    internal_attendees = ActiveUserField(queryset=User.objects.all(), many=True, required=False)
    author = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "customer",
            "occurred_at",
            "kind",
            "title",
            "notes",
            "customer_said",
            "insights",
            "stakeholders",
            "internal_attendees",
            "goals",
            "problems",
            "sentiment",
            "author",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate_customer(self, customer: Customer) -> Customer:
        if self.instance is not None and customer.pk != self.instance.customer_id:
            raise serializers.ValidationError(_("A meeting cannot move to another customer."))
        return customer

    def validate_occurred_at(self, value: Any) -> Any:
        try:
            return check_occurred_at(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    def validate(self, attrs: dict) -> dict:
        customer = _customer_of(self, attrs)
        errors: dict[str, str] = {}
        for name in ("stakeholders", "goals", "problems"):
            if any(record.customer_id != customer.pk for record in attrs.get(name, [])):
                errors[name] = f"Choose {name} of this meeting's customer only."
        if "internal_attendees" in attrs:
            allowed = set(users_who_can_see(customer.pk).values_list("pk", flat=True))
            strangers = [user.pk for user in attrs["internal_attendees"] if user.pk not in allowed]
            if strangers:
                errors["internal_attendees"] = unknown_pk(strangers[0])
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class ActionItemSerializer(VersionedModelSerializer):
    customer = VisibleRelatedField(queryset=Customer.objects.all())
    meeting = VisibleRelatedField(queryset=Meeting.objects.all(), required=False, allow_null=True)
    owner = ActiveUserField(queryset=User.objects.all())
    due_date = serializers.DateField(source="due_on", required=False, allow_null=True)
    # Null when its author's user was deleted.
    created_by = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "customer",
            "meeting",
            "description",
            "owner",
            "due_date",
            "status",
            "completed_at",
            "created_by",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["completed_at", "created_at", "updated_at"]

    def validate_customer(self, customer: Customer) -> Customer:
        if self.instance is not None and customer.pk != self.instance.customer_id:
            raise serializers.ValidationError(_("An action item cannot move to another customer."))
        return customer

    def validate_due_date(self, value: Any) -> Any:
        if value is not None and not (2000 <= value.year <= 2100):
            raise serializers.ValidationError(_("Enter a date between 2000 and 2100."))
        return value

    def validate(self, attrs: dict) -> dict:
        customer = _customer_of(self, attrs)
        errors: dict[str, str] = {}
        meeting = attrs.get("meeting")
        if meeting is not None and (meeting.customer_id != customer.pk or meeting.deleted_at):
            errors["meeting"] = "Choose a meeting of this customer."
        owner = attrs.get("owner")
        if owner is not None and not users_who_can_see(customer.pk).filter(pk=owner.pk).exists():
            errors["owner"] = unknown_pk(owner.pk)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs
