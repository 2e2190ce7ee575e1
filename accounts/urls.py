from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import notifications, preferences, views_security
from accounts.forms import LoginForm

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views_security.password_change, name="password_change"),
    path("password/done/", views_security.password_change_done, name="password_change_done"),
    path("password/reset/", views_security.password_reset, name="password_reset"),
    path(
        "password/reset/sent/",
        views_security.password_reset_done,
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views_security.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        views_security.password_reset_complete,
        name="password_reset_complete",
    ),
    path("two-factor/", views_security.mfa_manage, name="mfa-manage"),
    path("two-factor/setup/", views_security.mfa_setup, name="mfa-setup"),
    path("two-factor/verify/", views_security.mfa_verify, name="mfa-verify"),
    path(
        "two-factor/recovery-codes/",
        views_security.mfa_recovery_codes,
        name="mfa-recovery-codes",
    ),
    path("two-factor/disable/", views_security.mfa_disable, name="mfa-disable"),
    path("tokens/<int:pk>/revoke/", views_security.token_revoke, name="token-revoke"),
    path("tokens/revoke-all/", views_security.token_revoke_all, name="tokens-revoke-all"),
    path("preferences/", preferences.preferences, name="preferences"),
    path("preferences/time-zone/", preferences.accept_proposed_zone, name="accept-time-zone"),
    path("notifications/", notifications.notifications, name="notifications"),
    path(
        "notifications/<int:pk>/read/",
        notifications.notification_read,
        name="notification-read",
    ),
    path(
        "notifications/settings/",
        notifications.notification_settings,
        name="notification-settings",
    ),
    path(
        "notifications/unsubscribe/<str:token>/",
        notifications.unsubscribe,
        name="notifications-unsubscribe",
    ),
    path(
        "notifications/read-all/",
        notifications.notifications_read_all,
        name="notifications-read-all",
    ),
]
