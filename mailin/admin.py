from django.contrib import admin

from mailin.models import DroppedMailCount


@admin.register(DroppedMailCount)
class DroppedMailCountAdmin(admin.ModelAdmin):
    """Dropped inbound email, counted by reason: read-only."""

    list_display = ("reason", "count", "last_dropped_at")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
