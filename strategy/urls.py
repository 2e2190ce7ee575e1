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
    path("customers/<int:pk>/swot/", views.swot, name="swot"),
    path("customers/<int:pk>/swot/items/", views.add_analysis_item, name="add-analysis-item"),
    path(
        "customers/<int:pk>/swot/items/<int:item_id>/reviewed/",
        views.review_analysis_item,
        name="review-analysis-item",
    ),
    path(
        "customers/<int:pk>/swot/items/<int:item_id>/delete/",
        views.delete_analysis_item,
        name="delete-analysis-item",
    ),
    path(
        "customers/<int:pk>/swot/suggestions/<slug:answer>/",
        views.answer_suggestion,
        name="answer-suggestion",
    ),
]
