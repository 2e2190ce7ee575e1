from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from health.models import HealthSnapshot

SORT_FIELDS = {
    "name": _("Account"),
    "lead": _("Lead"),
    "score": _("Health"),
    "trend": _("30-day trend"),
    "last_meeting": _("Last meeting"),
    "severe": _("Open severe problems"),
    "overdue": _("Overdue action items"),
    "in_flight": _("Proposals in flight"),
    "areas": _("Areas involved"),
    "plan": _("Plan scorecard"),
    "open_value": _("Open value"),
    "weighted_value": _("Weighted value"),
    "installed_value": _("Installed value"),
}
SORT_CHOICES = [
    choice
    for key, label in SORT_FIELDS.items()
    for choice in (
        (key, format_lazy(_("{label}, ascending"), label=label)),
        (f"-{key}", format_lazy(_("{label}, descending"), label=label)),
    )
]
DEFAULT_SORT = "name"


class DashboardFilterForm(forms.Form):
    """The dashboard's filters and ordering, shared by the page, its CSV export and the API."""

    lead = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label=_("Lead"))
    band = forms.ChoiceField(
        required=False,
        choices=[("", _("Any band")), *Customer.HealthBand.choices],
        label=_("Band"),
    )
    industry = forms.ChoiceField(required=False, label=_("Industry"))
    plan_max = forms.IntegerField(
        required=False, min_value=0, max_value=100, label=_("Plan scorecard at most (%)")
    )
    min_value = forms.DecimalField(
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=2,
        label=_("Open value at least"),
    )
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, label=_("Sort by"))

    def __init__(
        self,
        data: object = None,
        *,
        lead_choices: list[tuple[int, str]],
        industry_choices: list[str],
    ) -> None:
        super().__init__(data)
        self.fields["lead"].choices = [("", "Any lead"), *lead_choices]
        self.fields["industry"].choices = [
            ("", "Any industry"),
            *((industry, industry) for industry in industry_choices),
        ]

    def cleaned_or_defaults(self) -> dict:
        """The valid filters; the invalid ones are dropped (the page shows their errors)."""
        data = getattr(self, "cleaned_data", {})
        return {
            "lead_id": data.get("lead"),
            "band": data.get("band") or "",
            "industry": data.get("industry") or "",
            "plan_max": data.get("plan_max"),
            "min_value": data.get("min_value"),
            "sort": data.get("sort") or DEFAULT_SORT,
        }


class AnnotationForm(forms.Form):
    """A manager's comment on one of the days shown in the account's history."""

    snapshot = forms.TypedChoiceField(coerce=int, label=_("Day"))
    body = forms.CharField(
        label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, data: object = None, *, snapshots: list[HealthSnapshot]) -> None:
        super().__init__(data)
        self.fields["snapshot"].choices = [
            (s.pk, f"{s.taken_on:%d %b %Y}: {s.score} ({s.get_band_display()})")
            for s in reversed(snapshots)
        ]

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Write a comment."))
        return body
