from django.contrib import admin

from insights.models import (
    AccountPlan,
    AccountSummary,
    PlanSection,
    PlanSectionRevision,
    SummaryBuildState,
)


@admin.register(SummaryBuildState)
class SummaryBuildStateAdmin(admin.ModelAdmin):
    """Failed summary builds, with their error, for staff to look into."""

    list_display = (
        "customer",
        "status",
        "attempts",
        "finished_at",
        "last_success_at",
        "run_count",
        "short_error",
    )
    list_filter = ("status",)
    search_fields = ("customer__name", "last_error")
    list_select_related = ("customer",)
    readonly_fields = [f.name for f in SummaryBuildState._meta.fields]

    @admin.display(description="Error")
    def short_error(self, obj: SummaryBuildState) -> str:
        return obj.last_error[:120]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(AccountSummary)
class AccountSummaryAdmin(admin.ModelAdmin):
    list_display = ("customer", "number", "built_at", "source_data_version")
    list_select_related = ("customer",)
    search_fields = ("customer__name",)
    readonly_fields = [f.name for f in AccountSummary._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(AccountPlan)
class AccountPlanAdmin(admin.ModelAdmin):
    list_display = ("customer", "status", "submitted_at", "last_approved_at")
    list_filter = ("status",)
    list_select_related = ("customer",)


class RevisionInline(admin.TabularInline):
    model = PlanSectionRevision
    extra = 0
    readonly_fields = ("version", "body", "saved_by", "saved_at")
    can_delete = False


@admin.register(PlanSection)
class PlanSectionAdmin(admin.ModelAdmin):
    list_display = ("customer", "kind", "area", "version", "updated_at")
    list_select_related = ("customer", "area")
    inlines = [RevisionInline]
