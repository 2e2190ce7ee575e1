"""The OpenAPI document, generated in-process, as a source of every API input."""

from functools import cache
from typing import Any

from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")


@cache
def openapi() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def resolve(schema: dict) -> dict:
    ref = schema.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        return openapi()["components"]["schemas"][name]
    return schema


def operations() -> list[tuple[str, str, dict]]:
    """(path template, method, operation) for every operation in the schema."""
    found = []
    for path, item in openapi()["paths"].items():
        for method in METHODS:
            if method in item:
                found.append((path, method, item[method]))
    return found


def body_properties(operation: dict) -> dict[str, dict]:
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    if not schema:
        return {}
    return {name: resolve(prop) for name, prop in resolve(schema).get("properties", {}).items()}


def query_parameters(operation: dict) -> list[dict[str, Any]]:
    return [p for p in operation.get("parameters", []) if p.get("in") == "query"]
