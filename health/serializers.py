from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customers.models import Customer
from health import words
from health.models import AccountHealth, HealthSnapshot, ScoreAnnotation


class ReasonCodeSerializer(serializers.Serializer):
    """A reason for machines: its stable key and values ("text" for one stored as a sentence)."""

    key = serializers.CharField(max_length=40)
    params = serializers.DictField()


class ComponentSerializer(serializers.Serializer):
    """A component worded in the caller's language (`name`, `reasons`), with the stable `key`
    and `reason_codes` beside them."""

    key = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=100)
    weight = serializers.IntegerField(min_value=0, max_value=1000)
    points = serializers.FloatField(min_value=0, max_value=1000)
    max_points = serializers.IntegerField(min_value=0, max_value=1000)
    reasons = serializers.ListField(child=serializers.CharField(max_length=300))
    reason_codes = ReasonCodeSerializer(many=True)


class AnnotationSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.display_name", read_only=True, max_length=300)

    class Meta:
        model = ScoreAnnotation
        fields = ["id", "author", "body", "created_at"]


class SnapshotSerializer(serializers.ModelSerializer):
    annotations = serializers.SerializerMethodField()

    class Meta:
        model = HealthSnapshot
        fields = ["taken_on", "score", "band", "annotations"]

    @extend_schema_field(AnnotationSerializer(many=True))
    def get_annotations(self, snapshot: HealthSnapshot) -> list[dict]:
        by_snapshot = self.context.get("annotations", {})
        return AnnotationSerializer(by_snapshot.get(snapshot.pk, []), many=True).data


class LatestSnapshotSerializer(serializers.ModelSerializer):
    components = serializers.SerializerMethodField()

    class Meta:
        model = HealthSnapshot
        fields = ["taken_on", "score", "band", "computed_at", "components"]

    @extend_schema_field(ComponentSerializer(many=True))
    def get_components(self, snapshot: HealthSnapshot) -> list[dict]:
        return ComponentSerializer(words.present_components(snapshot.components), many=True).data


class AccountHealthSerializer(serializers.Serializer):
    """One account's latest health with its components, and its daily history."""

    customer = serializers.IntegerField(min_value=1)
    name = serializers.CharField(max_length=200)
    latest = LatestSnapshotSerializer(allow_null=True)
    history = SnapshotSerializer(many=True)


class HealthParamsSerializer(serializers.Serializer):
    customer = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    days = serializers.IntegerField(min_value=1, max_value=366, default=90)


def _stored_value(name: str) -> serializers.DecimalField:
    """One of the account's stored values at stake (strategy.StoredScorecard); null before
    the change feed stored it."""
    return serializers.DecimalField(
        source=f"scorecard.{name}",
        max_digits=16,
        decimal_places=2,
        read_only=True,
        allow_null=True,
    )


class DashboardRowSerializer(serializers.ModelSerializer):
    customer = serializers.IntegerField(source="pk", read_only=True)
    lead = serializers.CharField(source="lead.display_name", read_only=True, max_length=300)
    lead_id = serializers.IntegerField(read_only=True)
    # Empty until the account's first score.
    health_band = serializers.ChoiceField(
        choices=[("", "Not scored yet"), *Customer.HealthBand.choices], read_only=True
    )
    trend_30d = serializers.SerializerMethodField()
    trend_points = serializers.SerializerMethodField()
    open_severe_problems = serializers.SerializerMethodField()
    overdue_action_items = serializers.SerializerMethodField()
    proposals_in_flight = serializers.SerializerMethodField()
    areas_involved = serializers.SerializerMethodField()
    # The stored plan scorecard and value at stake (organisation currency); null until stored.
    plan_percent = serializers.IntegerField(
        source="scorecard.percent", read_only=True, allow_null=True
    )
    open_value = _stored_value("open_value")
    weighted_value = _stored_value("weighted_value")
    installed_value = _stored_value("installed_value")

    class Meta:
        model = Customer
        fields = [
            "customer",
            "name",
            "industry",
            "lead",
            "lead_id",
            "health_score",
            "health_band",
            "health_updated_at",
            "trend_30d",
            "trend_points",
            "last_meeting_at",
            "open_severe_problems",
            "overdue_action_items",
            "proposals_in_flight",
            "areas_involved",
            "plan_percent",
            "open_value",
            "weighted_value",
            "installed_value",
        ]
        read_only_fields = fields

    def _health(self, customer: Customer) -> AccountHealth | None:
        try:
            return customer.health
        except AccountHealth.DoesNotExist:
            return None

    def get_trend_30d(self, customer: Customer) -> int | None:
        health = self._health(customer)
        return health.trend_30d if health else None

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_trend_points(self, customer: Customer) -> list[int]:
        health = self._health(customer)
        return list(health.trend_points) if health else []

    def get_open_severe_problems(self, customer: Customer) -> int | None:
        health = self._health(customer)
        return health.open_severe_problems if health else None

    def get_overdue_action_items(self, customer: Customer) -> int | None:
        health = self._health(customer)
        return health.overdue_action_items if health else None

    def get_proposals_in_flight(self, customer: Customer) -> int | None:
        health = self._health(customer)
        return health.proposals_in_flight if health else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_areas_involved(self, customer: Customer) -> list[str]:
        health = self._health(customer)
        return list(health.area_names) if health else []
