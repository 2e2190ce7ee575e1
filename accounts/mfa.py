"""Two-factor authentication with django-otp: TOTP apps plus single-use recovery codes.

The cryptography (RFC 6238 TOTP, token throttling, recovery-code storage) is django-otp's; this
module only decides who must use it and wires its devices to Accord's pages.
"""

import base64
import io
from base64 import b32encode

import django_otp
import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "Recovery codes"
TOTP_DEVICE_NAME = "Authenticator app"

# What a signed-in session still owes (accounts.middleware enforces it), and for which role
# the step was decided: a session whose user's role changed has its step decided again.
SESSION_MFA_STEP = "accord_mfa_step"
SESSION_MFA_ROLE = "accord_mfa_role"
MFA_VERIFY, MFA_ENROL, MFA_NONE = "verify", "enrol", "none"


def mfa_required(user: User) -> bool:
    """Whether the user's role must use a second factor (settings.MFA_REQUIRED_ROLES)."""
    roles = set(settings.MFA_REQUIRED_ROLES)
    if not user.is_authenticated or not roles:
        return False
    return user.role in roles or ("admin" in roles and (user.is_superuser or user.is_staff))


def has_mfa(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def role_key(user: User) -> str:
    """What mfa_required() depends on, to notice a role change within a session."""
    return f"{user.role}:{int(user.is_staff)}:{int(user.is_superuser)}"


def step_for(user: User) -> str:
    """What a signed-in user still owes: verify their device, enrol one, or nothing."""
    if has_mfa(user):
        return MFA_VERIFY
    return MFA_ENROL if mfa_required(user) else MFA_NONE


def remember_step(request: HttpRequest, user: User, step: str | None = None) -> str:
    """Store the session's step with the role it was decided for; the step."""
    step = step_for(user) if step is None else step
    request.session[SESSION_MFA_STEP] = step
    request.session[SESSION_MFA_ROLE] = role_key(user)
    return step


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled (one at a time), created with a fresh secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The shared secret as base32, grouped by four for typing into an app by hand."""
    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URL as an SVG QR code in a data: URI (the CSP allows data: images only)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@transaction.atomic
def confirm_totp(device: TOTPDevice, token: str) -> bool:
    """Confirm an enrolment when the app's first code is right."""
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # Only one authenticator per user: enrolling anew replaces the previous one.
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    return True


@transaction.atomic
def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes; the plain codes are shown once and never again."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def verify(user: User, token: str) -> django_otp.models.Device | None:
    """The confirmed device (app or recovery code) that accepts `token`, or None."""
    token = "".join(token.split())
    if not token or len(token) > 16:
        return None
    return django_otp.match_token(user, token)


def verify_totp(user: User, token: str) -> bool:
    """Whether `token` is a current code of the user's authenticator app (not a recovery code)."""
    token = "".join(token.split())
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device is not None and 0 < len(token) <= 16 and device.verify_token(token)


def mark_verified(request: HttpRequest, device: django_otp.models.Device) -> None:
    django_otp.login(request, device)
    remember_step(request, request.user, MFA_VERIFY)


@transaction.atomic
def remove_mfa(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
    )


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request: HttpRequest, *args: object, **kwargs: object) -> None:
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        # Through authenticate(), so django-axes counts and locks guesses here as at sign-in.
        user = authenticate(
            self.request, username=self.request.user.get_username(), password=password
        )
        if user is None or user.pk != self.request.user.pk:
            raise forms.ValidationError(_("That is not your current password."))
        return password


class DisableForm(PasswordConfirmForm):
    """Switching two-factor off takes the password and a current code from the app: a session
    (or a password) alone is not enough."""

    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=16,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if not verify_totp(self.request.user, code):
            raise forms.ValidationError(_("That code is not right. Use the app's current code."))
        return code


def forget_verification(request: HttpRequest) -> None:
    """After switching two-factor off: this session no longer has or needs a verified device."""
    request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
    remember_step(request, request.user)
