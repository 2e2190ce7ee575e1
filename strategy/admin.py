from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from customers.models import Stakeholder
from strategy.models import PLAYBOOK_FIELDS, Offering, Playbook


@admin.register(Offering)
class OfferingAdmin(admin.ModelAdmin):
    """The offering catalogue: admins keep it, grouped by the area that delivers it."""

    list_display = ["name", "area", "position", "is_active"]
    list_filter = ["area", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["name", "description"]


class PlaybookForm(forms.ModelForm):
    required_roles = forms.MultipleChoiceField(
        choices=Stakeholder.BuyingRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Buying roles a stakeholder with an owner on our side must cover."),
    )

    class Meta:
        model = Playbook
        fields = PLAYBOOK_FIELDS


@admin.register(Playbook)
class PlaybookAdmin(admin.ModelAdmin):
    """Playbooks per segment: what a good account plan has."""

    form = PlaybookForm
    list_display = ["name", "industry", "size", "min_confirmed_goals", "meeting_cadence_days"]
    list_filter = ["size", "is_active"]
    filter_horizontal = ["required_areas", "required_offerings"]
