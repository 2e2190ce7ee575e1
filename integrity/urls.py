from django.urls import path

from integrity import views

app_name = "integrity"

urlpatterns = [
    path("customers/<int:pk>/trash/", views.deleted_records, name="trash"),
    path(
        "customers/<int:pk>/trash/<slug:kind>/<int:record_id>/restore/",
        views.restore_record,
        name="restore-deleted",
    ),
    path("partners/trash/", views.deleted_partners, name="partner-trash"),
    path("partners/trash/<int:pk>/restore/", views.restore_partner, name="restore-partner"),
]
