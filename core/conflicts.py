"""Re-rendering a form after a stale-version save (optimistic locking, core/versioning.py).

The page shows what is stored now beside what the user typed, and the form keeps their input
with its version moved to the stored one, so saving again overwrites on purpose.
"""

from typing import Any

from django.db import models
from django.forms import BaseForm
from django.http import HttpRequest


def stored_values(instance: models.Model, names: list[str]) -> list[tuple[str, str]]:
    """Field labels and human-readable stored values, for showing the other side of a conflict."""
    rows = []
    for name in names:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            value = ", ".join(str(o) for o in getattr(instance, name).all()) or "—"
        elif field.choices:
            value = getattr(instance, f"get_{name}_display")()
        else:
            value = getattr(instance, name)
            value = "—" if value in (None, "") else str(value)
        rows.append((str(field.verbose_name).capitalize(), value))
    return rows


def rebase(form: BaseForm, version: int) -> None:
    """Keep what the user typed, with the form's version moved to the stored one (saving again
    overwrites on purpose); the form renders the typed values and any field errors."""
    data = form.data.copy()
    data[form.add_prefix("version")] = str(version)
    form.data = data


def form_status(request: HttpRequest, *, conflict: object = None) -> int:
    """409 when a save lost to another edit, 400 for a POST that did not save, 200 otherwise."""
    if conflict:
        return 409
    return 400 if request.method == "POST" else 200


def typed_values(form: BaseForm) -> dict[str, Any]:
    """What the user sent in `form`'s fields, unvalidated, as initial values: another action of
    the page (reading a file into it, say) shows the form again with nothing typed lost."""
    return {
        name: field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        for name, field in form.fields.items()
    }
