from urllib.parse import urlencode

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse


def mfa_enforced() -> bool:
    return bool(settings.MFA_REQUIRED_ROLES)


class AccordAdminSite(AdminSite):
    """The admin: staff only, and with a verified second factor wherever MFA is enforced.

    It has no sign-in form of its own: everyone signs in (and passes MFA) through the app's one
    login page, which is rate limited by django-axes and audited.
    """

    site_header = "Accord administration"
    site_title = "Accord admin"

    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        return not mfa_enforced() or request.user.is_verified()

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        next_url = request.GET.get("next") or reverse("admin:index")
        if request.user.is_authenticated and not request.user.is_staff:
            return HttpResponseRedirect(reverse("home"))
        if request.user.is_authenticated:
            return HttpResponseRedirect(f"{reverse('mfa-verify')}?{urlencode({'next': next_url})}")
        return HttpResponseRedirect(
            f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': next_url})}"
        )


class AccordAdminConfig(AdminConfig):
    """Installs AccordAdminSite as `admin.site` (INSTALLED_APPS names this, not contrib.admin)."""

    default_site = "core.admin_site.AccordAdminSite"
