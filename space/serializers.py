"""API shapes of the shared space. Steps are written by the lead and managers (the pages'
rule); every related id is checked against the step's own account."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import User
from accounts.visibility import users_who_can_see
from core.api import VersionedModelSerializer, unknown_pk
from customers.models import Customer, Goal, Stakeholder
from dialogue.serializers import ActionItemSerializer, ActiveUserField, VisibleRelatedField
from solutions.models import Proposal
from space.models import Feedback, Milestone, PlanStep, SharedSpace


class SharedSpaceSerializer(serializers.ModelSerializer):
    class Meta:
        model = SharedSpace
        fields = ["id", "customer", "introduction", "created_at", "version"]
        read_only_fields = fields


class PlanStepSerializer(VersionedModelSerializer):
    """A step of the mutual action plan. Created on an account (its shared space is opened if
    the lead had not yet); exactly one owner, on our side (`owner_user`) or the customer's
    (`owner_stakeholder`): setting one clears the other."""

    customer = VisibleRelatedField(
        queryset=Customer.objects.all(),
        source="space.customer",
        help_text=_("The account; set on creation, never changed."),
    )
    owner_user = ActiveUserField(
        queryset=User.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("A colleague who can see the account."),
    )
    owner_stakeholder = VisibleRelatedField(
        queryset=Stakeholder.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("A stakeholder of the account."),
    )
    milestone = VisibleRelatedField(
        queryset=Milestone.objects.all(), required=False, allow_null=True
    )
    goal = VisibleRelatedField(queryset=Goal.objects.all(), required=False, allow_null=True)
    proposal = VisibleRelatedField(queryset=Proposal.objects.all(), required=False, allow_null=True)
    due_date = serializers.DateField(source="due_on", required=False, allow_null=True)
    proposed_due_date = serializers.DateField(
        source="proposed_due_on",
        read_only=True,
        allow_null=True,
        help_text=_("A date a guest proposed; POST accept-date/ takes it."),
    )

    class Meta:
        model = PlanStep
        fields = [
            "id",
            "space",
            "customer",
            "milestone",
            "title",
            "owner_user",
            "owner_stakeholder",
            "due_date",
            "status",
            "goal",
            "proposal",
            "proposed_due_date",
            "completed_at",
            "created_at",
            "version",
        ]
        read_only_fields = ["space", "completed_at", "created_at"]

    def validate_customer(self, customer: Customer) -> Customer:
        if self.instance is not None and customer.pk != self.instance.space.customer_id:
            raise serializers.ValidationError(_("A step cannot move to another customer."))
        return customer

    # The same range as an action item's due date.
    validate_due_date = ActionItemSerializer.validate_due_date

    def validate(self, attrs: dict) -> dict:
        customer_id = (
            attrs["space"]["customer"].pk if "space" in attrs else self.instance.space.customer_id
        )
        errors: dict[str, Any] = {}
        user, stakeholder = attrs.get("owner_user"), attrs.get("owner_stakeholder")
        if user is not None and stakeholder is not None:
            errors["owner_user"] = _("Give one owner: a colleague or a stakeholder, not both.")
        elif user is not None:
            attrs["owner_stakeholder"] = None
            if not users_who_can_see(customer_id).filter(pk=user.pk).exists():
                errors["owner_user"] = unknown_pk(user.pk)
        elif stakeholder is not None:
            attrs["owner_user"] = None
            if stakeholder.customer_id != customer_id:
                errors["owner_stakeholder"] = unknown_pk(stakeholder.pk)
        elif self.instance is None or "owner_user" in attrs or "owner_stakeholder" in attrs:
            errors["owner_user"] = _("Give the step an owner: a colleague or a stakeholder.")
        for name in ("goal", "proposal"):
            record = attrs.get(name)
            if record is not None and record.customer_id != customer_id:
                errors[name] = unknown_pk(record.pk)
        milestone = attrs.get("milestone")
        if milestone is not None and milestone.space.customer_id != customer_id:
            errors["milestone"] = unknown_pk(milestone.pk)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class FeedbackSerializer(serializers.ModelSerializer):
    customer = serializers.IntegerField(source="space.customer_id", read_only=True)
    goal = serializers.IntegerField(source="item.goal_id", read_only=True, allow_null=True)
    problem = serializers.IntegerField(source="item.problem_id", read_only=True, allow_null=True)

    class Meta:
        model = Feedback
        fields = [
            "id",
            "space",
            "customer",
            "goal",
            "problem",
            "said_by",
            "kind",
            "title",
            "text",
            "value",
            "status",
            "decided_by",
            "decided_at",
            "created_at",
        ]
        read_only_fields = fields
