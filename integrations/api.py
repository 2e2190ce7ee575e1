"""The webhook endpoints in the API: switching one that failed for a day back on."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from integrations import webhooks
from integrations.access import endpoints_to_reenable
from integrations.models import WebhookEndpoint


class WebhookEndpointStateSerializer(serializers.ModelSerializer):
    """An endpoint's address and whether Accord sends to it (never its secret)."""

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "is_active", "failing_since", "disabled_at"]
        read_only_fields = fields


class WebhookEndpointViewSet(viewsets.GenericViewSet):
    """Webhook endpoints: their owners', and every one for an admin."""

    serializer_class = WebhookEndpointStateSerializer

    def get_queryset(self) -> QuerySet[WebhookEndpoint]:
        if getattr(self, "swagger_fake_view", False):
            return WebhookEndpoint.objects.none()
        return endpoints_to_reenable(self.request.user)

    @extend_schema(request=None, responses=WebhookEndpointStateSerializer)
    @action(detail=True, methods=["post"])
    def reenable(self, request: Request, pk: str | None = None) -> Response:
        """Switch an endpoint that was switched off after a day of failures back on, its
        failures forgotten (already on: nothing changes)."""
        endpoint = self.get_object()
        webhooks.reenable_endpoint(endpoint)
        endpoint.refresh_from_db()
        return Response(self.get_serializer(endpoint).data)


router = SimpleRouter()
router.register("webhook-endpoints", WebhookEndpointViewSet, basename="api-webhook-endpoint")

urlpatterns = router.urls
