"""Re-rendering a form after a stale-version save (optimistic locking, core/versioning.py).

The page shows what is stored now beside what the user typed, and the form keeps their input
with its version moved to the stored one, so saving again overwrites on purpose.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.forms import BaseForm
from django.http import HttpRequest

from core.versioning import StaleVersion


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


@dataclass
class Edit:
    """What an edit page's form step came to: saved, a conflict to show, or the form again."""

    form: Any
    saved: bool = False
    conflict: Any = None


def versioned_edit(
    request: HttpRequest,
    make_form: Callable[..., BaseForm],
    *,
    version: int,
    save: Callable[[Any, int], object],
) -> Edit:
    """An edit page's form step under optimistic locking (core/versioning.py): on GET the form
    of the stored record at `version`; on POST validate it and call `save(form, expected)`. When
    someone saved first, the form keeps what was typed, rebased onto their version, and
    `conflict` is the stored record (None when it is gone)."""
    if request.method != "POST":
        return Edit(make_form(initial={"version": version}))
    form = make_form(request.POST)
    if not form.is_valid():
        return Edit(form)
    expected = form.cleaned_data.get("version") or 0
    try:
        save(form, expected)
    except StaleVersion as exc:
        rebase(form, getattr(exc.current, "version", expected))
        return Edit(form, conflict=exc.current)
    return Edit(form, saved=True)
