from django.urls import path

from customers import views

app_name = "customers"

urlpatterns = [
    path("new/", views.create_customer, name="create"),
    path("import/", views.import_customers, name="import-customers"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/edit/", views.edit_customer, name="edit"),
    path("<int:pk>/history/", views.customer_history, name="history"),
    path("<int:pk>/team/", views.team, name="team"),
    path("<int:pk>/team/add/", views.add_member, name="add-member"),
    path("<int:pk>/team/<int:user_id>/role/", views.change_member_role, name="change-member-role"),
    path("<int:pk>/team/<int:user_id>/remove/", views.remove_member, name="remove-member"),
    path("<int:pk>/canvas/", views.canvas, name="canvas"),
    path("<int:pk>/canvas/box/", views.save_canvas_box, name="save-canvas-box"),
    path("<int:pk>/goals/", views.goals, name="goals"),
    path("<int:pk>/goals/<int:goal_id>/link/", views.link_problem, name="link-problem"),
    path(
        "<int:pk>/goals/<int:goal_id>/unlink/<int:problem_id>/",
        views.unlink_problem,
        name="unlink-problem",
    ),
    path("<int:pk>/processes/", views.processes, name="processes"),
    path("<int:pk>/processes/<int:process_id>/steps/", views.add_step, name="add-step"),
    path("<int:pk>/steps/<int:step_id>/move/", views.move_step, name="move-step"),
    path("<int:pk>/steps/<int:step_id>/delete/", views.delete_step, name="delete-step"),
    path("<int:pk>/stakeholders/", views.stakeholders, name="stakeholders"),
    path("<int:pk>/stakeholders/import/", views.import_stakeholders, name="import-stakeholders"),
    path("<int:pk>/strategy/", views.strategy, name="strategy"),
    path("<int:pk>/<slug:kind_slug>/new/", views.add_record, name="add-record"),
    path("<int:pk>/<slug:kind_slug>/<int:record_id>/", views.edit_record, name="edit-record"),
    path(
        "<int:pk>/<slug:kind_slug>/<int:record_id>/delete/",
        views.delete_record,
        name="delete-record",
    ),
    path(
        "<int:pk>/<slug:kind_slug>/<int:record_id>/history/",
        views.record_history,
        name="record-history",
    ),
]
