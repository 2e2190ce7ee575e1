from django.urls import path

from health import views

app_name = "health"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dashboard.csv", views.dashboard_csv, name="dashboard-csv"),
    path("customers/<int:pk>/", views.account, name="account"),
    path("customers/<int:pk>/annotate/", views.annotate, name="annotate"),
    path("customers/<int:pk>/refresh/", views.refresh, name="refresh"),
]
