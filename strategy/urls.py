from django.urls import path

from strategy import views

app_name = "strategy"

urlpatterns = [
    path("customers/<int:pk>/whitespace/", views.whitespace, name="whitespace"),
    path("customers/<int:pk>/whitespace.csv", views.whitespace_csv, name="whitespace-csv"),
    path(
        "customers/<int:pk>/whitespace/<int:division_id>/<int:offering_id>/",
        views.edit_cell,
        name="edit-cell",
    ),
    path("customers/<int:pk>/divisions/new/", views.add_division, name="add-division"),
    path(
        "customers/<int:pk>/divisions/<int:division_id>/",
        views.edit_division,
        name="edit-division",
    ),
    path(
        "customers/<int:pk>/divisions/<int:division_id>/delete/",
        views.delete_division,
        name="delete-division",
    ),
]
