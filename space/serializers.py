from rest_framework import serializers

from space.models import Feedback, PlanStep, SharedSpace


class SharedSpaceSerializer(serializers.ModelSerializer):
    class Meta:
        model = SharedSpace
        fields = ["id", "customer", "introduction", "created_at", "version"]
        read_only_fields = fields


class PlanStepSerializer(serializers.ModelSerializer):
    customer = serializers.IntegerField(source="space.customer_id", read_only=True)
    due_date = serializers.DateField(source="due_on", read_only=True, allow_null=True)
    proposed_due_date = serializers.DateField(
        source="proposed_due_on", read_only=True, allow_null=True
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
        read_only_fields = fields


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
