"""The Security page: two-factor enrolment and verification, API tokens, password change
and password reset."""

import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accounts import mfa, services
from accounts.forms import LockoutPasswordChangeForm, PasswordResetRequestForm
from accounts.models import ApiToken, User
from core.audit import client_ip, record
from core.models import AuditEvent
from core.ratelimit import over_limit
from core.redirects import safe_next

# Password reset requests: per address of the requester (answered 429 beyond it) and per email
# address asked for (beyond it nothing more is sent, and the answer stays the same).
RESET_REQUESTS_PER_CLIENT = 10
RESET_EMAILS_PER_ADDRESS = 3
RESET_WINDOW_SECONDS = 60 * 60


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code (or type the secret), confirm one code.

    Enrolling ends every other session and every API token of the user: they were opened
    without the second factor.
    """
    if mfa.has_mfa(request.user) and not request.user.is_verified():
        return redirect(f"{reverse('mfa-verify')}?{urlencode({'next': reverse('mfa-setup')})}")
    device = mfa.pending_totp_device(request.user)
    form = mfa.TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa.confirm_totp(device, form.cleaned_data["token"]):
            services.end_other_credentials(request.user)
            update_session_auth_hash(request, request.user)
            mfa.mark_verified(request, device)
            codes = mfa.new_recovery_codes(request.user)
            record(AuditEvent.Action.MFA_ENROLLED, request=request)
            return render(
                request,
                "accounts/mfa_recovery_codes.html",
                {"codes": codes, "next": safe_next(request, reverse("mfa-manage"))},
            )
        record(AuditEvent.Action.MFA_FAILED, request=request, detail="enrolment code refused")
        form.add_error(
            "token", _("That code is not right. Check the time on your phone and retry.")
        )
    return render(
        request,
        "accounts/mfa_setup.html",
        {
            "form": form,
            "qr_code": mfa.qr_data_uri(device),
            "secret": mfa.secret_text(device),
            "required": mfa.mfa_required(request.user),
            "next": safe_next(request, reverse("mfa-manage")),
        },
    )


@never_cache
@sensitive_post_parameters("token")
@login_required
@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in for users with an authenticator."""
    next_url = safe_next(request)
    if request.user.is_verified():
        return HttpResponseRedirect(next_url)
    if not mfa.has_mfa(request.user):
        return redirect(f"{reverse('mfa-setup')}?{urlencode({'next': next_url})}")
    form = mfa.TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = mfa.verify(request.user, form.cleaned_data["token"])
        if device is not None:
            mfa.mark_verified(request, device)
            record(AuditEvent.Action.MFA_VERIFIED, request=request, detail=device.name)
            return HttpResponseRedirect(next_url)
        record(AuditEvent.Action.MFA_FAILED, request=request, detail="sign-in code refused")
        form.add_error("token", _("That code is not right, or was already used."))
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": next_url})


@never_cache
@login_required
@require_http_methods(["GET", "HEAD"])
def mfa_manage(request: HttpRequest) -> HttpResponse:
    """The Security page: two-factor status, the user's API tokens, the password."""
    return _security_page(request)


def _security_page(
    request: HttpRequest,
    codes_form: mfa.PasswordConfirmForm | None = None,
    disable_form: mfa.DisableForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/mfa_manage.html",
        {
            "enrolled": mfa.has_mfa(user),
            "codes_left": mfa.recovery_codes_left(user),
            "required": mfa.mfa_required(user),
            "form": codes_form or mfa.PasswordConfirmForm(request),
            "disable_form": disable_form or mfa.DisableForm(request),
            "tokens": _usable_tokens(user),
            "token_days": settings.API_TOKEN_DAYS,
        },
        status=status,
    )


def _usable_tokens(user: User) -> list[ApiToken]:
    """The user's tokens the API would still accept (stale ones end at their next use)."""
    stamp = user.credential_stamp()
    needs_mfa = mfa.mfa_required(user)
    return [
        token
        for token in ApiToken.objects.filter(user=user, expires_at__gt=timezone.now())
        if token.stamp == stamp and (token.is_mfa_verified or not needs_mfa)
    ]


@never_cache
@sensitive_post_parameters("password")
@login_required
@require_POST
def mfa_recovery_codes(request: HttpRequest) -> HttpResponse:
    """Replace the recovery codes, after the password is typed again."""
    form = mfa.PasswordConfirmForm(request, request.POST)
    if not mfa.has_mfa(request.user) or not form.is_valid():
        return _security_page(request, codes_form=form, status=400)
    codes = mfa.new_recovery_codes(request.user)
    record(AuditEvent.Action.MFA_ENROLLED, request=request, detail="recovery codes renewed")
    return render(
        request, "accounts/mfa_recovery_codes.html", {"codes": codes, "next": reverse("mfa-manage")}
    )


@never_cache
@sensitive_post_parameters("password", "code")
@login_required
@require_POST
def mfa_disable(request: HttpRequest) -> HttpResponse:
    """Switch two-factor off with the password and a current code; not where a role needs it.

    Like enrolling, it ends every other session and every API token of the user.
    """
    form = mfa.DisableForm(request, request.POST)
    if mfa.mfa_required(request.user):
        form.add_error(None, _("Your role requires two-factor authentication; it stays on."))
        return _security_page(request, disable_form=form, status=403)
    if not mfa.has_mfa(request.user) or not form.is_valid():
        return _security_page(request, disable_form=form, status=400)
    mfa.remove_mfa(request.user)
    services.end_other_credentials(request.user)
    update_session_auth_hash(request, request.user)
    mfa.forget_verification(request)
    record(AuditEvent.Action.MFA_DISABLED, request=request)
    messages.success(request, _("Two-factor authentication is off."))
    return redirect("mfa-manage")


@never_cache
@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the signed-in user's API tokens (another user's id answers 404)."""
    if not services.revoke_api_token(request.user, token_id=pk):
        raise Http404
    record(AuditEvent.Action.TOKEN_REVOKED, request=request, object_type="token", object_id=pk)
    messages.success(request, _("The API token is revoked."))
    return redirect("mfa-manage")


@never_cache
@login_required
@require_POST
def token_revoke_all(request: HttpRequest) -> HttpResponse:
    """Revoke every API token of the signed-in user."""
    count = services.revoke_api_tokens(request.user)
    record(AuditEvent.Action.TOKEN_REVOKED, request=request, detail=f"all ({count})")
    messages.success(request, _("Every API token of yours is revoked."))
    return redirect("mfa-manage")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change the password with the current one; every other session and API token ends.

    The current password is checked through django-axes, as at sign-in (429 when locked).
    """

    form_class = LockoutPasswordChangeForm
    success_url = reverse_lazy("password_change_done")
    template_name = "registration/password_change_form.html"

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form: LockoutPasswordChangeForm) -> HttpResponse:
        form.save()
        # The new password hash invalidates every other session; this one is kept.
        update_session_auth_hash(self.request, form.user)
        services.revoke_api_tokens(form.user)
        record(AuditEvent.Action.PASSWORD_CHANGED, request=self.request)
        return HttpResponseRedirect(self.get_success_url())


password_change = PasswordChangeView.as_view()
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="registration/password_change_done.html"
)


# Password reset by email (Django's token: single use, PASSWORD_RESET_TIMEOUT seconds)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link. The answer is the same whether the address has an account."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST":
        client = f"password-reset:client:{client_ip(request) or '-'}"
        if over_limit(client, limit=RESET_REQUESTS_PER_CLIENT, window_seconds=RESET_WINDOW_SECONDS):
            form.add_error(None, _("Too many reset requests from your address. Try again later."))
            response = render(
                request, "registration/password_reset_form.html", {"form": form}, status=429
            )
            response["Retry-After"] = str(RESET_WINDOW_SECONDS)
            return response
        if form.is_valid():
            email = form.cleaned_data["email"]
            digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
            if not over_limit(
                f"password-reset:email:{digest}",
                limit=RESET_EMAILS_PER_ADDRESS,
                window_seconds=RESET_WINDOW_SECONDS,
            ):
                services.request_password_reset(email=email)
            record(AuditEvent.Action.PASSWORD_RESET_REQUESTED, request=request)
            return redirect("password_reset_done")
    return render(request, "registration/password_reset_form.html", {"form": form})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Set a new password from the emailed link; every session and API token of the user ends."""

    template_name = "registration/password_reset_confirm.html"

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        services.revoke_api_tokens(form.user)
        record(AuditEvent.Action.PASSWORD_RESET, request=self.request, user=form.user)
        return response


@never_cache
@require_http_methods(["GET", "HEAD"])
def password_reset_done(request: HttpRequest) -> HttpResponse:
    """The same answer for every reset request (see password_reset)."""
    return render(
        request,
        "registration/password_reset_done.html",
        {"minutes": settings.PASSWORD_RESET_TIMEOUT // 60},
    )


password_reset_confirm = PasswordResetConfirmView.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="registration/password_reset_complete.html"
)
