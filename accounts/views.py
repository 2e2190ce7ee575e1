from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import mfa, services
from core.audit import record
from core.lockout import lockout_message
from core.models import AuditEvent
from core.validators import validate_single_line


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("Username"), max_length=150, write_only=True)
    password = serializers.CharField(
        label=_("Password"),
        max_length=4096,
        style={"input_type": "password"},
        trim_whitespace=False,
        write_only=True,
    )
    otp_token = serializers.CharField(
        required=False,
        max_length=16,
        write_only=True,
        help_text=_(
            "A code from the user's authenticator app or a recovery code; "
            "required for users with two-factor authentication."
        ),
    )
    name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        write_only=True,
        validators=[validate_single_line],
        help_text=_("A label for the token on the user's Security page, e.g. the script using it."),
    )

    def validate(self, attrs: dict) -> dict:
        # Through authenticate(), so django-axes counts failures and locks (429) as at sign-in.
        user = authenticate(
            request=self.context.get("request"),
            username=attrs["username"],
            password=attrs["password"],
        )
        if user is None:
            raise serializers.ValidationError(
                _("Unable to log in with provided credentials."), code="authorization"
            )
        attrs["user"] = user
        return attrs


@extend_schema(
    request=TokenRequestSerializer,
    responses={
        200: inline_serializer(
            "Token",
            {
                "token": serializers.CharField(),
                "expires_at": serializers.DateTimeField(),
            },
        ),
        # Field errors as the serializer gives them: any of these keys, each a list of messages.
        400: inline_serializer(
            "TokenError",
            {
                name: serializers.ListField(child=serializers.CharField(), required=False)
                for name in ("username", "password", "otp_token", "name", "non_field_errors")
            },
        ),
        403: inline_serializer("TokenMfaRequired", {"detail": serializers.CharField()}),
        429: inline_serializer(
            "TokenLockedOut", {"detail": serializers.CharField(), "code": serializers.CharField()}
        ),
    },
    examples=[OpenApiExample("Login", value={"username": "sales1", "password": "..."})],
    tags=["auth"],
)
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
def obtain_token(request: Request) -> Response:
    """Exchange a username and password (and a second-factor code, if enrolled) for a token.

    Each call issues a new token, valid for settings.API_TOKEN_DAYS days; its owner sees and
    revokes it on the Security page. Failures count toward the same django-axes lockout as the
    sign-in page (429 when locked). The endpoint sets no cookie and reads no session, so it
    needs no CSRF token: a cross-site form can post to it, but cannot read the answer.
    """
    http_request = request._request  # django-axes flags the HttpRequest, not DRF's wrapper
    serializer = TokenRequestSerializer(data=request.data, context={"request": http_request})
    valid = serializer.is_valid()
    if getattr(http_request, "axes_locked_out", False):
        return Response({"detail": lockout_message(), "code": "locked_out"}, status=429)
    if not valid:
        return Response(serializer.errors, status=400)
    user = serializer.validated_data["user"]
    verified = False
    if mfa.has_mfa(user):
        device = mfa.verify(user, serializer.validated_data.get("otp_token", ""))
        if device is None:
            record(AuditEvent.Action.MFA_FAILED, request=http_request, user=user, detail="API")
            return Response({"otp_token": [_("A valid two-factor code is required.")]}, status=400)
        verified = True
    elif mfa.mfa_required(user):
        return Response(
            {
                "detail": _(
                    "Your role requires two-factor authentication: set it up in Accord "
                    "before requesting an API token."
                )
            },
            status=403,
        )
    token, key = services.issue_api_token(
        user, is_mfa_verified=verified, name=serializer.validated_data.get("name", "")
    )
    record(AuditEvent.Action.TOKEN_ISSUED, request=http_request, user=user, object_id=token.pk)
    return Response({"token": key, "expires_at": token.expires_at})
