"""The historical models simple_history keeps, reached without its per-access manager class."""

import functools
import inspect

from django.db import models


@functools.cache
def history_model(model: type[models.Model]) -> type[models.Model]:
    """The historical model of `model` (what `model.history.model` gives).

    `model.history` is a descriptor that builds a new manager class on every access, listing
    the queryset's methods with `inspect` (about 1 ms); the timeline asked for it once per kind
    of record on every request.
    """
    name = model._meta.simple_history_manager_attribute  # type: ignore[attr-defined]
    return inspect.getattr_static(model, name).model
