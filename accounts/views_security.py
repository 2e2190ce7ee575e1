"""Two-factor enrolment and verification, and password change."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.authtoken.models import Token

from accounts import mfa
from core.audit import record
from core.models import AuditEvent


def safe_next(request: HttpRequest, default: str = "") -> str:
    """The `next` parameter when it points into this site, else `default` (or the home page)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default or reverse(settings.LOGIN_REDIRECT_URL)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code (or type the secret), confirm one code."""
    if mfa.has_mfa(request.user) and not request.user.is_verified():
        return redirect(f"{reverse('mfa-verify')}?{urlencode({'next': reverse('mfa-setup')})}")
    device = mfa.pending_totp_device(request.user)
    form = mfa.TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa.confirm_totp(device, form.cleaned_data["token"]):
            mfa.mark_verified(request, device)
            codes = mfa.new_recovery_codes(request.user)
            record(AuditEvent.Action.MFA_ENROLLED, request=request)
            return render(
                request,
                "accounts/mfa_recovery_codes.html",
                {"codes": codes, "next": safe_next(request, reverse("mfa-manage"))},
            )
        record(AuditEvent.Action.MFA_FAILED, request=request, detail="enrolment code refused")
        form.add_error("token", "That code is not right. Check the time on your phone and retry.")
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
        form.add_error("token", "That code is not right, or was already used.")
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": next_url})


@never_cache
@login_required
def mfa_manage(request: HttpRequest) -> HttpResponse:
    """Two-factor status, with recovery-code renewal and switching it off."""
    return render(
        request,
        "accounts/mfa_manage.html",
        {
            "enrolled": mfa.has_mfa(request.user),
            "codes_left": mfa.recovery_codes_left(request.user),
            "required": mfa.mfa_required(request.user),
            "form": mfa.PasswordConfirmForm(request),
        },
    )


@never_cache
@sensitive_post_parameters("password")
@login_required
@require_POST
def mfa_recovery_codes(request: HttpRequest) -> HttpResponse:
    """Replace the recovery codes, after the password is typed again."""
    form = mfa.PasswordConfirmForm(request, request.POST)
    if not mfa.has_mfa(request.user) or not form.is_valid():
        return _manage_with_errors(request, form)
    codes = mfa.new_recovery_codes(request.user)
    record(AuditEvent.Action.MFA_ENROLLED, request=request, detail="recovery codes renewed")
    return render(
        request, "accounts/mfa_recovery_codes.html", {"codes": codes, "next": reverse("mfa-manage")}
    )


@never_cache
@sensitive_post_parameters("password")
@login_required
@require_POST
def mfa_disable(request: HttpRequest) -> HttpResponse:
    """Switch two-factor off, after the password is typed again; not allowed where required."""
    form = mfa.PasswordConfirmForm(request, request.POST)
    if mfa.mfa_required(request.user):
        form.add_error(None, "Your role requires two-factor authentication; it stays on.")
        return _manage_with_errors(request, form, status=403)
    if not form.is_valid():
        return _manage_with_errors(request, form)
    mfa.remove_mfa(request.user)
    mfa.forget_verification(request)
    record(AuditEvent.Action.MFA_DISABLED, request=request)
    messages.success(request, "Two-factor authentication is off.")
    return redirect("mfa-manage")


def _manage_with_errors(
    request: HttpRequest, form: mfa.PasswordConfirmForm, status: int = 400
) -> HttpResponse:
    return render(
        request,
        "accounts/mfa_manage.html",
        {
            "enrolled": mfa.has_mfa(request.user),
            "codes_left": mfa.recovery_codes_left(request.user),
            "required": mfa.mfa_required(request.user),
            "form": form,
        },
        status=status,
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change the password with the current one; every other session and API token ends."""

    form_class = PasswordChangeForm
    success_url = reverse_lazy("password_change_done")
    template_name = "registration/password_change_form.html"

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        form.save()
        # The new password hash invalidates every other session; this one is kept.
        update_session_auth_hash(self.request, form.user)
        Token.objects.filter(user=form.user).delete()
        record(AuditEvent.Action.PASSWORD_CHANGED, request=self.request)
        return HttpResponseRedirect(self.get_success_url())


password_change = PasswordChangeView.as_view()
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="registration/password_change_done.html"
)
