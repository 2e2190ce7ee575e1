from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Area, User
from accounts.visibility import account_specialists
from core.api import NOT_FOUND, VersionedModelSerializer, unknown_pk
from core.markdown import render_markdown
from core.validators import validate_single_line
from customers.models import Customer, Option, Problem
from solutions import queries
from solutions.currencies import validate_currency
from solutions.models import DELETED_PARTNER_NAME, Comment, Contribution, Partner, Proposal
from solutions.workflow import allowed_transitions


def _user(serializer: serializers.Serializer) -> User:
    return serializer.context["request"].user


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """A related field whose choices are only the records the caller may see."""

    def get_queryset(self) -> Any:
        return self.queryset.model.objects.visible_to(self.context["request"].user)


class ProposalSerializer(VersionedModelSerializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    problems = VisibleRelatedField(many=True, required=False, queryset=Problem.objects.all())
    options = VisibleRelatedField(many=True, required=False, queryset=Option.objects.all())
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        error_messages={"does_not_exist": NOT_FOUND},
        help_text=_("Defaults to the caller; must be someone who can see the account."),
    )
    currency = serializers.CharField(
        max_length=3, min_length=3, required=False, validators=[validate_single_line]
    )
    allowed_transitions = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "id",
            "customer",
            "title",
            "summary",
            "problems",
            "options",
            "owner",
            "value",
            "currency",
            "status",
            "status_changed_at",
            "allowed_transitions",
            "created_by",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["status", "status_changed_at", "created_by", "created_at", "updated_at"]

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["customer"].queryset = Customer.objects.visible_to(request.user)
        return fields

    def get_allowed_transitions(self, proposal: Proposal) -> list[str]:
        return allowed_transitions(proposal.status)

    def validate_currency(self, value: str) -> str:
        value = value.strip().upper()
        validate_currency(value)
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        customer = attrs.get("customer")
        if self.instance is not None:
            if customer is not None and customer.pk != self.instance.customer_id:
                raise serializers.ValidationError(
                    {"customer": ["A proposal cannot move to another customer."]}
                )
            customer = self.instance.customer
        errors: dict[str, list[str]] = {}
        for name in ("problems", "options"):
            if any(item.customer_id != customer.pk for item in attrs.get(name, ())):
                errors[name] = [f"Only this customer's {name} can be linked."]
        if self.instance is None and "owner" not in attrs:
            attrs["owner"] = _user(self)
        owner = attrs.get("owner")
        if owner is not None and not queries.can_see(owner, customer.pk):
            errors["owner"] = [unknown_pk(owner.pk)]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class TransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Proposal.Status.choices)
    note = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        validators=[validate_single_line],
    )


class ContributionSerializer(serializers.ModelSerializer):
    proposal = serializers.PrimaryKeyRelatedField(queryset=Proposal.objects.all())
    specialist = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": NOT_FOUND},
    )
    partner = serializers.PrimaryKeyRelatedField(
        queryset=Partner.objects.all(), required=False, allow_null=True
    )
    area = serializers.PrimaryKeyRelatedField(
        queryset=Area.objects.all(), required=False, allow_null=True
    )
    request = serializers.CharField(max_length=5000, required=False, allow_blank=True)

    class Meta:
        model = Contribution
        fields = [
            "id",
            "proposal",
            "specialist",
            "partner",
            "area",
            "request",
            "description",
            "effort_days",
            "cost_estimate",
            "status",
            "decline_reason",
            "requested_by",
            "requested_at",
            "answered_at",
            "version",
        ]
        read_only_fields = [
            "description",
            "effort_days",
            "cost_estimate",
            "status",
            "decline_reason",
            "requested_by",
            "requested_at",
            "answered_at",
            "version",
        ]

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["proposal"].queryset = queries.live_proposals().visible_to(request.user)
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        specialist, partner = attrs.get("specialist"), attrs.get("partner")
        if (specialist is None) == (partner is None):
            raise serializers.ValidationError(
                {"specialist": ["Ask either a specialist or a partner (exactly one)."]}
            )
        if specialist is not None:
            specialists = account_specialists(attrs["proposal"].customer_id)
            if not specialists.filter(pk=specialist.pk).exists():
                raise serializers.ValidationError({"specialist": [unknown_pk(specialist.pk)]})
        return attrs


class ContributionWriteSerializer(VersionedModelSerializer):
    """What the asked specialist (or the proposal's manager, for a partner) writes."""

    class Meta:
        model = Contribution
        fields = ["id", "description", "effort_days", "cost_estimate", "status", "version"]
        read_only_fields = ["status"]


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, validators=[validate_single_line])


class CommentSerializer(serializers.ModelSerializer):
    proposal = serializers.PrimaryKeyRelatedField(queryset=Proposal.objects.all(), required=False)
    contribution = serializers.PrimaryKeyRelatedField(
        queryset=Contribution.objects.all(), required=False, allow_null=True
    )
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Comment.objects.all(), required=False, allow_null=True
    )
    body = serializers.CharField(max_length=20000)
    author_name = serializers.CharField(source="author.display_name", read_only=True)
    body_html = serializers.SerializerMethodField()
    is_edited = serializers.SerializerMethodField()
    is_deleted = serializers.SerializerMethodField()
    version = serializers.IntegerField(read_only=True)

    class Meta:
        model = Comment
        fields = [
            "id",
            "customer",
            "proposal",
            "contribution",
            "parent",
            "author",
            "author_name",
            "body",
            "body_html",
            "is_edited",
            "is_deleted",
            "created_at",
            "edited_at",
            "version",
        ]
        read_only_fields = ["customer", "author", "created_at", "edited_at"]

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            user = request.user
            fields["proposal"].queryset = queries.live_proposals().visible_to(user)
            fields["contribution"].queryset = Contribution.objects.visible_to(user).filter(
                proposal__deleted_at__isnull=True
            )
            fields["parent"].queryset = Comment.objects.visible_to(user)
        return fields

    @extend_schema_field(serializers.CharField())
    def get_body_html(self, comment: Comment) -> str:
        return "" if comment.deleted_at else str(render_markdown(comment.body))

    def get_is_edited(self, comment: Comment) -> bool:
        return comment.edited_at is not None

    def get_is_deleted(self, comment: Comment) -> bool:
        return comment.deleted_at is not None

    def to_representation(self, comment: Comment) -> dict[str, Any]:
        data = super().to_representation(comment)
        if comment.deleted_at:
            data["body"] = ""
        return data

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        proposal, contribution = attrs.get("proposal"), attrs.get("contribution")
        if contribution is not None:
            if proposal is not None and proposal.pk != contribution.proposal_id:
                raise serializers.ValidationError(
                    {"contribution": ["This contribution belongs to another proposal."]}
                )
            attrs["proposal"] = contribution.proposal
        elif proposal is None:
            raise serializers.ValidationError(
                {"proposal": ["Comment on a proposal or on a contribution."]}
            )
        parent = attrs.get("parent")
        if parent is not None and (
            parent.proposal_id != attrs["proposal"].pk
            or parent.contribution_id != (contribution.pk if contribution else None)
        ):
            raise serializers.ValidationError(
                {"parent": ["The comment you reply to is not in this thread."]}
            )
        return attrs


class CommentEditSerializer(VersionedModelSerializer):
    body = serializers.CharField(max_length=20000)

    class Meta:
        model = Comment
        fields = ["id", "body", "edited_at", "version"]
        read_only_fields = ["edited_at"]


class PartnerSerializer(VersionedModelSerializer):
    class Meta:
        model = Partner
        fields = [
            "id",
            "name",
            "market",
            "speciality",
            "website",
            "contact_name",
            "contact_email",
            "contact_phone",
            "created_at",
            "version",
        ]
        read_only_fields = ["created_at"]

    def validate_name(self, value: str) -> str:
        if Partner.name_in_trash(value, but=getattr(self.instance, "pk", None)):
            raise serializers.ValidationError(str(DELETED_PARTNER_NAME))
        return value
