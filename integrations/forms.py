from django import forms
from django.utils.translation import gettext_lazy as _

from core.validators import validate_single_line
from integrations import presets, webhooks
from integrations.models import RecordKind, WebhookEndpoint

ENCODING_CHOICES = [
    ("auto", _("Detect (UTF-8 or UTF-16)")),
    ("utf-8", "UTF-8"),
    ("utf-16", "UTF-16"),
    ("cp1252", "Windows-1252"),
    ("latin-1", "ISO-8859-1 (Latin-1)"),
]


class ImportUploadForm(forms.Form):
    preset = forms.ChoiceField(label=_("What the file is"), choices=presets.preset_choices)
    file = forms.FileField(label=_("CSV file"))
    encoding = forms.ChoiceField(label=_("Encoding"), choices=ENCODING_CHOICES, initial="auto")
    kind = forms.ChoiceField(
        label=_("Records in the file (another CSV only)"),
        choices=[("", "—"), *RecordKind.choices],
        required=False,
    )
    source_name = forms.CharField(
        label=_("Source name (another CSV only; its column mapping is remembered)"),
        max_length=100,
        required=False,
        validators=[validate_single_line],
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("preset") == presets.GENERIC:
            if not data.get("kind"):
                self.add_error("kind", _("Say what the file holds."))
            if not data.get("source_name"):
                self.add_error("source_name", _("Name the source, e.g. “Pipedrive export”."))
        return data


class MappingForm(forms.Form):
    """One choice of the file's columns per field of ours."""

    def __init__(
        self, *args: object, kind: str, header: list[str], initial_mapping: dict, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.kind = kind
        choices = [("", _("(not in the file)")), *((h, h) for h in header if h)]
        lowered = {h.lower(): h for h in header}
        for name in presets.FIELDS[kind]:
            guess = (
                initial_mapping.get(name)
                or lowered.get(name.replace("_", " "))
                or lowered.get(name)
            )
            self.fields[name] = forms.ChoiceField(
                label=presets.FIELD_LABELS[name],
                choices=choices,
                required=name in presets.REQUIRED[kind],
                initial=guess or "",
            )

    def mapping(self) -> dict[str, str]:
        return {name: column for name, column in self.cleaned_data.items() if column}


class WebhookEndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("Events"), widget=forms.CheckboxSelectMultiple, choices=()
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "events", "format", "allow_private"]
        labels = {
            "url": _("URL"),
            "description": _("Description"),
            "format": _("Format"),
            "allow_private": _("Allow a private or local address (admins only)"),
        }

    def __init__(self, *args: object, may_allow_private: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["events"].choices = [
            (key, label) for key, label in webhooks.EVENTS.items() if key != "test"
        ]
        if not may_allow_private:
            del self.fields["allow_private"]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("url"):
            try:
                webhooks.check_target(data["url"], allow_private=data.get("allow_private", False))
            except webhooks.UnsafeTarget as exc:
                self.add_error("url", str(exc))
        return data
