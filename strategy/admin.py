from django.contrib import admin

from strategy.models import Offering


@admin.register(Offering)
class OfferingAdmin(admin.ModelAdmin):
    """The offering catalogue: admins keep it, grouped by the area that delivers it."""

    list_display = ["name", "area", "position", "is_active"]
    list_filter = ["area", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["name", "description"]
