"""Forms of the shared space: the lead's (sharing, plan, invitations) and the guests'."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.visibility import users_who_can_see
from core.validators import validate_single_line
from customers.models import Customer, Goal, Problem, Stakeholder
from dialogue.forms import OnceChoiceField, OnceMultipleChoiceField
from solutions.models import Proposal
from space.models import Milestone, PlanStep, SharedSpace

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Below nginx's 3 MB request limit (deploy/nginx), with room for the rest of the form.
MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024


class ShareForm(forms.Form):
    goals = OnceMultipleChoiceField(
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Goals to share"),
    )
    problems = OnceMultipleChoiceField(
        queryset=Problem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Problems to share"),
    )

    def __init__(self, *args: object, customer: Customer, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = Goal.objects.filter(customer=customer)
        self.fields["problems"].queryset = Problem.objects.filter(customer=customer)


class IntroductionForm(forms.ModelForm):
    class Meta:
        model = SharedSpace
        fields = ["introduction"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 3})}


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on"]
        widgets = {"due_on": DATE}


class StepForm(forms.Form):
    """A step with one owner: a colleague who can see the account, or a customer stakeholder."""

    title = forms.CharField(label=_("Step"), max_length=300, validators=[validate_single_line])
    owner = forms.ChoiceField(label=_("Owner"))
    due_on = forms.DateField(label=_("Due"), required=False, widget=DATE)
    milestone = OnceChoiceField(
        queryset=Milestone.objects.none(), required=False, label=_("Milestone")
    )
    goal = OnceChoiceField(queryset=Goal.objects.none(), required=False, label=_("Serves the goal"))
    proposal = OnceChoiceField(
        queryset=Proposal.objects.none(), required=False, label=_("Serves the proposal")
    )

    def __init__(self, *args: object, space: SharedSpace, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        customer_id = space.customer_id
        self.users = {str(u.pk): u for u in users_who_can_see(customer_id)}
        self.stakeholders = {
            str(s.pk): s
            for s in Stakeholder.objects.filter(customer_id=customer_id, deleted_at__isnull=True)
        }
        self.fields["owner"].choices = [
            (_("Our side"), [(f"u{pk}", u.display_name) for pk, u in self.users.items()]),
            (_("Customer side"), [(f"s{pk}", s.name) for pk, s in self.stakeholders.items()]),
        ]
        self.fields["milestone"].queryset = Milestone.objects.filter(space=space)
        self.fields["goal"].queryset = Goal.objects.filter(customer_id=customer_id)
        self.fields["proposal"].queryset = Proposal.objects.filter(
            customer_id=customer_id, deleted_at__isnull=True
        )

    def clean_owner(self) -> dict:
        value = self.cleaned_data["owner"]
        side, pk = value[:1], value[1:]
        if side == "u" and pk in self.users:
            return {"owner_user": self.users[pk]}
        if side == "s" and pk in self.stakeholders:
            return {"owner_stakeholder": self.stakeholders[pk]}
        raise ValidationError(_("Choose an owner from the list."))


class StepStatusForm(forms.Form):
    status = forms.ChoiceField(choices=PlanStep.Status.choices)


class ShareProposalForm(forms.Form):
    proposal = OnceChoiceField(queryset=Proposal.objects.none(), label=_("Proposal"))
    summary = forms.CharField(
        label=_("Summary for the customer"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only this text is shown to the customer, not the proposal's own."),
    )
    attachment = forms.FileField(
        label=_("Attachment (PDF)"),
        required=False,
        help_text=_("A PDF of at most 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def __init__(self, *args: object, customer: Customer, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = Proposal.objects.filter(
            customer=customer, deleted_at__isnull=True
        )

    def clean_attachment(self) -> bytes | None:
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        if upload.size > MAX_ATTACHMENT_BYTES:
            raise ValidationError(_("The file is larger than 2 MB."))
        data = upload.read()
        name = upload.name or ""
        if not name.lower().endswith(".pdf") or not data.startswith(b"%PDF-"):
            raise ValidationError(_("Upload a PDF file."))
        self.attachment_name = validate_file_name(name)
        return data


def validate_file_name(name: str) -> str:
    """A name safe in a Content-Disposition header: letters, digits, dot, dash, underscore."""
    cleaned = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in name)
    return cleaned[-100:] or "attachment.pdf"


class InviteForm(forms.Form):
    stakeholder = OnceChoiceField(
        queryset=Stakeholder.objects.none(),
        label=_("Stakeholder"),
        help_text=_(
            "They get an email with a sign-in link; their address comes from their record."
        ),
    )

    def __init__(self, *args: object, customer: Customer, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stakeholder"].queryset = Stakeholder.objects.filter(
            customer=customer, deleted_at__isnull=True
        ).exclude(email="")


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SignInForm(forms.Form):
    email = forms.EmailField(label=_("Your email address"), max_length=254)


class CorrectionForm(forms.Form):
    title = forms.CharField(
        label=_("In your words"), max_length=200, validators=[validate_single_line]
    )
    text = forms.CharField(
        label=_("Anything to add"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


GOAL_RANKS = [
    ("1", _("Priority 1 (highest)")),
    ("2", _("Priority 2")),
    ("3", _("Priority 3")),
]


def rank_choices(*, is_goal: bool) -> list[tuple[str, str]]:
    """What a guest may suggest: a goal's priority or a problem's severity."""
    return GOAL_RANKS if is_goal else Problem.Severity.choices


class RankForm(forms.Form):
    value = forms.ChoiceField(label=_("As you see it"))

    def __init__(self, *args: object, is_goal: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["value"].choices = rank_choices(is_goal=is_goal)


class IrrelevantForm(forms.Form):
    text = forms.CharField(
        label=_("Why (optional)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NewRecordForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What"), choices=[("new_goal", _("A goal")), ("new_problem", _("A problem"))]
    )
    title = forms.CharField(label=_("Title"), max_length=200, validators=[validate_single_line])
    text = forms.CharField(
        label=_("Details"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class GuestStepForm(forms.Form):
    """What a guest does with a step: tick it, comment, propose a date."""

    action = forms.ChoiceField(
        choices=[("done", "done"), ("reopen", "reopen"), ("comment", "comment"), ("date", "date")]
    )
    body = forms.CharField(max_length=5000, required=False, label=_("Comment"))
    due_on = forms.DateField(required=False, widget=DATE, label=_("Proposed date"))

    def clean(self) -> dict:
        data = super().clean()
        if data.get("action") == "comment" and not data.get("body", "").strip():
            self.add_error("body", _("Write a comment."))
        if data.get("action") == "date" and not data.get("due_on"):
            self.add_error("due_on", _("Choose a date."))
        return data
