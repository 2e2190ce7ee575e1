import hashlib
import zoneinfo
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from core.validators import validate_single_line


class Area(models.Model):
    """An internal area of expertise: engineering, finance, logistics, legal, ..."""

    name = models.CharField(
        max_length=80, unique=True, validators=[validate_single_line], verbose_name=_("name")
    )
    description = models.CharField(
        max_length=300, blank=True, validators=[validate_single_line], verbose_name=_("description")
    )

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    class Role(models.TextChoices):
        SALESPERSON = "salesperson", _("Salesperson")
        SPECIALIST = "specialist", _("Specialist")
        MANAGER = "manager", _("Manager")
        ADMIN = "admin", _("Admin")

    # AbstractUser's, made single-line: display names go into notification texts and emails.
    first_name = models.CharField(
        _("first name"), max_length=150, blank=True, validators=[validate_single_line]
    )
    last_name = models.CharField(
        _("last name"), max_length=150, blank=True, validators=[validate_single_line]
    )
    role = models.CharField(
        max_length=20, choices=Role, default=Role.SALESPERSON, verbose_name=_("role")
    )
    area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="users",
        verbose_name=_("area"),
    )

    class DigestFrequency(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")

    # Raised when two-factor is switched on or off: every other session and API token ends.
    credentials_epoch = models.PositiveIntegerField(
        default=0, editable=False, verbose_name=_("credentials epoch")
    )
    # How often the digest of changes in the user's accounts is emailed.
    digest_frequency = models.CharField(
        max_length=10,
        choices=DigestFrequency,
        default=DigestFrequency.WEEKLY,
        verbose_name=_("digest frequency"),
    )
    # Empty until chosen: the deployment's TIME_ZONE, and the browser's language.
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    language = models.CharField(
        _("language"), max_length=10, blank=True, choices=settings.LANGUAGES
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        indexes = [
            # People in name order: the team's action items walk the owners this way and stop
            # at the page (dialogue.queries._TEAM_WALK).
            models.Index(
                fields=["first_name", "last_name", "username", "id"], name="accounts_user_by_name"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def zone(self) -> zoneinfo.ZoneInfo | None:
        """The user's time zone; None for the deployment's (settings.TIME_ZONE)."""
        if not self.time_zone:
            return None
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return None

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or self.role == self.Role.ADMIN

    @property
    def is_manager(self) -> bool:
        return self.role == self.Role.MANAGER

    @property
    def is_specialist(self) -> bool:
        return self.role == self.Role.SPECIALIST

    def save(self, **kwargs: Any) -> None:
        # credentials_epoch is only ever raised, by services.end_other_credentials' UPDATE. A
        # full save of an instance loaded before that must not write the old value back: the
        # sessions and tokens the raise ended would be valid again.
        if (
            not self._state.adding
            and kwargs.get("update_fields") is None
            and not kwargs.get("force_insert")
        ):
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "credentials_epoch"
            ]
        super().save(**kwargs)

    def get_session_auth_hash(self) -> str:
        return self._session_hash()

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret)

    def _session_hash(self, secret: str | None = None) -> str:
        # Django's hash of the password (so a password change ends other sessions), plus the
        # epoch once it was raised; at epoch 0 it is Django's own value, so no one is signed out.
        message = self.password
        if self.credentials_epoch:
            message = f"{self.password}:{self.credentials_epoch}"
        return salted_hmac(
            "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
            message,
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def credential_stamp(self) -> str:
        """A digest of what an API token vouches for: role, staff, superuser and active flags,
        password and two-factor epoch. A token issued under another stamp is refused."""
        material = "\x1f".join(
            (
                self.role,
                str(self.is_staff),
                str(self.is_superuser),
                str(self.is_active),
                self.password,
                str(self.credentials_epoch),
            )
        )
        return hashlib.sha256(material.encode()).hexdigest()


class Team(models.Model):
    """A sales team: a manager and the people whose accounts they review."""

    name = models.CharField(
        max_length=100, unique=True, validators=[validate_single_line], verbose_name=_("name")
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="managed_teams",
        verbose_name=_("manager"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="TeamMember",
        related_name="teams",
        blank=True,
        verbose_name=_("members"),
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="team_members", verbose_name=_("team")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="team_memberships",
        verbose_name=_("user"),
    )

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="unique_team_member"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class AccountMembership(models.Model):
    """A user's place on a customer's account team."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        SPECIALIST = "specialist", _("Specialist")
        VIEWER = "viewer", _("Viewer")

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("customer"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="account_memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(
        max_length=20, choices=Role, default=Role.SPECIALIST, verbose_name=_("role")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("account membership")
        verbose_name_plural = _("account memberships")
        constraints = [
            models.UniqueConstraint(fields=["customer", "user"], name="unique_account_member"),
            models.UniqueConstraint(
                fields=["customer"], condition=Q(role="lead"), name="one_lead_per_customer"
            ),
        ]
        indexes = [models.Index(fields=["user", "customer"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) on {self.customer_id}"


class Notification(models.Model):
    """Something a user should see: a mention, a request, an account turning red."""

    class Kind(models.TextChoices):
        MENTION = "mention", _("Mention")
        COMMENT = "comment", _("New comment in a discussion you follow")
        CONTRIBUTION_REQUEST = "contribution_request", _("Contribution request")
        CONTRIBUTION_ANSWER = "contribution_answer", _("Contribution accepted, declined or done")
        ACTION_ITEM = "action_item", _("Action item")
        HEALTH = "health", _("Account health")
        SCORE_COMMENT = "score_comment", _("Manager's comment on a health score")
        PLAN_REVIEW = "plan_review", _("Account plan")
        OTHER = "other", _("Other")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    kind = models.CharField(max_length=30, choices=Kind, default=Kind.OTHER, verbose_name=_("kind"))
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("customer"),
    )
    message = models.CharField(max_length=300, verbose_name=_("message"))
    url = models.CharField(max_length=300, blank=True, verbose_name=_("url"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    read_at = models.DateTimeField(null=True, blank=True, verbose_name=_("read at"))
    emailed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("emailed at"))

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return self.message


class NotificationPreference(models.Model):
    """How one user hears about one kind of event; no row means "email at once".

    Whatever is chosen, the notification is listed in the user's inbox; the choice is about email.
    """

    class Delivery(models.TextChoices):
        EMAIL = "email", _("Email at once")
        DIGEST = "digest", _("In the daily digest")
        OFF = "off", _("Off")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(max_length=30, choices=Notification.Kind, verbose_name=_("kind"))
    delivery = models.CharField(
        max_length=10, choices=Delivery, default=Delivery.EMAIL, verbose_name=_("delivery")
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="unique_notification_preference")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.delivery}"


class ApiToken(models.Model):
    """A credential for the API (`Authorization: Token <key>`); only a hash of the key is kept.

    A token expires (settings.API_TOKEN_DAYS), ends when its owner revokes it, changes
    password, role or two-factor, or is deactivated, and serves a user whose role requires
    two-factor only when it was issued after a two-factor check.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    key_hash = models.CharField(max_length=64, unique=True, verbose_name=_("key hash"))
    # The key's first characters, so the owner can tell their tokens apart.
    prefix = models.CharField(max_length=8, verbose_name=_("prefix"))
    name = models.CharField(
        max_length=100, blank=True, validators=[validate_single_line], verbose_name=_("name")
    )
    # The user's credential_stamp() when the token was issued.
    stamp = models.CharField(max_length=64, verbose_name=_("stamp"))
    is_mfa_verified = models.BooleanField(default=False, verbose_name=_("is mfa verified"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    last_used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last used at"))

    class Meta:
        verbose_name = _("api token")
        verbose_name_plural = _("api tokens")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
