"""Document the error answers every API operation can give (drf-spectacular post-processing).

Views document their success bodies; the errors come from shared code (authentication,
permissions, the JSON parser, throttling, versioning, 404 mapping), so they are added here once.
Schemathesis's status-code and content-type checks hold the API to this list.
"""

from typing import Any

from core.params import MAX_ID

ERRORS = {
    "400": "Invalid input: field errors, or a body that is not acceptable JSON.",
    "401": "No or invalid credentials.",
    "403": "Signed in, but not allowed (role, CSRF, or a second factor still to verify).",
    "404": "No such record, or not one you may see.",
    "405": "Method not allowed on this URL.",
    "406": "The Accept header asks for something other than JSON.",
    "409": "The record changed since you read it (stale version) or conflicts with others.",
    "412": "If-Match does not match the record's version.",
    "413": "The request body is too large.",
    "415": "Only application/json bodies are accepted.",
    "428": "Send the record's version (in the body or If-Match) to change it.",
    "429": "Too many requests, or too many failed sign-ins.",
}

ERROR_SCHEMA = {
    "type": "object",
    "description": "`detail` (and often `code`, `request_id`) or a map of field to messages.",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "request_id": {"type": "string"},
    },
    "additionalProperties": True,
}


def add_error_responses(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                responses.setdefault(
                    code,
                    {"description": description, "content": {"application/json": {"schema": ref}}},
                )
    return result


# Query parameters that name a record: parsed by core.params.parse_id (1..MAX_ID, else 400).
ID_QUERY_PARAMETERS = {"customer", "contribution", "proposal"}
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
# Other bounded parameters, as the views enforce them (health.serializers.HealthParamsSerializer).
BOUNDS = {"days": {"type": "integer", "minimum": 1, "maximum": 366, "default": 90}}


def constrain_parameters(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """Declare the range the API enforces on ids in paths and queries (a record id is 1 or
    more: 0, negatives and non-digits answer 400 or 404), which drf-spectacular writes as any
    integer or any string of digits."""
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            for parameter in operation.get("parameters", []):
                name, schema = parameter["name"], parameter.get("schema", {})
                names_a_record = (parameter["in"] == "query" and name in ID_QUERY_PARAMETERS) or (
                    parameter["in"] == "path"
                    and (schema.get("type") == "integer" or schema.get("pattern") == "^\\d+$")
                )
                if name in BOUNDS:
                    parameter["schema"] = dict(BOUNDS[name])
                elif names_a_record:
                    parameter["schema"] = dict(ID_SCHEMA)
    return result
