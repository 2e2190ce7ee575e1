from django.urls import path, re_path

from solutions.views import comments, contributions, partners, proposals

app_name = "solutions"

urlpatterns = [
    path("customers/<int:pk>/proposals/", proposals.board, name="board"),
    path("customers/<int:pk>/proposals/new/", proposals.add_proposal, name="add-proposal"),
    path("proposals/<int:pk>/", proposals.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/edit/", proposals.edit_proposal, name="edit-proposal"),
    path("proposals/<int:pk>/delete/", proposals.delete_proposal, name="delete-proposal"),
    path(
        "proposals/<int:pk>/transition/", proposals.transition_proposal, name="transition-proposal"
    ),
    path(
        "proposals/<int:pk>/contributions/new/",
        contributions.request_contribution,
        name="request-contribution",
    ),
    path("proposals/<int:pk>/comments/", comments.add_comment, name="add-comment"),
    path("proposals/<int:pk>/follow/", comments.follow_proposal, name="follow-proposal"),
    path("contributions/<int:pk>/", contributions.contribution_detail, name="contribution"),
    path(
        "contributions/<int:pk>/write/", contributions.write_contribution, name="write-contribution"
    ),
    path(
        "contributions/<int:pk>/delete/",
        contributions.delete_contribution,
        name="delete-contribution",
    ),
    re_path(
        r"^contributions/(?P<pk>[0-9]+)/(?P<answer>accept|decline|done|reopen)/$",
        contributions.answer_contribution,
        name="answer-contribution",
    ),
    path(
        "contributions/<int:pk>/comments/",
        comments.add_contribution_comment,
        name="add-contribution-comment",
    ),
    path("comments/<int:pk>/edit/", comments.edit_comment, name="edit-comment"),
    path("comments/<int:pk>/delete/", comments.delete_comment, name="delete-comment"),
    path("requests/", contributions.requests_for_me, name="requests-for-me"),
    path("partners/", partners.partner_list, name="partners"),
    path("partners/new/", partners.partner_form, name="add-partner"),
    path("partners/<int:pk>/edit/", partners.partner_form, name="edit-partner"),
    path("partners/<int:pk>/delete/", partners.delete_partner, name="delete-partner"),
]
