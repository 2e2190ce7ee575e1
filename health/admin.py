from django.contrib import admin

from health.models import AccountHealth, HealthSnapshot, ScoreAnnotation


@admin.register(HealthSnapshot)
class HealthSnapshotAdmin(admin.ModelAdmin):
    list_display = ["customer", "taken_on", "score", "band"]
    list_filter = ["band"]
    date_hierarchy = "taken_on"
    list_select_related = ["customer"]
    raw_id_fields = ["customer"]


@admin.register(ScoreAnnotation)
class ScoreAnnotationAdmin(admin.ModelAdmin):
    list_display = ["customer", "snapshot", "author", "created_at"]
    list_select_related = ["customer", "snapshot", "author"]
    raw_id_fields = ["customer", "snapshot", "author"]


@admin.register(AccountHealth)
class AccountHealthAdmin(admin.ModelAdmin):
    list_display = ["customer", "score", "band", "trend_30d", "red_since", "computed_at"]
    list_filter = ["band"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer"]
