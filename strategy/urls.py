from django.urls import path

from strategy.views import analysis, scorecard, values, whitespace

app_name = "strategy"

urlpatterns = [
    path("customers/<int:pk>/whitespace/", whitespace.whitespace, name="whitespace"),
    path("customers/<int:pk>/whitespace.csv", whitespace.whitespace_csv, name="whitespace-csv"),
    path(
        "customers/<int:pk>/whitespace/<int:division_id>/<int:offering_id>/",
        whitespace.edit_cell,
        name="edit-cell",
    ),
    path("customers/<int:pk>/divisions/new/", whitespace.add_division, name="add-division"),
    path(
        "customers/<int:pk>/divisions/<int:division_id>/",
        whitespace.edit_division,
        name="edit-division",
    ),
    path(
        "customers/<int:pk>/divisions/<int:division_id>/delete/",
        whitespace.delete_division,
        name="delete-division",
    ),
    path("customers/<int:pk>/scorecard/", scorecard.scorecard, name="scorecard"),
    path("customers/<int:pk>/playbook/", scorecard.choose_playbook, name="choose-playbook"),
    path("customers/<int:pk>/value/", values.account_value, name="account-value"),
    path("proposals/<int:pk>/value/", values.edit_proposal_value, name="edit-proposal-value"),
    path("customers/<int:pk>/swot/", analysis.swot, name="swot"),
    path("customers/<int:pk>/swot/items/", analysis.add_analysis_item, name="add-analysis-item"),
    path(
        "customers/<int:pk>/swot/items/<int:item_id>/reviewed/",
        analysis.review_analysis_item,
        name="review-analysis-item",
    ),
    path(
        "customers/<int:pk>/swot/items/<int:item_id>/delete/",
        analysis.delete_analysis_item,
        name="delete-analysis-item",
    ),
    path(
        "customers/<int:pk>/swot/suggestions/<slug:answer>/",
        analysis.answer_suggestion,
        name="answer-suggestion",
    ),
]
