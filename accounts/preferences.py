"""Each user's time zone and language: the choices, the form and the page that sets them."""

import zoneinfo
from functools import cache

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from accounts.views_security import safe_next


@cache
def time_zone_names() -> tuple[str, ...]:
    """The IANA zones a user may choose (region/city names, and UTC)."""
    names = zoneinfo.available_timezones()
    regions = (n for n in names if "/" in n and not n.startswith(("posix/", "right/", "Etc/")))
    return (*sorted(regions), "UTC")


class PreferencesForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"))

    class Meta:
        model = User
        fields = ["time_zone", "language"]
        labels = {"language": _("Language")}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["time_zone"].choices = [(name, name) for name in time_zone_names()]
        self.fields["language"].choices = [("", _("As the browser asks")), *settings.LANGUAGES]
        if not self.initial.get("time_zone"):
            self.initial["time_zone"] = settings.TIME_ZONE


class ProposedZoneForm(forms.Form):
    time_zone = forms.ChoiceField()

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["time_zone"].choices = [(name, name) for name in time_zone_names()]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        language = user.language or translation.get_language_from_request(request)
        translation.activate(language)
        messages.success(request, _("Your preferences are saved."))
        return redirect("preferences")
    status = 400 if form.is_bound else 200
    return render(request, "accounts/preferences.html", {"form": form}, status=status)


@login_required
@require_POST
def accept_proposed_zone(request: HttpRequest) -> HttpResponse:
    """The banner's one click: take the zone the browser reported (only while none is set)."""
    form = ProposedZoneForm(request.POST)
    user = request.user
    if form.is_valid() and not user.time_zone:
        User.objects.filter(pk=user.pk, time_zone="").update(
            time_zone=form.cleaned_data["time_zone"]
        )
        messages.success(
            request,
            _("Times now show in %(zone)s. Change it under Preferences.")
            % {"zone": form.cleaned_data["time_zone"]},
        )
    elif not form.is_valid():
        return redirect("preferences")
    return redirect(safe_next(request))
