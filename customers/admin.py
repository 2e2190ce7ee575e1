from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from customers.models import (
    BusinessModel,
    Customer,
    Goal,
    Option,
    Problem,
    Process,
    ProcessStep,
    Stakeholder,
    StrategicMove,
)


@admin.register(Customer)
class CustomerAdmin(SimpleHistoryAdmin):
    list_display = ("name", "industry", "lead", "health_score", "health_band")
    search_fields = ("name", "industry")
    list_filter = ("size", "health_band")
    autocomplete_fields = ("lead",)


class ProcessStepInline(admin.TabularInline):
    model = ProcessStep
    extra = 0


@admin.register(Process)
class ProcessAdmin(SimpleHistoryAdmin):
    list_display = ("name", "customer")
    inlines = [ProcessStepInline]


for model in (BusinessModel, Goal, Option, Problem, Stakeholder, StrategicMove):
    admin.site.register(model, SimpleHistoryAdmin)
