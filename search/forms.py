from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from search.engine import LABELS, TYPES

SEARCH_MAX_LENGTH = 200


class SearchForm(forms.Form):
    q = forms.CharField(max_length=SEARCH_MAX_LENGTH, label=_("Search"), strip=True)
    type = forms.ChoiceField(
        choices=[("", _("Everything")), *((t, LABELS[t]) for t in TYPES)], required=False
    )

    def clean_q(self) -> str:
        q = self.cleaned_data["q"]
        if "\x00" in q:
            raise ValidationError(_("Remove the null character."))
        if len(q) < 2:
            raise ValidationError(_("Type at least 2 characters."))
        return q
