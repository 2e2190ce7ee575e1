from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as account_views
from core import views as core_views
from core.metrics import metrics_view
from home import views as home_views

api_patterns = [
    path("auth/token/", account_views.obtain_token, name="api-token"),
    path("", include("accounts.api")),
    path("", include("customers.api")),
    path("", include("dialogue.api")),
    path("", include("solutions.api")),
    path("", include("insights.api")),
    path("", include("health.api")),
    path("", include("integrity.api")),
    path("", include("integrations.api")),
    path("", include("space.api")),
    path("", include("search.api")),
    path("", include("strategy.api")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    path("", home_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
    path("accounts/", include("accounts.urls")),
    path("customers/", include("customers.urls")),
    path("", include("integrity.urls")),
    path("dialogue/", include("dialogue.urls")),
    path("solutions/", include("solutions.urls")),
    path("insights/", include("insights.urls")),
    path("health/", include("health.urls")),
    path("integrations/", include("integrations.urls")),
    path("mailin/", include("mailin.urls")),
    path("", include("space.urls")),
    path("strategy/", include("strategy.urls")),
    path("search/", include("search.urls")),
    path("api/", include(api_patterns)),
    path("admin/", admin.site.urls),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
