from django import forms
from django.utils.translation import gettext_lazy as _

from insights.models import AccountSummary

MAX_INT = 2_147_483_647


class PlanSectionForm(forms.Form):
    body = forms.CharField(
        label=_("Section text (markdown)"),
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
