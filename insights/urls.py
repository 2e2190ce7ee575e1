from django.urls import path

from insights import views, views_plan, views_prep

app_name = "insights"

urlpatterns = [
    path("<int:pk>/summary/", views.summary, name="summary"),
    path("<int:pk>/summary/status/", views.summary_status, name="summary-status"),
    path("<int:pk>/summary/rebuild/", views.rebuild_summary, name="rebuild-summary"),
    path("<int:pk>/summary/versions/", views.summary_history, name="summary-history"),
    path("<int:pk>/summary/versions/<int:number>/", views.summary_version, name="summary-version"),
    path("<int:pk>/summary/diff/", views.summary_diff, name="summary-diff"),
    path("<int:pk>/summary/export/", views.export_summary, name="export-summary"),
    path("<int:pk>/plan/", views.plan, name="plan"),
    path("<int:pk>/plan/strategy/", views.edit_section, name="edit-strategy"),
    path("<int:pk>/plan/areas/<int:area_id>/", views.edit_section, name="edit-section"),
    path("<int:pk>/plan/submit/", views.submit_plan, name="submit-plan"),
    path("<int:pk>/plan/review/", views.review_plan, name="review-plan"),
    path("<int:pk>/plan/comments/", views.add_plan_comment, name="add-plan-comment"),
    path("<int:pk>/plan/pdf/", views.plan_pdf, name="plan-pdf"),
    path(
        "<int:pk>/plan/strategy/items/<slug:kind>/",
        views_plan.add_item,
        name="add-strategy-item",
    ),
    path(
        "<int:pk>/plan/areas/<int:area_id>/items/<slug:kind>/",
        views_plan.add_item,
        name="add-area-item",
    ),
    path("<int:pk>/plan/items/<int:item_id>/", views_plan.edit_item, name="edit-plan-item"),
    path(
        "<int:pk>/plan/items/<int:item_id>/delete/",
        views_plan.delete_item,
        name="delete-plan-item",
    ),
    path(
        "<int:pk>/plan/sections/<int:section_id>/submit/",
        views_plan.submit_section,
        name="submit-section",
    ),
    path(
        "<int:pk>/plan/sections/<int:section_id>/review/",
        views_plan.review_section,
        name="review-section",
    ),
    path(
        "<int:pk>/plan/sections/<int:section_id>/delete/",
        views_plan.delete_section,
        name="delete-section",
    ),
    path("briefs/<int:pk>/", views_prep.prep_brief, name="prep-brief"),
    path("briefs/<int:pk>/build/", views_prep.build_brief_now, name="build-prep-brief"),
]
