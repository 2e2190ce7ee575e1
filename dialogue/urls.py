from django.urls import path

from dialogue import views, views_calendar, views_planned, views_team

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
    path("action-items/team/", views_team.team_action_items, name="team-action-items"),
    path("action-items/<int:pk>/edit/", views.edit_action_item, name="edit-action-item"),
    path("action-items/<int:pk>/delete/", views.delete_action_item, name="delete-action-item"),
    path("action-items/<int:pk>/status/", views.set_action_item_status, name="action-item-status"),
]

urlpatterns += [
    path("customers/<int:pk>/meetings/", views_planned.account_meetings, name="account-meetings"),
    path("customers/<int:pk>/meetings/plan/", views_planned.plan_meeting, name="plan-meeting"),
    path("planned/<int:pk>/", views_planned.planned_meeting, name="planned-meeting"),
    path("planned/<int:pk>/edit/", views_planned.edit_planned_meeting, name="edit-planned-meeting"),
    path(
        "planned/<int:pk>/cancel/",
        views_planned.cancel_planned_meeting,
        name="cancel-planned-meeting",
    ),
    path("planned/<int:pk>/log/", views_planned.log_planned_meeting, name="log-planned-meeting"),
    path("week/", views_planned.my_week, name="my-week"),
]

urlpatterns += [
    path("calendar/", views_calendar.calendar_feeds, name="calendar-feeds"),
    path("calendar/new/", views_calendar.create_my_feed, name="create-calendar-feed"),
    path(
        "customers/<int:pk>/calendar/new/",
        views_calendar.create_account_feed,
        name="create-account-calendar-feed",
    ),
    path("calendar/<int:pk>/revoke/", views_calendar.revoke_feed, name="revoke-calendar-feed"),
    path("calendar/<str:token>.ics", views_calendar.calendar_feed, name="calendar-feed"),
]
