from django.conf import settings
from django.db import models

from accounts.models import User
from accounts.visibility import scope_to_visible
from customers.models import Customer


class HealthQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> "HealthQuerySet":
        return scope_to_visible(self, user, "customer")


class HealthSnapshot(models.Model):
    """A customer's health on one day; one row per customer per day, kept as history."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="health_snapshots"
    )
    taken_on = models.DateField()
    score = models.PositiveSmallIntegerField()
    band = models.CharField(max_length=10, choices=Customer.HealthBand)
    components = models.JSONField(default=list)
    computed_at = models.DateTimeField()

    objects = HealthQuerySet.as_manager()

    class Meta:
        ordering = ["-taken_on"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "taken_on"], name="one_snapshot_a_day"),
            models.CheckConstraint(condition=models.Q(score__lte=100), name="snapshot_score_0_100"),
        ]
        # The team chart reads a few days' rows for many customers.
        indexes = [models.Index(fields=["taken_on", "customer"], name="snapshot_day")]

    def __str__(self) -> str:
        return f"{self.customer_id} on {self.taken_on}: {self.score}"


class ScoreAnnotation(models.Model):
    """A manager's comment on a day's score, shown beside it in the history."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="health_annotations"
    )
    snapshot = models.ForeignKey(
        HealthSnapshot, on_delete=models.CASCADE, related_name="annotations"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="health_annotations"
    )
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HealthQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["customer", "created_at"])]

    def __str__(self) -> str:
        return f"Annotation {self.pk} on snapshot {self.snapshot_id}"


class AccountHealth(models.Model):
    """The dashboard's precomputed row for one account, refreshed with the health score.

    The dashboard reads these values; it never computes health or per-row aggregates itself.
    """

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, primary_key=True, related_name="health"
    )
    score = models.PositiveSmallIntegerField()
    band = models.CharField(max_length=10, choices=Customer.HealthBand)
    # Score now minus the score of the oldest snapshot in the last 30 days; None without history.
    trend_30d = models.SmallIntegerField(null=True, blank=True)
    # The last 30 days' scores, oldest first, for the sparkline.
    trend_points = models.JSONField(default=list)
    open_severe_problems = models.PositiveIntegerField(default=0)
    overdue_action_items = models.PositiveIntegerField(default=0)
    proposals_in_flight = models.PositiveIntegerField(default=0)
    areas_involved = models.PositiveSmallIntegerField(default=0)
    area_names = models.JSONField(default=list)
    # The day the account last entered the red band; cleared when it leaves red.
    red_since = models.DateField(null=True, blank=True)
    computed_at = models.DateTimeField()

    objects = HealthQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "account health rows"
        indexes = [
            models.Index(fields=["band", "trend_30d"]),
            models.Index(fields=["trend_30d"]),
            models.Index(fields=["open_severe_problems"]),
            models.Index(fields=["overdue_action_items"]),
            models.Index(fields=["proposals_in_flight"]),
            models.Index(fields=["areas_involved"]),
        ]

    def __str__(self) -> str:
        return f"Health of customer {self.customer_id}: {self.score}"
