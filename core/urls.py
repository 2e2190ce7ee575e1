from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("customers/<int:pk>/audit/", views.audit, name="audit"),
]
