"""The value at stake in a proposal (`ProposalValue`) and the currencies it may be given in.

Importable from strategy.models, which imports it at its end; the app label is strategy."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from customers.models import Customer, CustomerOwned
from solutions.models import Proposal

# ISO 4217 codes a proposal's value may be given in (the organisation's currency is added).
CURRENCIES = (
    "AUD", "BRL", "CAD", "CHF", "CNY", "CZK", "DKK", "EUR", "GBP", "HKD", "HUF", "INR", "JPY",
    "KRW", "MXN", "NOK", "NZD", "PLN", "SEK", "SGD", "TRY", "USD", "ZAR",
)  # fmt: skip


class ProposalValue(CustomerOwned):
    """The value at stake in a proposal: an estimate with its currency, the rate used to turn
    it into the organisation's currency, when the customer decides and how likely a yes is."""

    class Recurrence(models.TextChoices):
        ONE_OFF = "one_off", _("One-off")
        PER_YEAR = "per_year", _("Per year")

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="+", verbose_name=_("customer")
    )
    proposal = models.OneToOneField(
        Proposal, on_delete=models.CASCADE, related_name="estimate", verbose_name=_("proposal")
    )
    amount = models.DecimalField(
        max_digits=14, decimal_places=2, validators=[MinValueValidator(0)], verbose_name=_("amount")
    )
    currency = models.CharField(max_length=3, verbose_name=_("currency"))
    rate = models.DecimalField(
        _("rate to the organisation's currency"),
        max_digits=14,
        decimal_places=6,
        default=1,
        validators=[MinValueValidator(0)],
        help_text=_("One unit of the currency in the organisation's currency, when it was given."),
    )
    recurrence = models.CharField(
        max_length=10, choices=Recurrence, default=Recurrence.ONE_OFF, verbose_name=_("recurrence")
    )
    decision_on = models.DateField(_("expected decision"), null=True, blank=True)
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"), default=50, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("proposal value")
        verbose_name_plural = _("proposal values")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(probability__lte=100), name="proposal_value_probability_100"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0, rate__gt=0), name="proposal_value_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    @property
    def organisation_amount(self) -> Decimal:
        """The amount in the organisation's currency, at the rate given."""
        return (self.amount * self.rate).quantize(Decimal("0.01"))

    @property
    def weighted_amount(self) -> Decimal:
        return (self.organisation_amount * self.probability / 100).quantize(Decimal("0.01"))
