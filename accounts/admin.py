from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import AccountMembership, Area, Notification, Team, TeamMember, User


@admin.register(User)
class AccordUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Accord", {"fields": ("role", "area")}))
    add_fieldsets = (*UserAdmin.add_fieldsets, ("Accord", {"fields": ("role", "area")}))
    list_display = ("username", "email", "first_name", "last_name", "role", "area", "is_active")
    list_filter = ("role", "area", "is_active", "is_staff")


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("name", "description")
    search_fields = ("name",)


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 1
    autocomplete_fields = ("user",)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "manager")
    inlines = [TeamMemberInline]
    autocomplete_fields = ("manager",)


@admin.register(AccountMembership)
class AccountMembershipAdmin(admin.ModelAdmin):
    list_display = ("customer", "user", "role", "created_at")
    list_filter = ("role",)
    autocomplete_fields = ("customer", "user")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "message", "created_at", "read_at")
    list_filter = ("kind",)
