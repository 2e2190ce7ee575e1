"""Re-rendering a form after a stale-version save (optimistic locking, core/versioning.py).

The page shows what is stored now beside what the user typed, and the form keeps their input
with its version moved to the stored one, so saving again overwrites on purpose.
"""

from django.db import models
from django.http import QueryDict


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


def rebased(data: QueryDict, version: int) -> QueryDict:
    """The user's input, with the version moved to the stored one so they can save on purpose."""
    data = data.copy()
    data["version"] = str(version)
    return data
