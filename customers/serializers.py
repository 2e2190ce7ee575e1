from typing import Any

from django.db import models, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import AccountMembership, User
from accounts.visibility import access_from_annotations
from core.api import VersionedModelSerializer, expected_version, unknown_pk
from customers import services
from customers.access import get_access
from customers.models import (
    BusinessModel,
    Customer,
    Goal,
    Option,
    Problem,
    Process,
    ProcessStep,
    Stakeholder,
    StrategicMove,
)
from customers.queries import stakeholder_cycle


class CustomerSerializer(VersionedModelSerializer):
    lead = serializers.PrimaryKeyRelatedField(read_only=True)
    # Blank until the account is first scored.
    health_band = serializers.ChoiceField(
        choices=Customer.HealthBand.choices, allow_blank=True, read_only=True
    )
    lead_name = serializers.CharField(source="lead.display_name", read_only=True)
    my_role = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = [
            "id",
            "name",
            "industry",
            "website",
            "size",
            "description",
            "lead",
            "lead_name",
            "my_role",
            "health_score",
            "health_band",
            "last_meeting_at",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = [
            "health_score",
            "health_band",
            "last_meeting_at",
            "created_at",
            "updated_at",
        ]

    def get_my_role(self, customer: Customer) -> str | None:
        request = self.context.get("request")
        if request is None or not hasattr(customer, "managed_role"):
            return None
        return access_from_annotations(customer, request.user).role


class RecordSerializer(VersionedModelSerializer):
    """A customer's record: links must point at the same customer's records, which the caller sees.

    `customer` is set on create and read-only afterwards; writes go through the services.
    """

    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.none())
    link_fields: tuple[str, ...] = ()

    def get_fields(self) -> dict:
        fields = super().get_fields()
        user = self.context["request"].user
        fields["customer"].queryset = Customer.objects.visible_to(user)
        for name, field in fields.items():
            target = getattr(field, "child_relation", field)
            if name in self.link_fields and hasattr(target, "queryset"):
                target.queryset = self.link_queryset(name, user)
        return fields

    def link_queryset(self, name: str, user: User) -> QuerySet:
        raise NotImplementedError

    def validate(self, attrs: dict) -> dict:
        if self.instance is not None:
            moved = attrs.get("customer")
            if moved is not None and moved.pk != self.instance.customer_id:
                raise serializers.ValidationError(
                    {"customer": ["A record cannot be moved to another customer."]}
                )
            attrs.pop("customer", None)
            customer_id = self.instance.customer_id
        else:
            customer_id = attrs["customer"].pk
        errors = {}
        for name in self.link_fields:
            if name not in attrs or attrs[name] is None:
                continue
            values = attrs[name] if isinstance(attrs[name], list) else [attrs[name]]
            if any(_customer_id_of(v) != customer_id for v in values):
                errors[name] = ["Link only to records of the same customer."]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def create(self, validated_data: dict) -> Any:
        validated_data.pop("version", None)
        customer = validated_data.pop("customer")
        fields, m2m = _split(self.Meta.model, validated_data)
        return services.create_record(
            self.Meta.model,
            customer=customer,
            by=self.context["request"].user,
            fields=fields,
            m2m=m2m,
        )

    def update(self, instance: Any, validated_data: dict) -> Any:
        version = expected_version(self, validated_data)
        fields, m2m = _split(self.Meta.model, validated_data)
        return services.update_record(
            instance,
            by=self.context["request"].user,
            expected_version=version,
            changes=fields,
            m2m=m2m,
        )


def _customer_id_of(record: Any) -> int:
    if isinstance(record, ProcessStep):
        return record.process.customer_id
    return record.customer_id


def _split(model: type[models.Model], data: dict) -> tuple[dict, dict]:
    fields, m2m = {}, {}
    for name, value in data.items():
        (m2m if model._meta.get_field(name).many_to_many else fields)[name] = value
    return fields, m2m


def _visible_goals(user: User) -> QuerySet:
    return Goal.objects.visible_to(user)


def _visible_people(user: User) -> QuerySet:
    return Stakeholder.objects.visible_to(user).filter(deleted_at__isnull=True)


class GoalSerializer(RecordSerializer):
    target_date = serializers.DateField(source="target_on", required=False, allow_null=True)
    priority = serializers.IntegerField(min_value=1, max_value=3, required=False)

    class Meta:
        model = Goal
        fields = [
            "id",
            "customer",
            "title",
            "description",
            "priority",
            "target_date",
            "metric",
            "status",
            "confirmed",
            "source",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["created_at", "updated_at"]


class ProblemSerializer(RecordSerializer):
    link_fields = ("blocks_goals", "process_step", "raised_by")
    proposals = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Problem
        fields = [
            "id",
            "customer",
            "title",
            "description",
            "severity",
            "status",
            "blocks_goals",
            "process_step",
            "raised_by",
            "confirmed",
            "source",
            "proposals",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def link_queryset(self, name: str, user: User) -> QuerySet:
        if name == "blocks_goals":
            return _visible_goals(user)
        if name == "process_step":
            return ProcessStep.objects.filter(
                process__in=Process.objects.visible_to(user)
            ).select_related("process")
        return _visible_people(user)


class StakeholderSerializer(RecordSerializer):
    link_fields = ("reports_to", "influences")
    influence = serializers.IntegerField(min_value=1, max_value=5, required=False)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )

    class Meta:
        model = Stakeholder
        fields = [
            "id",
            "customer",
            "name",
            "title",
            "email",
            "phone",
            "buying_role",
            "influence",
            "attitude",
            "reports_to",
            "owner",
            "influences",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def link_queryset(self, name: str, user: User) -> QuerySet:
        return _visible_people(user)

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        customer_id = self.instance.customer_id if self.instance else attrs["customer"].pk
        errors = {}
        owner = attrs.get("owner")
        if owner is not None and not get_access(owner, customer_id).can_view:
            errors["owner"] = [unknown_pk(owner.pk)]
        own_id = self.instance.pk if self.instance else None
        if stakeholder_cycle(own_id, attrs.get("reports_to")):
            errors["reports_to"] = ["That would make a reporting loop."]
        if own_id and any(p.pk == own_id for p in attrs.get("influences", [])):
            errors["influences"] = ["A stakeholder cannot influence themselves."]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class StrategicMoveSerializer(RecordSerializer):
    horizon_date = serializers.DateField(source="horizon_on", required=False, allow_null=True)

    class Meta:
        model = StrategicMove
        fields = [
            "id",
            "customer",
            "title",
            "kind",
            "description",
            "horizon_date",
            "status",
            "source",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["created_at", "updated_at"]


class OptionSerializer(RecordSerializer):
    link_fields = ("serves_goals",)

    class Meta:
        model = Option
        fields = [
            "id",
            "customer",
            "kind",
            "title",
            "description",
            "serves_goals",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def link_queryset(self, name: str, user: User) -> QuerySet:
        return _visible_goals(user)


class ProcessStepSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False, min_value=1, max_value=2_147_483_647)
    pain_points = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = ProcessStep
        fields = ["id", "position", "name", "description", "pain_points"]
        read_only_fields = ["position"]


class ProcessSerializer(RecordSerializer):
    steps = ProcessStepSerializer(many=True, required=False)

    class Meta:
        model = Process
        fields = [
            "id",
            "customer",
            "name",
            "description",
            "steps",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate_steps(self, steps: list[dict]) -> list[dict]:
        if len(steps) > 100:
            raise serializers.ValidationError(_("A process has at most 100 steps."))
        own = set(self.instance.steps.values_list("pk", flat=True)) if self.instance else set()
        ids = [s["id"] for s in steps if s.get("id")]
        if len(ids) != len(set(ids)) or not set(ids) <= own:
            raise serializers.ValidationError(
                _("Step ids must be this process's own steps, each listed once.")
            )
        return steps

    def create(self, validated_data: dict) -> Any:
        steps = validated_data.pop("steps", [])
        with transaction.atomic():
            process = super().create(validated_data)
            services.replace_process_steps(process, steps=steps, by=self.context["request"].user)
        return process

    def update(self, instance: Any, validated_data: dict) -> Any:
        steps = validated_data.pop("steps", None)
        with transaction.atomic():
            process = super().update(instance, validated_data)
            if steps is not None:
                services.replace_process_steps(
                    process, steps=steps, by=self.context["request"].user
                )
        return process


class BusinessModelSerializer(VersionedModelSerializer):
    customer = serializers.PrimaryKeyRelatedField(read_only=True)
    # Null for the empty canvas shown before its first save.
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = BusinessModel
        fields = ["customer", *BusinessModel.CANVAS_FIELDS, "updated_at", "version"]
        read_only_fields = ["updated_at"]


class MembershipSerializer(serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    username = serializers.CharField(source="user.username", read_only=True)
    display_name = serializers.CharField(source="user.display_name", read_only=True)

    class Meta:
        model = AccountMembership
        fields = ["user", "username", "display_name", "role", "created_at"]
        read_only_fields = ["created_at"]


class MembershipRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=AccountMembership.Role.choices)
