from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.visibility import users_who_can_see
from customers.models import Customer, Goal, Stakeholder
from insights.models import AccountSummary, PlanItem

MAX_INT = 2_147_483_647


class PlanSectionForm(forms.Form):
    body = forms.CharField(
        label=_("Notes (markdown)"),
        max_length=50000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 18}),
    )
    version = forms.IntegerField(min_value=0, max_value=MAX_INT, widget=forms.HiddenInput)


class SubmitPlanForm(forms.Form):
    comment = forms.CharField(
        label=_("Note for the reviewer"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReviewPlanForm(forms.Form):
    DECISIONS = [("approve", "Approve the plan"), ("request_changes", "Request changes")]

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == "request_changes" and not data.get("comment", "").strip():
            self.add_error("comment", "Say what should change.")
        return data


class PlanCommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment (markdown)"), max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DiffForm(forms.Form):
    a = forms.IntegerField(label=_("From version"), min_value=1, max_value=MAX_INT)
    b = forms.IntegerField(label=_("To version"), min_value=1, max_value=MAX_INT)

    def __init__(self, *args: object, customer_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.customer_id = customer_id

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        found = {
            s.number: s
            for s in AccountSummary.objects.filter(
                customer_id=self.customer_id, number__in=[data["a"], data["b"]]
            ).only("number", "markdown", "built_at")
        }
        for field in ("a", "b"):
            if data[field] not in found:
                self.add_error(field, "There is no such version.")
            else:
                data[f"{field}_summary"] = found[data[field]]
        return data


class ExportForm(forms.Form):
    version = forms.IntegerField(min_value=1, max_value=MAX_INT, required=False)


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TITLE_LABELS = {
    PlanItem.Kind.OBJECTIVE: _("Objective"),
    PlanItem.Kind.RISK: _("Risk"),
    PlanItem.Kind.ACTION: _("What"),
    PlanItem.Kind.OFFER: _("What we offer"),
    PlanItem.Kind.QUESTION: _("Question"),
}


# What a person writes on a plan item (each kind uses some: PlanItem.FIELDS).
ITEM_FIELDS = [
    "title",
    "metric",
    "target",
    "target_on",
    "goals",
    "likelihood",
    "impact",
    "mitigation",
    "stakeholder",
    "owner",
    "due_on",
    "effort",
    "details",
]


class PlanItemForm(forms.ModelForm):
    """One kind of plan item: its title and the fields of its kind (PlanItem.FIELDS)."""

    version = forms.IntegerField(
        min_value=0, max_value=MAX_INT, required=False, widget=forms.HiddenInput
    )

    class Meta:
        model = PlanItem
        fields = ITEM_FIELDS
        labels = {
            "metric": _("Metric"),
            "target": _("Target"),
            "target_on": _("Target date"),
            "goals": _("Customer goals it serves"),
            "likelihood": _("Likelihood"),
            "impact": _("Impact"),
            "mitigation": _("Mitigation"),
            "stakeholder": _("With which stakeholder"),
            "owner": _("Owner"),
            "due_on": _("Due"),
            "effort": _("Effort"),
            "details": _("Details"),
        }
        widgets = {
            "target_on": DATE_WIDGET,
            "due_on": DATE_WIDGET,
            "mitigation": forms.Textarea(attrs={"rows": 2}),
            "details": forms.Textarea(attrs={"rows": 2}),
            "goals": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, kind: str, customer: Customer, **kwargs: Any) -> None:
        instance = kwargs.pop("instance", None) or PlanItem(kind=kind, customer=customer)
        super().__init__(*args, instance=instance, **kwargs)
        used = {"title", "version", *PlanItem.FIELDS[kind]}
        for name in list(self.fields):
            if name not in used:
                del self.fields[name]
        self.fields["title"].label = TITLE_LABELS[kind]
        if "goals" in self.fields:
            self.fields["goals"].queryset = Goal.objects.filter(customer=customer)
        if "stakeholder" in self.fields:
            self.fields["stakeholder"].queryset = Stakeholder.objects.filter(customer=customer)
        if "owner" in self.fields:
            self.fields["owner"].queryset = users_who_can_see(customer.pk)
            self.fields["owner"].label_from_instance = lambda user: user.display_name
        if instance.pk:
            self.initial.setdefault("version", instance.version)


class SectionReviewForm(ReviewPlanForm):
    DECISIONS = [("approve", _("Approve the section")), ("request_changes", _("Request changes"))]

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
