"""The notifications inbox (the signed-in user's own, unread first), the user's notification
settings, and the signed unsubscribe link of notification emails."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import services
from accounts.models import Notification, NotificationPreference, User
from accounts.visibility import readable_notifications as readable
from core.params import parse_choice
from core.redirects import is_safe_redirect


def inbox(user: User) -> QuerySet[Notification]:
    """The user's notifications, unread first, newest first within each group."""
    return (
        readable(user)
        .select_related("customer")
        .order_by(F("read_at").asc(nulls_first=True), "-created_at", "-pk")
    )


def unread_count(user: User) -> int:
    return readable(user).filter(read_at__isnull=True).count()


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one (or, with no id, every) unread notification of the user read; the count."""
    unread = readable(user).filter(read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


@login_required
@require_safe
def notifications(request: HttpRequest) -> HttpResponse:
    page = Paginator(inbox(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a notification read; with `open`, go on to what it is about."""
    notification = get_object_or_404(readable(request.user), pk=pk)
    mark_read(request.user, notification.pk)
    if request.POST.get("open") and is_safe_redirect(request, notification.url):
        return redirect(notification.url)
    if request.htmx:
        notification.refresh_from_db()
        unread = unread_count(request.user)
        response = render(
            request,
            "accounts/notifications.html#notification",
            {"notification": notification},
        )
        response["HX-Trigger"] = f'{{"notifications-changed": {{"unread": {unread}}}}}'
        return response
    return redirect("notifications")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    mark_read(request.user)
    return redirect("notifications")


class NotificationSettingsForm(forms.Form):
    """One choice per kind of notification, and how often the account digest comes."""

    digest_frequency = forms.ChoiceField(
        label=gettext_lazy("Digest of changes in your accounts"),
        choices=User.DigestFrequency,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.kinds = services.notification_settings(user)
        for kind, label, delivery in self.kinds:
            self.fields[f"kind_{kind}"] = forms.ChoiceField(
                label=label,
                choices=NotificationPreference.Delivery,
                initial=delivery,
                widget=forms.RadioSelect,
            )
        self.fields["digest_frequency"].initial = user.digest_frequency

    def kind_fields(self) -> list[forms.BoundField]:
        return [self[f"kind_{kind}"] for kind, _label, _delivery in self.kinds]

    def choices(self) -> dict[str, str]:
        return {kind: self.cleaned_data[f"kind_{kind}"] for kind, _label, _d in self.kinds}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    """Per kind of event: email at once, daily digest or off; the account digest's frequency."""
    form = NotificationSettingsForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.save_notification_settings(
            request.user,
            choices=form.choices(),
            digest_frequency=form.cleaned_data["digest_frequency"],
        )
        messages.success(request, _("Notification settings saved."))
        return redirect("notification-settings")
    status = 400 if form.is_bound else 200
    return render(request, "accounts/notification_settings.html", {"form": form}, status=status)


# A signed link in every notification email: it works without signing in. GET asks to confirm
# (mail scanners follow links); POST switches the kind off, also as a one-click unsubscribe
# (RFC 8058), which carries no CSRF token: the signature is what authorises it.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method != "POST":
        valid = services.unsubscribe_token_is_valid(token)
        return render(
            request,
            "accounts/unsubscribe.html",
            {"token": token, "valid": valid is not None, "kind_label": valid},
            status=200 if valid else 400,
        )
    result = services.unsubscribe(token)
    if result is None:
        return render(request, "accounts/unsubscribe.html", {"valid": False}, status=400)
    _user, kind = result
    return render(
        request,
        "accounts/unsubscribe.html",
        {"done": True, "valid": True, "kind_label": Notification.Kind(kind).label},
    )


# API: /api/notifications/ (the caller's own only)


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "url", "customer", "created_at", "read_at", "is_read"]
        read_only_fields = fields

    def get_is_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """The caller's notifications, unread first. Filter with `?unread=true|false`."""

    serializer_class = NotificationSerializer

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        queryset = inbox(self.request.user)
        raw = self.request.query_params.get("unread")
        if unread := parse_choice(raw, name="unread", choices=["true", "false"]):
            queryset = queryset.filter(read_at__isnull=unread == "true")
        return queryset

    @extend_schema(
        parameters=[OpenApiParameter("unread", bool, description="Only unread (or read) ones.")]
    )
    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        """Mark one notification read."""
        notification = self.get_object()
        mark_read(request.user, notification.pk)
        notification.refresh_from_db()
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        request=None,
        responses=inline_serializer("MarkedRead", {"marked": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        """Mark every unread notification of the caller read."""
        return Response({"marked": mark_read(request.user)})
