from rest_framework import serializers

from insights.models import AccountSummary


class AccountSummarySerializer(serializers.ModelSerializer):
    content = serializers.JSONField(read_only=True)
    changes = serializers.ListField(child=serializers.CharField(max_length=1000), read_only=True)

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
            "content",
            "markdown",
            "html",
        ]
        read_only_fields = fields


class RebuildAcceptedSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["queued", "deferred"])
    detail = serializers.CharField(max_length=300)
    status_url = serializers.CharField(max_length=300)
