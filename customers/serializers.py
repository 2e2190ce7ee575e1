from rest_framework import serializers

from accounts.visibility import access_from_annotations
from core.api import VersionedModelSerializer
from customers.models import Customer


class CustomerSerializer(VersionedModelSerializer):
    lead = serializers.PrimaryKeyRelatedField(read_only=True)
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
        if request is None or not hasattr(customer, "i_manage"):
            return None
        return access_from_annotations(customer, request.user).role
