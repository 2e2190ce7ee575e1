from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from integrations import webhooks
from integrations.models import WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Every user's webhook endpoints: admins see which are switched off and switch them on."""

    list_display = ("url", "owner", "format", "is_active", "failing_since", "disabled_at")
    list_filter = ("is_active", "format")
    search_fields = ("url", "owner__username")
    fields = ("owner", "url", "description", "events", "format", "allow_private", "is_active")
    # Changed by their owners on the webhooks page (the SSRF check on the URL runs there).
    readonly_fields = fields
    actions = ("reenable",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Switch the selected webhooks on again"))
    def reenable(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        count = sum(webhooks.reenable_endpoint(endpoint) for endpoint in queryset)
        message = ngettext(
            "%(count)d webhook switched on again.", "%(count)d webhooks switched on again.", count
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)
