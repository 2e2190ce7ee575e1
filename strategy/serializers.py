"""API serializers of the strategy tools; links are limited to records the caller sees and
to the same customer (customers.serializers.RecordSerializer)."""

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from customers.models import Goal, Option, Problem, Stakeholder, StrategicMove
from customers.serializers import RecordSerializer
from solutions.models import Proposal
from strategy import services
from strategy.forms import currency_choices
from strategy.models import (
    PLAYBOOK_FIELDS,
    AnalysisItem,
    Division,
    Offering,
    Playbook,
    ProposalValue,
    StoredScorecard,
    WhitespaceCell,
)
from strategy.scorecards import criterion_in_language

LINKS = {
    "head": Stakeholder,
    "stakeholders": Stakeholder,
    "goals": Goal,
    "goal": Goal,
    "problems": Problem,
    "problem": Problem,
    "strategic_move": StrategicMove,
    "option": Option,
    "division": Division,
    "proposal": Proposal,
}


class StrategyRecordSerializer(RecordSerializer):
    def link_queryset(self, name: str, user: User) -> QuerySet:
        queryset = LINKS[name].objects.visible_to(user)
        if hasattr(LINKS[name], "deleted_at"):
            queryset = queryset.filter(deleted_at__isnull=True)
        return queryset


class OfferingSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True)

    class Meta:
        model = Offering
        fields = ["id", "name", "area", "area_name", "description", "position", "is_active"]


class DivisionSerializer(StrategyRecordSerializer):
    link_fields = ("head", "stakeholders", "goals")

    class Meta:
        model = Division
        fields = [
            "id",
            "customer",
            "name",
            "head",
            "employees",
            "notes",
            "stakeholders",
            "goals",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["created_at", "updated_at"]


class WhitespaceCellSerializer(StrategyRecordSerializer):
    link_fields = ("division", "proposal", "goals", "problems")
    offering = serializers.PrimaryKeyRelatedField(queryset=Offering.objects.all())

    class Meta:
        model = WhitespaceCell
        fields = [
            "id",
            "customer",
            "division",
            "offering",
            "status",
            "installed_since",
            "annual_value",
            "proposal",
            "reason",
            "goals",
            "problems",
            "competitor",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        current = self.instance
        status = attrs.get("status", getattr(current, "status", ""))
        if self.instance is not None and any(k in attrs for k in ("division", "offering")):
            raise serializers.ValidationError({"division": ["A cell stays where it is."]})
        if status == WhitespaceCell.Status.PROPOSED and not attrs.get(
            "proposal", getattr(current, "proposal", None)
        ):
            raise serializers.ValidationError({"proposal": ["Choose the proposal."]})
        if status == WhitespaceCell.Status.COMPETITOR and not attrs.get(
            "competitor", getattr(current, "competitor", "")
        ):
            raise serializers.ValidationError({"competitor": ["Name the competitor."]})
        return attrs


class AnalysisItemSerializer(StrategyRecordSerializer):
    link_fields = ("problem", "strategic_move", "option", "goal")

    class Meta:
        model = AnalysisItem
        fields = [
            "id",
            "customer",
            "category",
            "text",
            "problem",
            "strategic_move",
            "option",
            "goal",
            "source_kind",
            "source_version",
            "is_suggested",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        links = [name for name in self.link_fields if attrs.get(name) is not None]
        if len(links) > 1:
            raise serializers.ValidationError({links[1]: ["Link one record at the most."]})
        return attrs

    def create(self, validated_data: dict) -> Any:
        source = next((validated_data[n] for n in self.link_fields if validated_data.get(n)), None)
        return services.add_analysis_item(
            validated_data["customer"],
            category=validated_data["category"],
            text=validated_data["text"],
            source=source,
            by=self.context["request"].user,
        )


class ProposalValueSerializer(StrategyRecordSerializer):
    link_fields = ("proposal",)
    currency = serializers.ChoiceField(choices=currency_choices())
    probability = serializers.IntegerField(min_value=0, max_value=100)
    rate = serializers.DecimalField(max_digits=14, decimal_places=6, min_value=0, required=False)

    class Meta:
        model = ProposalValue
        fields = [
            "id",
            "customer",
            "proposal",
            "amount",
            "currency",
            "rate",
            "recurrence",
            "decision_on",
            "probability",
            "organisation_amount",
            "weighted_amount",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["organisation_amount", "weighted_amount", "created_at", "updated_at"]

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        currency = attrs.get("currency", getattr(self.instance, "currency", None))
        if currency == settings.ORGANISATION_CURRENCY:
            attrs["rate"] = 1
        elif "currency" in attrs and not attrs.get("rate"):
            raise serializers.ValidationError({"rate": ["Give the rate used for this currency."]})
        moved = self.instance is not None and "proposal" in attrs
        if moved and attrs["proposal"] != self.instance.proposal:
            raise serializers.ValidationError({"proposal": ["A value stays with its proposal."]})
        return attrs


class PlaybookSerializer(serializers.ModelSerializer):
    class Meta:
        model = Playbook
        fields = ["id", *PLAYBOOK_FIELDS]


class CriterionSerializer(serializers.Serializer):
    key = serializers.CharField(max_length=100)
    label = serializers.CharField(max_length=300)
    met = serializers.BooleanField()
    reason = serializers.CharField(max_length=300)
    fix_url = serializers.CharField(max_length=300)


class ScorecardSerializer(serializers.ModelSerializer):
    # Worded in the caller's language; `key` is the criterion's stable name.
    criteria = serializers.SerializerMethodField()

    @extend_schema_field(CriterionSerializer(many=True))
    def get_criteria(self, scorecard: StoredScorecard) -> list[dict]:
        return [criterion_in_language(c) for c in scorecard.criteria]

    class Meta:
        model = StoredScorecard
        fields = [
            "id",
            "customer",
            "playbook",
            "percent",
            "criteria",
            "open_value",
            "weighted_value",
            "installed_value",
            "computed_at",
        ]
