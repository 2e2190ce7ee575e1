"""Every URL the project serves, turned into concrete requests, and objects to aim them at.

The walk starts at django.urls.get_resolver(), so a URL added anywhere is found here without
anyone remembering to register it; tests/security/policy.py must then say who may use it.
"""

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import factory
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from accounts.models import User
from customers.models import Customer
from tests import factories

# A DRF/regex group such as (?P<pk>[^/.]+) or (?P<answer>accept|decline).
_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<regex>[^)]*)\)")
_CONVERTER = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Route:
    key: str  # the normalized route, e.g. "api/customers/<pk>/" or "customers/<int:pk>/"
    name: str | None
    pattern: URLPattern
    choices: dict  # kwarg -> first alternative of a regex alternation, e.g. answer -> accept

    @property
    def kwargs(self) -> list[str]:
        return [m.group("name") for m in _CONVERTER.finditer(self.key)]

    @property
    def viewset(self) -> Any:
        return getattr(self.pattern.callback, "cls", None)

    @property
    def actions(self) -> dict:
        return getattr(self.pattern.callback, "actions", None) or {}

    @property
    def is_api(self) -> bool:
        return self.key.startswith("api/")

    def path(self, values: dict[str, object]) -> str:
        def fill(match: re.Match) -> str:
            name = match.group("name")
            if name in values:
                return str(values[name])
            if name in self.choices:
                return self.choices[name]
            raise KeyError(name)

        return "/" + _CONVERTER.sub(fill, self.key)


def _normalize(route: str) -> tuple[str, dict]:
    choices = {}

    def group(match: re.Match) -> str:
        alternatives = match.group("regex").split("|")
        if len(alternatives) > 1 and all(re.fullmatch(r"\w+", a) for a in alternatives):
            choices[match.group("name")] = alternatives[0]
        return f"<{match.group('name')}>"

    route = _GROUP.sub(group, route.replace("^", "").replace("$", ""))
    route = route.replace("\\.", ".").replace("\\Z", "")
    return route, choices


def all_routes() -> list[Route]:
    def walk(patterns: list, prefix: str, namespaces: tuple) -> Iterator[Route]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = namespaces + ((pattern.namespace,) if pattern.namespace else ())
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern):
                key, choices = _normalize(prefix + str(pattern.pattern))
                name = ":".join((*namespaces, pattern.name)) if pattern.name else None
                yield Route(key=key, name=name, pattern=pattern, choices=choices)

    return list(walk(get_resolver().url_patterns, "", ()))


def resolves_to(route: Route, path: str) -> bool:
    try:
        match = resolve(path)
    except Exception:
        return False
    return match.func is route.pattern.callback


# Objects


FACTORY_BY_MODEL: dict[type[models.Model], type[factory.django.DjangoModelFactory]] = {
    f._meta.get_model_class(): f
    for f in vars(factories).values()
    if isinstance(f, type)
    and issubclass(f, factory.django.DjangoModelFactory)
    and f._meta.model is not None
}


def customer_path(model: type[models.Model], depth: int = 0) -> str | None:
    """The ORM path from `model` to its Customer ("", "customer", "proposal__customer"...)."""
    if model is Customer:
        return ""
    if depth > 3:
        return None
    fields = [f for f in model._meta.concrete_fields if f.is_relation and f.many_to_one]
    fields += [f for f in model._meta.concrete_fields if f.is_relation and f.one_to_one]
    for field in fields:
        if field.related_model is Customer and field.name == "customer":
            return "customer"
    for field in fields:
        related = field.related_model
        if related in (Customer, User) or related is model:
            continue
        sub = customer_path(related, depth + 1)
        if sub is not None:
            return f"{field.name}__{sub}" if sub else field.name
    return None


def build(model: type[models.Model], customer: Customer, **extra: Any) -> models.Model:
    """Create a `model` row that belongs to `customer`, with tests/factories.py."""
    if model is Customer:
        return customer
    factory_class = FACTORY_BY_MODEL.get(model)
    if factory_class is None:
        raise LookupError(
            f"No factory for {model._meta.label}: add one at the end of tests/factories.py "
            "so the security tests can create one for the other team."
        )
    kwargs: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if not (field.is_relation and (field.many_to_one or field.one_to_one)):
            continue
        if field.name in extra:
            continue
        if field.related_model is Customer:
            kwargs[field.name] = customer
        elif (
            field.related_model not in (User, model)
            and customer_path(field.related_model) is not None
            and (not field.null or field.name in factory_class._meta.declarations)
        ):
            kwargs[field.name] = build(field.related_model, customer)
    kwargs.update(extra)
    return factory_class(**kwargs)


def row_hash(model: type[models.Model], **filters: Any) -> str:
    """A fingerprint of the matching rows (all columns), to prove a request changed nothing."""
    rows = list(model._default_manager.filter(**filters).order_by("pk").values())
    return hashlib.sha256(json.dumps(rows, default=_plain, sort_keys=True).encode()).hexdigest()


def _plain(value: object) -> str:
    # Binary columns (a shared PDF) come back as a new memoryview each time: hash the bytes.
    return bytes(value).hex() if isinstance(value, memoryview) else str(value)


def model_of(route: Route) -> type[models.Model] | None:
    viewset = route.viewset
    if viewset is None:
        return None
    queryset = getattr(viewset, "queryset", None)
    if queryset is not None:
        return queryset.model
    serializer = getattr(viewset, "serializer_class", None)
    if serializer is None and "get_serializer_class" in vars(viewset):
        # Viewsets that pick their serializer per action: the one that reads a record.
        serializer = viewset(action="retrieve").get_serializer_class()
    meta = getattr(serializer, "Meta", None)
    return getattr(meta, "model", None)
