from django.urls import path, re_path

from solutions import views

app_name = "solutions"

urlpatterns = [
    path("customers/<int:pk>/proposals/", views.board, name="board"),
    path("customers/<int:pk>/proposals/new/", views.add_proposal, name="add-proposal"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/edit/", views.edit_proposal, name="edit-proposal"),
    path("proposals/<int:pk>/transition/", views.transition_proposal, name="transition-proposal"),
    path(
        "proposals/<int:pk>/contributions/new/",
        views.request_contribution,
        name="request-contribution",
    ),
    path("proposals/<int:pk>/comments/", views.add_comment, name="add-comment"),
    path("contributions/<int:pk>/", views.contribution_detail, name="contribution"),
    path("contributions/<int:pk>/write/", views.write_contribution, name="write-contribution"),
    re_path(
        r"^contributions/(?P<pk>[0-9]+)/(?P<answer>accept|decline|done|reopen)/$",
        views.answer_contribution,
        name="answer-contribution",
    ),
    path(
        "contributions/<int:pk>/comments/",
        views.add_contribution_comment,
        name="add-contribution-comment",
    ),
    path("comments/<int:pk>/edit/", views.edit_comment, name="edit-comment"),
    path("comments/<int:pk>/delete/", views.delete_comment, name="delete-comment"),
    path("requests/", views.requests_for_me, name="requests-for-me"),
    path("partners/", views.partner_list, name="partners"),
    path("partners/new/", views.partner_form, name="add-partner"),
    path("partners/<int:pk>/edit/", views.partner_form, name="edit-partner"),
]
