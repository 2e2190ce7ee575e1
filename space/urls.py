from django.urls import path

from space import views, views_guest

app_name = "space"

urlpatterns = [
    # The lead's pages (internal users, under the visibility rule).
    path("space/customers/<int:pk>/", views.space_page, name="space"),
    path("space/customers/<int:pk>/open/", views.open_space, name="open"),
    path("space/customers/<int:pk>/share/", views.share_records, name="share"),
    path("space/customers/<int:pk>/introduction/", views.save_introduction, name="introduction"),
    path("space/customers/<int:pk>/milestones/", views.add_milestone, name="add-milestone"),
    path("space/customers/<int:pk>/steps/", views.add_step, name="add-step"),
    path("space/customers/<int:pk>/proposals/", views.share_proposal, name="share-proposal"),
    path("space/customers/<int:pk>/guests/", views.invite, name="invite"),
    path("space/customers/<int:pk>/messages/", views.post_message, name="post-message"),
    path("space/customers/<int:pk>/plan.pdf", views.plan_pdf, name="plan-pdf"),
    path("space/steps/<int:pk>/status/", views.step_status, name="step-status"),
    path("space/steps/<int:pk>/delete/", views.delete_step, name="delete-step"),
    path("space/milestones/<int:pk>/delete/", views.delete_milestone, name="delete-milestone"),
    path("space/proposals/<int:pk>/unshare/", views.unshare_proposal, name="unshare-proposal"),
    path("space/proposals/<int:pk>/attachment/", views.proposal_attachment, name="attachment"),
    path("space/guests/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("space/feedback/<int:pk>/accept/", views.decide, {"decision": "accept"}, name="accept"),
    path("space/feedback/<int:pk>/decline/", views.decide, {"decision": "decline"}, name="decline"),
    # The guests' pages: their cookie's path is /shared/.
    path("shared/", views_guest.guest_space, name="guest-space"),
    path("shared/sign-in/", views_guest.sign_in, name="guest-sign-in"),
    path("shared/sign-out/", views_guest.sign_out, name="guest-sign-out"),
    path("shared/link/<str:token>/", views_guest.follow_link, name="guest-link"),
    path("shared/items/<int:pk>/confirm/", views_guest.confirm, name="guest-confirm"),
    path(
        "shared/items/<int:pk>/correct/",
        views_guest.answer,
        {"kind": "correct"},
        name="guest-correct",
    ),
    path("shared/items/<int:pk>/rank/", views_guest.answer, {"kind": "rank"}, name="guest-rank"),
    path(
        "shared/items/<int:pk>/irrelevant/",
        views_guest.answer,
        {"kind": "irrelevant"},
        name="guest-irrelevant",
    ),
    path("shared/suggest/", views_guest.suggest_record, name="guest-suggest"),
    path("shared/steps/<int:pk>/", views_guest.step, name="guest-step"),
    path("shared/messages/", views_guest.message, name="guest-message"),
    path("shared/proposals/<int:pk>/attachment/", views_guest.attachment, name="guest-attachment"),
    path("shared/plan.pdf", views_guest.plan_pdf, name="guest-plan-pdf"),
]
