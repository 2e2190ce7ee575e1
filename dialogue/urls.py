from django.urls import path

from dialogue import views

app_name = "dialogue"

urlpatterns = [
    path("customers/<int:pk>/meetings/new/", views.log_meeting, name="log-meeting"),
    path(
        "customers/<int:pk>/stakeholder-options/",
        views.stakeholder_options,
        name="stakeholder-options",
    ),
    path("customers/<int:pk>/timeline/", views.timeline, name="timeline"),
    path("customers/<int:pk>/action-items/new/", views.add_action_item, name="add-action-item"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", views.edit_meeting, name="edit-meeting"),
    path("meetings/<int:pk>/delete/", views.delete_meeting, name="delete-meeting"),
    path("action-items/", views.my_action_items, name="my-action-items"),
    path("action-items/<int:pk>/edit/", views.edit_action_item, name="edit-action-item"),
    path("action-items/<int:pk>/status/", views.set_action_item_status, name="action-item-status"),
    path("search/", views.search_page, name="search"),
]
