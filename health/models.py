from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.visibility import scope_to_visible
from customers.models import Customer


class HealthQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> "HealthQuerySet":
        return scope_to_visible(self, user, "customer")


class HealthSnapshot(models.Model):
    """A customer's health on one day; one row per customer per day, kept as history."""

    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="health_snapshots",
        verbose_name=_("customer"),
    )
    taken_on = models.DateField(verbose_name=_("taken on"))
    score = models.PositiveSmallIntegerField(verbose_name=_("score"))
    band = models.CharField(max_length=10, choices=Customer.HealthBand, verbose_name=_("band"))
    components = models.JSONField(default=list, verbose_name=_("components"))
    computed_at = models.DateTimeField(verbose_name=_("computed at"))

    objects = HealthQuerySet.as_manager()

    class Meta:
        verbose_name = _("health snapshot")
        verbose_name_plural = _("health snapshots")
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
        Customer,
        on_delete=models.CASCADE,
        related_name="health_annotations",
        verbose_name=_("customer"),
    )
    snapshot = models.ForeignKey(
        HealthSnapshot,
        on_delete=models.CASCADE,
        related_name="annotations",
        verbose_name=_("snapshot"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="health_annotations",
        verbose_name=_("author"),
    )
    body = models.TextField(max_length=2000, verbose_name=_("body"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    objects = HealthQuerySet.as_manager()

    class Meta:
        verbose_name = _("score annotation")
        verbose_name_plural = _("score annotations")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["customer", "created_at"])]

    def __str__(self) -> str:
        return f"Annotation {self.pk} on snapshot {self.snapshot_id}"


class AccountHealth(models.Model):
    """The dashboard's precomputed row for one account, refreshed with the health score.

    The dashboard reads these values; it never computes health or per-row aggregates itself.
    """

    customer = models.OneToOneField(
        Customer,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="health",
        verbose_name=_("customer"),
    )
    score = models.PositiveSmallIntegerField(verbose_name=_("score"))
    band = models.CharField(max_length=10, choices=Customer.HealthBand, verbose_name=_("band"))
    # Score now minus the score of the oldest snapshot in the last 30 days; None without history.
    trend_30d = models.SmallIntegerField(null=True, blank=True, verbose_name=_("trend 30d"))
    # The last 30 days' scores, oldest first, for the sparkline.
    trend_points = models.JSONField(default=list, verbose_name=_("trend points"))
    open_severe_problems = models.PositiveIntegerField(
        default=0, verbose_name=_("open severe problems")
    )
    overdue_action_items = models.PositiveIntegerField(
        default=0, verbose_name=_("overdue action items")
    )
    proposals_in_flight = models.PositiveIntegerField(
        default=0, verbose_name=_("proposals in flight")
    )
    areas_involved = models.PositiveSmallIntegerField(default=0, verbose_name=_("areas involved"))
    area_names = models.JSONField(default=list, verbose_name=_("area names"))
    # The day the account last entered the red band; cleared when it leaves red.
    red_since = models.DateField(null=True, blank=True, verbose_name=_("red since"))
    computed_at = models.DateTimeField(verbose_name=_("computed at"))

    objects = HealthQuerySet.as_manager()

    class Meta:
        verbose_name = _("account health")
        verbose_name_plural = _("account health rows")
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
