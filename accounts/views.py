from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import mfa
from accounts.models import User
from accounts.visibility import access_from_annotations, annotate_access
from core.audit import record
from core.lockout import lockout_message
from core.models import AuditEvent
from customers.queries import customers_for_user
from dialogue.models import Meeting
from dialogue.queries import my_open_action_items
from health import queries as health_queries
from solutions.queries import requests_for

HOME_LIST_LIMIT = 5


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's start page: their accounts plus what their role works on next.

    Salespeople and admins see their open action items and recent meetings; specialists see
    what colleagues asked of them; managers see their teams' health bands and red accounts.
    Each block is one sliced query, so the page runs a fixed number of queries.
    """
    user = request.user
    scope = health_queries.dashboard_scope(user) if user.is_manager else None
    if scope is not None and scope.ids is not None:
        # The dashboard scope already holds the visible ids: list and count from them.
        customers = annotate_access(scope.customers().select_related("lead"), user)
        paginator = Paginator(customers, 50)
        paginator.count = len(scope.ids)
    else:
        paginator = Paginator(customers_for_user(user), 50)
    page = paginator.get_page(request.GET.get("page"))
    rows = [(customer, access_from_annotations(customer, user)) for customer in page]
    context: dict[str, object] = {"page": page, "rows": rows}
    if scope is not None:
        context["band_counts"] = scope.band_counts
        context["attention"] = health_queries.needs_attention(scope)
    elif user.role == User.Role.SPECIALIST:
        context["requests"] = list(requests_for(user)[: HOME_LIST_LIMIT + 1])
    else:
        context["action_items"] = list(my_open_action_items(user)[: HOME_LIST_LIMIT + 1])
        context["recent_meetings"] = list(
            Meeting.objects.visible_to(user)
            .filter(deleted_at__isnull=True)
            .select_related("customer", "author")
            .order_by("-occurred_at", "-id")[:HOME_LIST_LIMIT]
        )
    context["limit"] = HOME_LIST_LIMIT
    return render(request, "accounts/home.html", context)


class TokenRequestSerializer(AuthTokenSerializer):
    username = serializers.CharField(label="Username", max_length=150, write_only=True)
    password = serializers.CharField(
        label="Password",
        max_length=4096,
        style={"input_type": "password"},
        trim_whitespace=False,
        write_only=True,
    )
    otp_token = serializers.CharField(
        required=False,
        max_length=16,
        write_only=True,
        help_text="A code from the user's authenticator app or a recovery code; "
        "required for users with two-factor authentication.",
    )


@extend_schema(
    request=TokenRequestSerializer,
    responses={
        200: inline_serializer("Token", {"token": serializers.CharField()}),
        400: inline_serializer("TokenError", {"non_field_errors": serializers.ListField()}),
        403: inline_serializer("TokenMfaRequired", {"detail": serializers.CharField()}),
        429: inline_serializer("TokenLockedOut", {"detail": serializers.CharField()}),
    },
    examples=[OpenApiExample("Login", value={"username": "sales1", "password": "..."})],
    tags=["auth"],
)
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
def obtain_token(request: Request) -> Response:
    """Exchange a username and password (and a second-factor code, if enrolled) for a token.

    Failures count toward the same django-axes lockout as the sign-in page (429 when locked).
    The endpoint sets no cookie and reads no session, so it needs no CSRF token: a cross-site
    form can post to it, but cannot read the token it answers with.
    """
    http_request = request._request  # django-axes flags the HttpRequest, not DRF's wrapper
    serializer = TokenRequestSerializer(data=request.data, context={"request": http_request})
    valid = serializer.is_valid()
    if getattr(http_request, "axes_locked_out", False):
        return Response({"detail": lockout_message(), "code": "locked_out"}, status=429)
    if not valid:
        return Response(serializer.errors, status=400)
    user = serializer.validated_data["user"]
    if mfa.has_mfa(user):
        device = mfa.verify(user, serializer.validated_data.get("otp_token", ""))
        if device is None:
            record(AuditEvent.Action.MFA_FAILED, request=http_request, user=user, detail="API")
            return Response({"otp_token": ["A valid two-factor code is required."]}, status=400)
    elif mfa.mfa_required(user):
        return Response(
            {
                "detail": "Your role requires two-factor authentication: set it up in Accord "
                "before requesting an API token."
            },
            status=403,
        )
    token, _ = Token.objects.get_or_create(user=user)
    record(AuditEvent.Action.TOKEN_ISSUED, request=http_request, user=user)
    return Response({"token": token.key})
