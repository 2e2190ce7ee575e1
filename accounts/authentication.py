"""API token authentication: `Authorization: Token <key>`, checked against accounts.ApiToken."""

import datetime as dt
import hmac

from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from accounts import mfa
from accounts.models import ApiToken, User

# last_used_at is written at most this often per token, so most requests write nothing.
LAST_USED_RESOLUTION = dt.timedelta(hours=1)


class ApiTokenAuthentication(TokenAuthentication):
    """DRF's token header, with expiry, revocation and the two-factor rule.

    A token is refused when it is unknown, expired, its user is inactive, the user's role,
    staff or active flags, password or two-factor changed since it was issued (it is then
    deleted), or the user's role requires two-factor and the token was issued without one.
    """

    model = ApiToken

    def authenticate(self, request: HttpRequest) -> tuple[User, ApiToken] | None:
        """The token's user, whose profile language then words the answer (its validation and
        permission errors), as the session's middleware does for a signed-in browser."""
        result = super().authenticate(request)
        if result is not None and result[0].language:
            translation.activate(result[0].language)
            request.LANGUAGE_CODE = result[0].language  # type: ignore[attr-defined]
        return result

    def authenticate_credentials(self, key: str) -> tuple[User, ApiToken]:
        token = (
            ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(key)).first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user = token.user
        if not hmac.compare_digest(token.stamp, user.credential_stamp()):
            # Issued before a change of role, password, two-factor or deactivation: it ends for
            # good, even if the change is undone.
            token.delete()
            raise exceptions.AuthenticationFailed(
                _(
                    "This token was revoked because your account's role, password or two-factor "
                    "settings changed. Request a new one at /api/auth/token/."
                )
            )
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token.is_expired:
            raise exceptions.AuthenticationFailed(
                _("This token has expired. Request a new one at /api/auth/token/.")
            )
        if mfa.mfa_required(user) and not token.is_mfa_verified:
            raise exceptions.AuthenticationFailed(
                _(
                    "Your role requires two-factor authentication: request a new token with "
                    "your two-factor code."
                )
            )
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return user, token
