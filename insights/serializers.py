from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Area, User
from accounts.visibility import users_who_can_see
from core.api import expected_version
from customers.models import Goal, Stakeholder
from customers.serializers import RecordSerializer
from insights import plans
from insights.document import change_codes, change_texts, reader_html, reader_markdown
from insights.forms import ITEM_FIELDS
from insights.models import AccountSummary, PlanItem


class ChangeCodeSerializer(serializers.Serializer):
    """A "what changed" line for machines: its stable key and values."""

    key = serializers.CharField(max_length=40)
    params = serializers.DictField()


class AccountSummarySerializer(serializers.ModelSerializer):
    content = serializers.JSONField(read_only=True)
    # Worded in the caller's language; `change_codes` keeps each line's key and values.
    changes = serializers.SerializerMethodField()
    change_codes = serializers.SerializerMethodField()
    # The document, like the lines, in the caller's language.
    markdown = serializers.SerializerMethodField()
    html = serializers.SerializerMethodField()

    class Meta:
        model = AccountSummary
        fields = [
            "id",
            "customer",
            "number",
            "source_data_version",
            "content_hash",
            "built_at",
            "changes",
            "change_codes",
            "content",
            "markdown",
            "html",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField(max_length=1000)))
    def get_changes(self, summary: AccountSummary) -> list[str]:
        return change_texts(summary.changes)

    @extend_schema_field(ChangeCodeSerializer(many=True))
    def get_change_codes(self, summary: AccountSummary) -> list[dict]:
        return change_codes(summary.changes)

    def get_markdown(self, summary: AccountSummary) -> str:
        return reader_markdown(summary)

    def get_html(self, summary: AccountSummary) -> str:
        return reader_html(summary)


class RebuildAcceptedSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["queued", "deferred"])
    detail = serializers.CharField(max_length=300)
    status_url = serializers.CharField(max_length=300)


class PlanItemSerializer(RecordSerializer):
    """An item of a plan section. `area` (on create) picks the section: none for the lead's
    strategy (objectives, risks, relationship actions), an area for its offers and open
    questions. Fields another kind uses must stay empty."""

    link_fields = ("goals", "stakeholder")
    area = serializers.PrimaryKeyRelatedField(
        queryset=Area.objects.all(),
        required=False,
        allow_null=True,
        write_only=True,
        help_text=_("On create: the area whose section gets the item; empty for the strategy."),
    )
    section_area = serializers.IntegerField(
        source="section.area_id", read_only=True, allow_null=True
    )
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )

    class Meta:
        model = PlanItem
        fields = [
            "id",
            "customer",
            "area",
            "section",
            "section_area",
            "kind",
            *ITEM_FIELDS,
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["section", "created_at", "updated_at"]

    def link_queryset(self, name: str, user: User) -> QuerySet:
        model = Goal if name == "goals" else Stakeholder
        return model.objects.visible_to(user)

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        if self.instance is not None:
            kind, area_id = self.instance.kind, self.instance.section.area_id
            customer_id = self.instance.customer_id
            stored = {"kind": kind, "area": self.instance.section.area}
            errors = {
                name: [_("Set when the item is created.")]
                for name in stored
                if name in attrs and attrs.pop(name) != stored[name]
            }
        else:
            kind, area = attrs.get("kind"), attrs.get("area")
            area_id, customer_id = (area.pk if area else None), attrs["customer"].pk
            allowed = PlanItem.AREA_KINDS if area else PlanItem.STRATEGY_KINDS
            errors = {}
            if kind not in allowed:
                errors["kind"] = [_("This section has no items of this kind.")]
        used = {"title", *PlanItem.FIELDS.get(kind, ())}
        for name in ITEM_FIELDS:
            if name not in used and attrs.get(name) not in (None, "", []):
                errors[name] = [_("Not used by this kind of item.")]
        owner = attrs.get("owner")
        if owner is not None and not users_who_can_see(customer_id).filter(pk=owner.pk).exists():
            errors["owner"] = [_("Choose someone who can see this account.")]
        if errors:
            raise serializers.ValidationError(errors)
        attrs["_area_id"] = area_id
        return attrs

    def create(self, validated_data: dict) -> PlanItem:
        validated_data.pop("version", None)
        validated_data.pop("_area_id")
        return plans.add_plan_item(
            validated_data.pop("customer"),
            area=validated_data.pop("area", None),
            kind=validated_data.pop("kind"),
            goals=validated_data.pop("goals", ()),
            values=validated_data,
            by=self.context["request"].user,
        )

    def update(self, instance: PlanItem, validated_data: dict) -> PlanItem:
        version = expected_version(self, validated_data)
        validated_data.pop("_area_id")
        return plans.update_plan_item(
            instance,
            goals=validated_data.pop("goals", None),
            values=validated_data,
            expected_version=version,
            by=self.context["request"].user,
        )
