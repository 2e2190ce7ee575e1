"""Page forms for the customer and its sales intelligence records."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import AccountMembership, User
from accounts.visibility import users_who_can_see
from customers.models import (
    BusinessModel,
    Customer,
    Goal,
    Option,
    Problem,
    Process,
    ProcessStep,
    Stakeholder,
    StrategicMove,
)
from customers.queries import live_stakeholders, stakeholder_cycle

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SHORT_TEXT = forms.Textarea(attrs={"rows": 3})


class VersionField(forms.IntegerField):
    """The version the user's form was based on (hidden)."""

    def __init__(self) -> None:
        super().__init__(
            min_value=1, max_value=2_147_483_647, required=False, widget=forms.HiddenInput
        )


class RecordForm(forms.ModelForm):
    """A form for one of the customer's records; link fields are limited to that customer."""

    version = VersionField()

    def __init__(self, *args: object, customer: Customer, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.limit_links()

    def limit_links(self) -> None:
        """Restrict link fields to the same customer's records."""

    def clean_version(self) -> int | None:
        version = self.cleaned_data.get("version")
        if self.instance.pk and version is None:
            raise ValidationError(
                _("Reload the page: the form lost track of the record's version.")
            )
        return version

    def split(self) -> tuple[dict, dict]:
        """The cleaned data as (plain fields, many-to-many links)."""
        fields, m2m = {}, {}
        for name in self._meta.fields:
            if name not in self.cleaned_data:
                continue
            target = m2m if self._meta.model._meta.get_field(name).many_to_many else fields
            target[name] = self.cleaned_data[name]
        return fields, m2m


class CustomerForm(forms.ModelForm):
    version = VersionField()

    class Meta:
        model = Customer
        fields = ["name", "industry", "website", "size", "description"]
        widgets = {"website": forms.URLInput(attrs={"placeholder": "https://"})}

    def clean_version(self) -> int | None:
        version = self.cleaned_data.get("version")
        if self.instance.pk and version is None:
            raise ValidationError(
                _("Reload the page: the form lost track of the record's version.")
            )
        return version


class GoalForm(RecordForm):
    class Meta:
        model = Goal
        fields = [
            "title",
            "description",
            "priority",
            "target_on",
            "metric",
            "status",
            "confirmed",
            "source",
        ]
        labels = {"target_on": "Target date", "confirmed": "Confirmed by the customer"}
        widgets = {
            "target_on": DATE,
            "priority": forms.Select(
                choices=[(1, _("1 (highest)")), (2, "2"), (3, _("3 (lowest)"))]
            ),
            "description": SHORT_TEXT,
        }


class ProblemForm(RecordForm):
    class Meta:
        model = Problem
        fields = [
            "title",
            "description",
            "severity",
            "status",
            "blocks_goals",
            "process_step",
            "raised_by",
            "confirmed",
            "source",
        ]
        labels = {
            "blocks_goals": "Goals it blocks",
            "process_step": "Process step where it hurts",
            "confirmed": "Confirmed by the customer",
        }
        widgets = {"blocks_goals": forms.CheckboxSelectMultiple, "description": SHORT_TEXT}

    def limit_links(self) -> None:
        self.fields["blocks_goals"].queryset = Goal.objects.filter(customer=self.customer)
        self.fields["process_step"].queryset = ProcessStep.objects.filter(
            process__customer=self.customer
        ).select_related("process")
        self.fields["process_step"].label_from_instance = lambda s: f"{s.process.name}: {s}"
        self.fields["raised_by"].queryset = live_stakeholders(self.customer)


class ProcessForm(RecordForm):
    class Meta:
        model = Process
        fields = ["name", "description"]
        widgets = {"description": SHORT_TEXT}


class StepForm(forms.ModelForm):
    class Meta:
        model = ProcessStep
        fields = ["name", "description"]
        labels = {"name": "Step name"}
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class StakeholderForm(RecordForm):
    class Meta:
        model = Stakeholder
        fields = [
            "name",
            "title",
            "email",
            "phone",
            "buying_role",
            "influence",
            "attitude",
            "reports_to",
            "owner",
            "influences",
        ]
        labels = {
            "buying_role": "Role in the buying centre",
            "influence": "Influence (1-5)",
            "owner": "Our relationship owner",
            "influences": "Influences (beyond the reporting line)",
        }
        widgets = {"influences": forms.CheckboxSelectMultiple}

    def limit_links(self) -> None:
        others = live_stakeholders(self.customer).exclude(pk=self.instance.pk)
        self.fields["reports_to"].queryset = others
        self.fields["influences"].queryset = others
        self.fields["owner"].queryset = users_who_can_see(self.customer.pk)
        self.fields["influence"].widget = forms.Select(choices=[(i, i) for i in range(1, 6)])

    def clean_reports_to(self) -> Stakeholder | None:
        reports_to = self.cleaned_data.get("reports_to")
        if stakeholder_cycle(self.instance.pk, reports_to):
            raise ValidationError(_("That would make a reporting loop."))
        return reports_to


class StrategicMoveForm(RecordForm):
    class Meta:
        model = StrategicMove
        fields = ["title", "kind", "description", "horizon_on", "status", "source"]
        labels = {"horizon_on": "Horizon date"}
        widgets = {"horizon_on": DATE, "description": SHORT_TEXT}


class OptionForm(RecordForm):
    class Meta:
        model = Option
        fields = ["kind", "title", "description", "serves_goals"]
        labels = {"serves_goals": "Goals it serves"}
        widgets = {"serves_goals": forms.CheckboxSelectMultiple, "description": SHORT_TEXT}

    def limit_links(self) -> None:
        self.fields["serves_goals"].queryset = Goal.objects.filter(customer=self.customer)


class CanvasBoxForm(forms.Form):
    field = forms.ChoiceField(choices=[(f, f) for f in BusinessModel.CANVAS_FIELDS])
    text = forms.CharField(
        max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    version = forms.IntegerField(min_value=1, max_value=2_147_483_647, widget=forms.HiddenInput)


class LinkProblemForm(forms.Form):
    problem = forms.ModelChoiceField(queryset=Problem.objects.none(), label=_("Existing problem"))

    def __init__(self, *args: object, customer: Customer, goal: Goal, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["problem"].queryset = Problem.objects.filter(customer=customer).exclude(
            blocks_goals=goal
        )


class MemberForm(forms.Form):
    username = forms.CharField(max_length=150, label=_("Username"))
    role = forms.ChoiceField(choices=AccountMembership.Role.choices)

    def clean_username(self) -> User:
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username__iexact=username, is_active=True).first()
        if user is None:
            # The same answer for a missing, inactive or mistyped name: the form confirms nothing.
            raise ValidationError(_("Enter the username of an active colleague."))
        return user


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=AccountMembership.Role.choices)


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"), help_text=_("UTF-8, comma-separated, at most 2 MB.")
    )
