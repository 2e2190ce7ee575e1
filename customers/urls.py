from django.urls import path

from customers.views import (
    audit,
    canvas,
    detail,
    goals,
    history,
    overview,
    processes,
    records,
    stakeholders,
    team,
)

app_name = "customers"

urlpatterns = [
    path("new/", overview.create_customer, name="create"),
    path("import/", overview.import_customers, name="import-customers"),
    path("<int:pk>/", overview.customer_detail, name="detail"),
    path("<int:pk>/edit/", overview.edit_customer, name="edit"),
    path("<int:pk>/history/", history.customer_history, name="history"),
    path("<int:pk>/audit/", audit.audit, name="audit"),
    path("<int:pk>/team/", team.team, name="team"),
    path("<int:pk>/team/add/", team.add_member, name="add-member"),
    path("<int:pk>/team/mentionable/", team.mentionable, name="mentionable"),
    path("<int:pk>/team/<int:user_id>/role/", team.change_member_role, name="change-member-role"),
    path("<int:pk>/team/<int:user_id>/remove/", team.remove_member, name="remove-member"),
    path("<int:pk>/canvas/", canvas.canvas, name="canvas"),
    path("<int:pk>/canvas/box/", canvas.save_canvas_box, name="save-canvas-box"),
    path("<int:pk>/goals/", goals.goals, name="goals"),
    path("<int:pk>/goals/<int:goal_id>/link/", goals.link_problem, name="link-problem"),
    path(
        "<int:pk>/goals/<int:goal_id>/unlink/<int:problem_id>/",
        goals.unlink_problem,
        name="unlink-problem",
    ),
    path("<int:pk>/processes/", processes.processes, name="processes"),
    path("<int:pk>/processes/<int:process_id>/steps/", processes.add_step, name="add-step"),
    path("<int:pk>/steps/<int:step_id>/move/", processes.move_step, name="move-step"),
    path("<int:pk>/steps/<int:step_id>/delete/", processes.delete_step, name="delete-step"),
    path("<int:pk>/stakeholders/", stakeholders.stakeholders, name="stakeholders"),
    path(
        "<int:pk>/stakeholders/import/",
        stakeholders.import_stakeholders,
        name="import-stakeholders",
    ),
    path("<int:pk>/strategy/", stakeholders.strategy, name="strategy"),
    path("<int:pk>/<slug:kind_slug>/new/", records.add_record, name="add-record"),
    path("<int:pk>/<slug:kind_slug>/<int:record_id>/", detail.record_detail, name="record"),
    path(
        "<int:pk>/<slug:kind_slug>/<int:record_id>/edit/", records.edit_record, name="edit-record"
    ),
    path(
        "<int:pk>/<slug:kind_slug>/<int:record_id>/delete/",
        records.delete_record,
        name="delete-record",
    ),
    path(
        "<int:pk>/<slug:kind_slug>/<int:record_id>/history/",
        history.record_history,
        name="record-history",
    ),
]
