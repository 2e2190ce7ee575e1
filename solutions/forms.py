from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Area, User
from accounts.visibility import users_who_can_see
from core.validators import validate_single_line
from customers.models import Customer
from solutions.currencies import validate_currency
from solutions.models import Contribution, Partner, Proposal
from solutions.services import specialists_for


class VersionField(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=2_147_483_647, **kwargs)


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        area = f" ({obj.area.name})" if getattr(obj, "area", None) else ""
        return f"{obj.display_name}{area}"


class ProposalForm(forms.ModelForm):
    version = VersionField(required=False)
    owner = UserChoiceField(queryset=User.objects.none())

    class Meta:
        model = Proposal
        fields = ["title", "summary", "problems", "options", "owner", "value", "currency"]
        widgets = {
            "problems": forms.CheckboxSelectMultiple,
            "options": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 6}),
            "currency": forms.TextInput(
                attrs={"size": 3, "autocomplete": "off", "spellcheck": "false"}
            ),
        }
        help_texts = {
            "summary": "Markdown. What you propose and why it solves these problems.",
            "problems": "The customer's problems this proposal solves.",
            "options": "The customer's own options this proposal builds on.",
            "currency": "ISO 4217 code, such as EUR, USD or SEK.",
        }
        labels = {"problems": "Problems addressed", "options": "Options built on"}

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only this customer's records may be linked, and only people who see the account own it.
        self.fields["problems"].queryset = customer.problems.order_by("title")
        self.fields["options"].queryset = customer.options.order_by("kind", "title")
        self.fields["owner"].queryset = users_who_can_see(customer.pk)
        self.fields["value"].label = "Estimated value"

    def clean_currency(self) -> str:
        currency = (self.cleaned_data.get("currency") or "").strip().upper()
        validate_currency(currency)
        return currency


class PartnerForm(forms.ModelForm):
    version = VersionField(required=False)

    class Meta:
        model = Partner
        fields = [
            "name",
            "market",
            "speciality",
            "website",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]


class ContributionRequestForm(forms.Form):
    specialist = UserChoiceField(
        queryset=User.objects.none(),
        required=False,
        help_text=_("A specialist on this account's team."),
    )
    partner = forms.ModelChoiceField(queryset=Partner.objects.all(), required=False)
    area = forms.ModelChoiceField(
        queryset=Area.objects.all(),
        required=False,
        help_text=_("Defaults to the specialist's own area."),
    )
    request = forms.CharField(
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you need from them."),
    )

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        specialists = specialists_for(customer)
        self.fields["specialist"].queryset = User.objects.filter(
            pk__in=[user.pk for user in specialists]
        ).select_related("area")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if bool(data.get("specialist")) == bool(data.get("partner")):
            message = "Ask either a specialist or a partner (one of the two)."
            self.add_error("specialist", message)
        return data


class ContributionWriteForm(forms.ModelForm):
    version = VersionField()

    class Meta:
        model = Contribution
        fields = ["description", "effort_days", "cost_estimate"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}
        labels = {
            "description": "What the contribution adds",
            "effort_days": "Effort (days)",
            "cost_estimate": "Cost estimate",
        }
        help_texts = {"description": "Markdown."}


class DeclineForm(forms.Form):
    reason = forms.CharField(
        max_length=500, label=_("Reason for declining"), validators=[validate_single_line]
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        max_length=20000,
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Markdown. Mention a colleague on this account with @username."),
    )
    parent = forms.IntegerField(
        required=False, min_value=1, max_value=2**53, widget=forms.HiddenInput
    )


class CommentEditForm(forms.Form):
    body = forms.CharField(
        max_length=20000, label=_("Edit comment"), widget=forms.Textarea(attrs={"rows": 3})
    )
    version = VersionField()


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=Proposal.Status.choices)
    note = forms.CharField(max_length=500, required=False, validators=[validate_single_line])
