from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q


class Area(models.Model):
    """An internal area of expertise: engineering, finance, logistics, legal, ..."""

    name = models.CharField(max_length=80, unique=True)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    class Role(models.TextChoices):
        SALESPERSON = "salesperson", "Salesperson"
        SPECIALIST = "specialist", "Specialist"
        MANAGER = "manager", "Manager"
        ADMIN = "admin", "Admin"

    role = models.CharField(max_length=20, choices=Role, default=Role.SALESPERSON)
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="users"
    )

    objects = UserManager()

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or self.role == self.Role.ADMIN

    @property
    def is_manager(self) -> bool:
        return self.role == self.Role.MANAGER


class Team(models.Model):
    """A sales team: a manager and the people whose accounts they review."""

    name = models.CharField(max_length=100, unique=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="managed_teams"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="TeamMember", related_name="teams", blank=True
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="team_members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="unique_team_member"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class AccountMembership(models.Model):
    """A user's place on a customer's account team."""

    class Role(models.TextChoices):
        LEAD = "lead", "Lead"
        SPECIALIST = "specialist", "Specialist"
        VIEWER = "viewer", "Viewer"

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_memberships"
    )
    role = models.CharField(max_length=20, choices=Role, default=Role.SPECIALIST)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
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
        MENTION = "mention", "Mention"
        CONTRIBUTION_REQUEST = "contribution_request", "Contribution request"
        ACTION_ITEM = "action_item", "Action item"
        HEALTH = "health", "Account health"
        PLAN_REVIEW = "plan_review", "Plan review"
        OTHER = "other", "Other"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=Kind, default=Kind.OTHER)
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return self.message
