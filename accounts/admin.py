from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from accounts import services
from accounts.models import (
    AccountMembership,
    ApiToken,
    Area,
    Notification,
    Team,
    TeamMember,
    User,
)

# A change to any of these ends the user's API tokens (a token vouches for them when issued).
TOKEN_ENDING_FIELDS = frozenset({"role", "is_active", "is_staff", "is_superuser"})


@admin.register(User)
class AccordUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Accord", {"fields": ("role", "area")}))
    add_fieldsets = (*UserAdmin.add_fieldsets, ("Accord", {"fields": ("role", "area")}))
    list_display = ("username", "email", "first_name", "last_name", "role", "area", "is_active")
    list_filter = ("role", "area", "is_active", "is_staff")

    def save_model(
        self, request: HttpRequest, obj: User, form: forms.ModelForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        if change and TOKEN_ENDING_FIELDS & set(form.changed_data):
            services.revoke_api_tokens(obj)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens can be looked at and revoked here; they are issued only by /api/auth/token/."""

    list_display = ("prefix", "user", "name", "is_mfa_verified", "created_at", "expires_at")
    list_filter = ("is_mfa_verified",)
    search_fields = ("user__username", "prefix")
    fields = ("user", "prefix", "name", "is_mfa_verified", "created_at", "expires_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


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
