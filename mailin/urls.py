from django.urls import path

from mailin import views, webhooks

app_name = "mailin"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("emails/<int:pk>/", views.email_detail, name="email"),
    path("emails/<int:pk>/assign/", views.assign, name="assign"),
    path("emails/<int:pk>/discard/", views.discard, name="discard"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("address/", views.my_address, name="my-address"),
    path("address/renew/", views.renew_my_address, name="renew-my-address"),
    path("customers/<int:pk>/address/", views.account_address, name="account-address"),
    path(
        "customers/<int:pk>/address/renew/",
        views.renew_account_address,
        name="renew-account-address",
    ),
    path("inbound/<slug:provider>/", webhooks.inbound, name="inbound"),
]
