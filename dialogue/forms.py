"""Forms of the dialogue pages: validate and normalize, limited to one customer's records."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.visibility import users_who_can_see
from core.validators import validate_single_line
from customers.models import Customer, Goal, Problem, Stakeholder
from customers.queries import similar_open_problems
from dialogue import queries
from dialogue.models import ActionItem, Meeting, PlannedMeeting
from dialogue.services import MeetingData, NewProblem, NewStakeholder, NextStep, PlanData

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
MAX_NEXT_STEPS = 20
# A next step is due a week out unless the user says otherwise.
NEXT_STEP_DUE_IN = dt.timedelta(days=7)


class ChoicesOnce(ModelChoiceIterator):
    """Iterate the field's queryset itself, not a fresh `.iterator()` each time.

    The page asks whether a customer has goals before rendering them; with Django's iterator
    that is two queries per field. These querysets are one customer's records, so holding them
    in the queryset's cache is cheap.
    """

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


def share_choices(field: forms.ModelChoiceField, queryset: QuerySet) -> None:
    """Let `field` list `queryset` itself, so several fields showing the same records read
    them once (the `queryset` setter clones it, and the widget would read the clone)."""
    field._queryset = queryset  # type: ignore[attr-defined]
    field.widget.choices = field.choices


def _by_key(field: forms.ModelChoiceField) -> dict[str, Any]:
    """The field's records by their submitted key, from the (shared) queryset's cache: the
    fields and forms of one page that list the same records validate against one read."""
    key = field.to_field_name or "pk"
    return {str(getattr(obj, key)): obj for obj in field.queryset}


class OnceChoiceField(forms.ModelChoiceField):
    iterator = ChoicesOnce

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        obj = _by_key(self).get(str(value))
        if obj is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return obj


class OnceMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = ChoicesOnce

    def _check_values(self, value: Any) -> list[Any]:
        by_key = _by_key(self)
        chosen = []
        for key in dict.fromkeys(str(v) for v in value):
            if key not in by_key:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": key},
                )
            chosen.append(by_key[key])
        return chosen


class UserChoiceField(OnceChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class UserMultipleChoiceField(OnceMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class StakeholderChoiceField(OnceMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} — {obj.title}" if obj.title else obj.name


def check_occurred_at(value: dt.datetime) -> dt.datetime:
    now = timezone.now()
    if value.year < 2000:
        raise ValidationError(_("Enter a date from the year 2000 on."))
    if value > now + dt.timedelta(days=366):
        raise ValidationError(_("Enter a date within the next year."))
    return value


class AttendeesAndTopicsForm(forms.ModelForm):
    """Who attends and which goals and problems: choices from this customer's records only."""

    stakeholders = StakeholderChoiceField(
        queryset=Stakeholder.objects.none(),
        required=False,
        label=_("Customer attendees"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    internal_attendees = UserMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("Our attendees"),
        widget=forms.CheckboxSelectMultiple,
    )
    goals = OnceMultipleChoiceField(
        queryset=Goal.objects.none(),
        required=False,
        label=_("Goals discussed"),
        widget=forms.CheckboxSelectMultiple,
    )
    problems = OnceMultipleChoiceField(
        queryset=Problem.objects.none(),
        required=False,
        label=_("Problems discussed"),
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(
        required=False, min_value=1, max_value=2_147_483_647, widget=forms.HiddenInput
    )

    m2m_names = ("stakeholders", "internal_attendees", "goals", "problems")

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.fields["stakeholders"].queryset = queries.stakeholder_choices(customer.pk)
        self.fields["internal_attendees"].queryset = users_who_can_see(customer.pk)
        self.fields["goals"].queryset = queries.goals_of(customer.pk)
        self.fields["problems"].queryset = queries.problems_of(customer.pk)
        self.fields["title"].widget.attrs.update({"autocomplete": "off"})

    def changes(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """Plain field changes and many-to-many sets, for a versioned update."""
        data = self.cleaned_data
        fields = self.Meta.fields  # type: ignore[attr-defined]
        changes = {name: data[name] for name in fields if name not in self.m2m_names}
        return changes, {name: data[name] for name in self.m2m_names}


class MeetingForm(AttendeesAndTopicsForm):
    """The meeting itself."""

    occurred_at = forms.DateTimeField(
        label=_("When"),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )

    class Meta:
        model = Meeting
        fields = [
            "occurred_at",
            "kind",
            "title",
            "stakeholders",
            "internal_attendees",
            "notes",
            "customer_said",
            "insights",
            "goals",
            "problems",
            "sentiment",
        ]
        labels = {
            "customer_said": "What the customer said",
            "insights": "What we learned",
            "notes": "Notes",
        }
        help_texts = {
            "notes": "Markdown: **bold**, lists, links.",
            "customer_said": "Their own words: needs, objections, questions.",
        }
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 6}),
            "customer_said": forms.Textarea(attrs={"rows": 4}),
            "insights": forms.Textarea(attrs={"rows": 3}),
            "kind": forms.RadioSelect,
            "sentiment": forms.RadioSelect,
        }

    def clean_occurred_at(self) -> dt.datetime:
        return check_occurred_at(self.cleaned_data["occurred_at"])

    def meeting_data(self) -> MeetingData:
        data = self.cleaned_data
        return MeetingData(
            occurred_at=data["occurred_at"],
            title=data["title"],
            kind=data["kind"],
            notes=data["notes"],
            customer_said=data["customer_said"],
            insights=data["insights"],
            sentiment=data["sentiment"],
            stakeholders=data["stakeholders"],
            internal_attendees=data["internal_attendees"],
            goals=data["goals"],
            problems=data["problems"],
        )


class PlannedMeetingForm(AttendeesAndTopicsForm):
    """A meeting to come."""

    starts_at = forms.DateTimeField(
        label=_("When"),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )
    duration_minutes = forms.IntegerField(
        label=_("Length (minutes)"), min_value=5, max_value=24 * 60, initial=60
    )

    class Meta:
        model = PlannedMeeting
        fields = [
            "starts_at",
            "duration_minutes",
            "kind",
            "title",
            "location",
            "stakeholders",
            "internal_attendees",
            "agenda",
            "goals",
            "problems",
        ]
        labels = {"title": _("Title"), "location": _("Where"), "agenda": _("Agenda")}
        help_texts = {"agenda": _("Markdown: **bold**, lists, links.")}
        widgets = {"agenda": forms.Textarea(attrs={"rows": 5}), "kind": forms.RadioSelect}

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, customer=customer, **kwargs)
        self.fields["goals"].label = _("Goals to discuss")
        self.fields["problems"].label = _("Problems to discuss")
        self.fields["stakeholders"].label = _("Customer attendees")
        self.fields["internal_attendees"].label = _("Our attendees")

    def clean_starts_at(self) -> dt.datetime:
        return check_occurred_at(self.cleaned_data["starts_at"])

    def plan_data(self) -> PlanData:
        data = self.cleaned_data
        return PlanData(
            **{name: data[name] for name in self.Meta.fields if name not in self.m2m_names},
            **{name: data[name] for name in self.m2m_names},
        )


class RowForm(forms.Form):
    """A row of a formset whose fields are prefilled: it counts once a field holds a value
    other than its default (a field emptied by hand, or not sent, does not make it count)."""

    def has_changed(self) -> bool:
        return any(
            str(self.data.get(self.add_prefix(name), "")).strip() for name in self.changed_data
        )


class NewProblemForm(RowForm):
    """A problem that came up for the first time; it lands in the customer's problems."""

    title = forms.CharField(
        max_length=200, required=False, label=_("New problem"), validators=[validate_single_line]
    )
    severity = forms.ChoiceField(choices=Problem.Severity.choices, initial=Problem.Severity.MEDIUM)
    description = forms.CharField(
        max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    blocks_goals = OnceMultipleChoiceField(
        queryset=Goal.objects.none(),
        required=False,
        label=_("Goals it blocks"),
        widget=forms.CheckboxSelectMultiple,
    )
    # When the title is close to an open problem of the account, the row asks once: link the
    # meeting to that problem instead (`same_as`), or create the new one (`checked_similar`).
    same_as = forms.ModelChoiceField(
        queryset=Problem.objects.none(), required=False, widget=forms.RadioSelect
    )
    checked_similar = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, customer: Customer, goals: QuerySet | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.similar: list[Problem] = []
        self.fields["same_as"].queryset = Problem.objects.filter(
            customer=customer, status__in=Problem.OPEN_STATUSES
        )
        share_choices(
            self.fields["blocks_goals"], queries.goals_of(customer.pk) if goals is None else goals
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("title") and (data.get("description") or data.get("blocks_goals")):
            self.add_error("title", "Give the new problem a title, or clear its other fields.")
        elif data.get("title") and not data.get("checked_similar"):
            self.similar = similar_open_problems(self.customer.pk, data["title"])
            if self.similar:
                self.add_error(
                    "title",
                    _(
                        "This looks like an open problem of the account: link the meeting to "
                        "it below, or save again to create the new one."
                    ),
                )
        return data

    def linked_problem(self) -> Problem | None:
        """The open problem the user chose instead of creating this one."""
        return self.cleaned_data.get("same_as")

    def new_problem(self) -> NewProblem | None:
        data = self.cleaned_data
        if not data.get("title") or data.get("same_as"):
            return None
        return NewProblem(
            title=data["title"],
            severity=data["severity"],
            description=data["description"],
            blocks_goals=tuple(data["blocks_goals"]),
        )


MAX_NEW_ROWS = 10

NewProblemFormSet = forms.formset_factory(
    NewProblemForm, extra=1, max_num=MAX_NEW_ROWS, validate_max=True, absolute_max=20
)


def new_problems(formset: forms.BaseFormSet) -> list[NewProblem]:
    """The rows of the new-problems formset that name a problem."""
    return [p for form in formset.forms if form.cleaned_data and (p := form.new_problem())]


def linked_problems(formset: forms.BaseFormSet) -> list[Problem]:
    """Open problems chosen instead of new ones that looked the same."""
    return [p for form in formset.forms if form.cleaned_data and (p := form.linked_problem())]


class NewStakeholderForm(RowForm):
    """Someone new in the room: added to the customer's stakeholders and to the attendees."""

    name = forms.CharField(
        max_length=200, required=False, label=_("New person"), validators=[validate_single_line]
    )
    title = forms.CharField(
        max_length=200, required=False, label=_("Position"), validators=[validate_single_line]
    )
    buying_role = forms.ChoiceField(
        choices=Stakeholder.BuyingRole.choices,
        initial=Stakeholder.BuyingRole.USER,
        label=_("Buying role"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("name") and data.get("title"):
            self.add_error("name", _("Give the new person a name, or clear their position."))
        return data


NewStakeholderFormSet = forms.formset_factory(
    NewStakeholderForm, extra=1, max_num=MAX_NEW_ROWS, validate_max=True, absolute_max=20
)


def new_stakeholders(formset: forms.BaseFormSet) -> list[NewStakeholder]:
    """The rows of the new-people formset that name someone."""
    return [
        NewStakeholder(
            name=form.cleaned_data["name"],
            title=form.cleaned_data["title"],
            buying_role=form.cleaned_data["buying_role"],
        )
        for form in formset.forms
        if form.cleaned_data.get("name")
    ]


class NextStepForm(RowForm):
    description = forms.CharField(
        max_length=500, label=_("Next step"), validators=[validate_single_line]
    )
    owner = UserChoiceField(queryset=User.objects.none(), label=_("Owner"))
    due_on = forms.DateField(
        required=False,
        label=_("Due"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(
        self,
        *args: Any,
        customer: Customer,
        default_owner: User | None = None,
        users: QuerySet[User] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # `users`: the colleagues who see the customer, shared with the page's other fields.
        share_choices(
            self.fields["owner"], users_who_can_see(customer.pk) if users is None else users
        )
        # A row left as it was rendered counts as empty, so it is skipped rather than refused.
        self.fields["owner"].initial = default_owner.pk if default_owner else None
        self.fields["due_on"].initial = timezone.localdate() + NEXT_STEP_DUE_IN

    def clean_due_on(self) -> dt.date | None:
        due_on = self.cleaned_data.get("due_on")
        if due_on is not None and not dt.date(2000, 1, 1) <= due_on <= dt.date(2100, 12, 31):
            raise ValidationError(_("Enter a date between 2000 and 2100."))
        return due_on


NextStepFormSet = forms.formset_factory(
    NextStepForm, extra=1, max_num=MAX_NEXT_STEPS, validate_max=True, absolute_max=50
)


def next_steps(formset: forms.BaseFormSet) -> list[NextStep]:
    return [
        NextStep(
            description=form.cleaned_data["description"],
            owner=form.cleaned_data["owner"],
            due_on=form.cleaned_data.get("due_on"),
        )
        for form in formset.forms
        if form.has_changed() and form.cleaned_data
    ]


class ActionItemForm(forms.ModelForm):
    owner = UserChoiceField(queryset=User.objects.none())
    version = forms.IntegerField(
        required=False, min_value=1, max_value=2_147_483_647, widget=forms.HiddenInput
    )

    class Meta:
        model = ActionItem
        fields = ["description", "owner", "due_on", "status", "meeting"]
        labels = {"due_on": "Due", "meeting": "From meeting"}
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users_who_can_see(customer.pk)
        self.fields["meeting"].queryset = Meeting.objects.filter(
            customer=customer, deleted_at__isnull=True
        ).order_by("-occurred_at")
        self.fields["meeting"].required = False

    def clean_due_on(self) -> dt.date | None:
        due_on = self.cleaned_data.get("due_on")
        if due_on is not None and not dt.date(2000, 1, 1) <= due_on <= dt.date(2100, 12, 31):
            raise ValidationError(_("Enter a date between 2000 and 2100."))
        return due_on


class ActionItemStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionItem.Status.choices)


class StakeholderQueryForm(forms.Form):
    q = forms.CharField(max_length=100, required=False, strip=True)
