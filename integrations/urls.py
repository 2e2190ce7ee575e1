from django.urls import path

from integrations import views, views_webhooks

app_name = "integrations"

urlpatterns = [
    path("imports/", views.imports_page, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import"),
    path("imports/<int:pk>/map/", views.map_columns, name="map-columns"),
    path("imports/<int:pk>/run/", views.run_import, name="run-import"),
    path("imports/<int:pk>/check/", views.check_again, name="check-again"),
    path("imports/<int:pk>/undo/", views.undo_import, name="undo-import"),
    path("imports/<int:pk>/errors.csv", views.error_report, name="error-report"),
    path("webhooks/", views_webhooks.endpoints, name="webhooks"),
    path("webhooks/<int:pk>/", views_webhooks.endpoint_detail, name="webhook"),
    path("webhooks/<int:pk>/test/", views_webhooks.send_test, name="webhook-test"),
    path("webhooks/<int:pk>/delete/", views_webhooks.delete_endpoint, name="webhook-delete"),
    path("webhooks/<int:pk>/reenable/", views_webhooks.reenable, name="webhook-reenable"),
    path("webhooks/deliveries/<int:pk>/resend/", views_webhooks.resend, name="webhook-resend"),
]
