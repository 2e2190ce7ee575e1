"""Forms of the invitation import on the plan-a-meeting page: the .ics (uploaded, dropped or
pasted) and the unknown addresses it named, each offered as a new stakeholder with a tick."""

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from core.validators import validate_single_line
from dialogue.invitations import Invitation, InvitationError, read_invitation
from dialogue.services import NewStakeholder

ICS_SUFFIXES = (".ics", ".ical", ".icalendar")


def _too_big() -> forms.ValidationError:
    limit = settings.ICS_IMPORT_MAX_BYTES // 1024
    return forms.ValidationError(_("The invitation is larger than %(kb)d KB.") % {"kb": limit})


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise forms.ValidationError(
            _("The invitation is not UTF-8 text. Export it from your calendar again as .ics.")
        ) from None


class InvitationForm(forms.Form):
    """An invitation to read: a file, else pasted text."""

    file = forms.FileField(
        required=False,
        label=_("Invitation file (.ics)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".ics,text/calendar"}),
    )
    text = forms.CharField(
        required=False,
        strip=False,
        label=_("Or paste the invitation"),
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invitation: Invitation | None = None

    def clean_file(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        content_type = (upload.content_type or "").split(";")[0].strip().lower()
        if not upload.name.lower().endswith(ICS_SUFFIXES) and content_type != "text/calendar":
            raise forms.ValidationError(
                _("Choose a calendar invitation: an .ics file (text/calendar).")
            )
        if upload.size is None or upload.size > settings.ICS_IMPORT_MAX_BYTES:
            raise _too_big()
        return upload

    def clean_text(self) -> str:
        text = self.cleaned_data.get("text", "")
        if len(text.encode()) > settings.ICS_IMPORT_MAX_BYTES:
            raise _too_big()
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        upload, text = data.get("file"), data.get("text", "")
        if upload is not None:
            text = _decode(upload.read(settings.ICS_IMPORT_MAX_BYTES + 1))
        elif not text.strip():
            raise forms.ValidationError(_("Choose an .ics file or paste the invitation."))
        try:
            self.invitation = read_invitation(text)
        except InvitationError as exc:
            raise forms.ValidationError(str(exc)) from None
        return data


class NewInviteeForm(forms.Form):
    """An address of the invitation no stakeholder has: ticked, it becomes one."""

    create = forms.BooleanField(required=False, label=_("Add as a new stakeholder"))
    name = forms.CharField(
        max_length=200, required=False, label=_("Name"), validators=[validate_single_line]
    )
    email = forms.EmailField(max_length=254, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("create") and not data.get("name"):
            self.add_error("name", _("Give the new stakeholder a name, or untick them."))
        return data


NewInviteeFormSet = forms.formset_factory(
    NewInviteeForm, extra=0, max_num=100, validate_max=True, absolute_max=100
)

NEW_INVITEES_PREFIX = "invitee"


def new_invitees_formset(data: Any = None, *, initial: list[dict[str, str]] | None = None) -> Any:
    """The ticks for unknown addresses; bound only when the page sent them (it has none before
    an invitation was read)."""
    if data is not None and f"{NEW_INVITEES_PREFIX}-TOTAL_FORMS" not in data:
        data = None
    return NewInviteeFormSet(data, initial=initial, prefix=NEW_INVITEES_PREFIX)


def new_invitees(formset: forms.BaseFormSet) -> list[NewStakeholder]:
    """The ticked addresses, as new stakeholders."""
    return [
        NewStakeholder(name=form.cleaned_data["name"], email=form.cleaned_data["email"])
        for form in formset.forms
        if form.cleaned_data.get("create")
    ]
