"""Page forms for divisions, whitespace cells, SWOT items and proposal values."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from customers.forms import DATE, SHORT_TEXT, RecordForm
from customers.models import Customer, Goal, Option, Problem, StrategicMove
from customers.queries import live_stakeholders
from solutions.models import Proposal
from strategy.analysis import find_source
from strategy.models import CURRENCIES, AnalysisItem, Division, ProposalValue, WhitespaceCell


class DivisionForm(RecordForm):
    class Meta:
        model = Division
        fields = ["name", "head", "employees", "notes", "stakeholders", "goals"]
        labels = {
            "head": _("Head (a stakeholder)"),
            "employees": _("Size (employees)"),
            "stakeholders": _("People in this division"),
            "goals": _("Goals of this division"),
        }
        widgets = {
            "notes": SHORT_TEXT,
            "stakeholders": forms.CheckboxSelectMultiple,
            "goals": forms.CheckboxSelectMultiple,
        }

    def limit_links(self) -> None:
        people = live_stakeholders(self.customer)
        self.fields["head"].queryset = people
        self.fields["stakeholders"].queryset = people
        self.fields["goals"].queryset = self.customer.goals.all()


class CellForm(RecordForm):
    """One whitespace cell; what a status needs is checked here (a proposal for "proposed"...)."""

    # A cell nobody saved yet is version 0.
    version = forms.IntegerField(min_value=0, max_value=2_147_483_647, widget=forms.HiddenInput)

    class Meta:
        model = WhitespaceCell
        fields = [
            "status",
            "installed_since",
            "annual_value",
            "proposal",
            "reason",
            "goals",
            "problems",
            "competitor",
        ]
        labels = {
            "installed_since": _("Installed since"),
            "annual_value": _("Value per year"),
            "proposal": _("Proposal"),
            "reason": _("Why (for an opportunity)"),
            "goals": _("Goals it would serve"),
            "problems": _("Problems it would solve"),
            "competitor": _("Competitor"),
        }
        widgets = {
            "installed_since": DATE,
            "reason": SHORT_TEXT,
            "goals": forms.CheckboxSelectMultiple,
            "problems": forms.CheckboxSelectMultiple,
        }

    def limit_links(self) -> None:
        self.fields["proposal"].queryset = Proposal.objects.filter(
            customer=self.customer, deleted_at__isnull=True
        )
        self.fields["goals"].queryset = self.customer.goals.all()
        self.fields["problems"].queryset = self.customer.problems.all()
        self.fields["annual_value"].widget.attrs.update(min="0", step="0.01")

    def clean(self) -> dict:
        data = super().clean()
        status = data.get("status")
        Status = WhitespaceCell.Status
        if status == Status.PROPOSED and not data.get("proposal"):
            self.add_error("proposal", _("Choose the proposal that offers it."))
        if status == Status.COMPETITOR and not data.get("competitor"):
            self.add_error("competitor", _("Name the competitor whose offering is installed."))
        if status == Status.OPPORTUNITY and not (
            data.get("reason") or data.get("goals") or data.get("problems")
        ):
            self.add_error("reason", _("Say why, or link the goals or problems it would serve."))
        if status != Status.INSTALLED:
            # Values and dates belong to installed offerings; other statuses clear them.
            data["installed_since"] = None
            data["annual_value"] = None
        return data

    def clean_version(self) -> int | None:
        return self.cleaned_data.get("version")


class AnalysisItemForm(forms.Form):
    """A SWOT or PESTLE item written by the team, optionally linked to one model record."""

    category = forms.ChoiceField(label=_("Where"), choices=AnalysisItem.Category.choices)
    text = forms.CharField(label=_("Item"), max_length=2000, widget=forms.Textarea({"rows": 2}))
    link = forms.ChoiceField(label=_("Linked to"), required=False)

    def __init__(self, *args: object, customer: Customer, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.customer = customer
        groups: list = [("", _("Nothing"))]
        for kind, label, queryset in (
            ("problem", _("Problems"), Problem.objects.filter(customer=customer)),
            ("move", _("Strategic moves"), StrategicMove.objects.filter(customer=customer)),
            ("option", _("Options"), Option.objects.filter(customer=customer)),
            ("goal", _("Goals"), Goal.objects.filter(customer=customer)),
        ):
            choices = [(f"{kind}-{pk}", title) for pk, title in queryset.values_list("pk", "title")]
            if choices:
                groups.append((label, choices))
        self.fields["link"].choices = groups

    def clean_link(self) -> object:
        value = self.cleaned_data.get("link")
        if not value:
            return None
        kind, _sep, pk = value.partition("-")
        source = find_source(self.customer, kind, int(pk)) if pk.isdecimal() else None
        if source is None:
            raise forms.ValidationError(_("Choose one of this customer's records."))
        return source


def currency_choices() -> list[tuple[str, str]]:
    codes = sorted({settings.ORGANISATION_CURRENCY, *CURRENCIES})
    return [(code, code) for code in codes]


class ProposalValueForm(forms.ModelForm):
    """The value at stake of a proposal. An amount in another currency than the
    organisation's needs the rate used to convert it; probability is 0-100."""

    version = forms.IntegerField(min_value=0, max_value=2_147_483_647, widget=forms.HiddenInput)
    currency = forms.ChoiceField(label=_("Currency"), choices=currency_choices)
    rate = forms.DecimalField(
        label=_("Rate to the organisation's currency"),
        required=False,
        min_value=Decimal("0.000001"),
        max_digits=14,
        decimal_places=6,
        help_text=_("One unit of the currency in the organisation's currency."),
    )

    class Meta:
        model = ProposalValue
        fields = ["amount", "currency", "rate", "recurrence", "decision_on", "probability"]
        widgets = {"decision_on": DATE}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["amount"].widget.attrs.update(min="0", step="0.01")
        self.fields["probability"].widget.attrs.update(min="0", max="100")

    def clean(self) -> dict:
        data = super().clean()
        if data.get("currency") == settings.ORGANISATION_CURRENCY:
            data["rate"] = Decimal(1)
        elif data.get("currency") and not data.get("rate"):
            self.add_error("rate", _("Give the rate used for this currency."))
        return data

    def split(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
