"""B02-B07, B09, B10: hostile input answers 4xx, never 500 and never a change."""

import json
import re

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.test import Client

from customers.models import Customer
from tests.security.schema import body_properties, operations, query_parameters

API_OPS = [(p, m, op) for p, m, op in operations() if not p.startswith("/api/auth/")]


@pytest.fixture
def client(actors) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(actors.sales_a)
    return client


def concrete(path: str, actors) -> str:
    """A schema path with its ids pointing at sales_a's own account (so checks get that far)."""
    return re.sub(r"\{[^}]+\}", str(actors.customer_a.pk), path)


def post_json(client: Client, method: str, path: str, raw: str | bytes, **headers):
    return getattr(client, method)(path, data=raw, content_type="application/json", **headers)


# B02


@pytest.mark.parametrize("depth", [100, 1_000, 50_000])
def test_deeply_nested_json_is_refused(client, depth):
    for raw in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth):
        response = post_json(client, "post", "/api/customers/", raw)
        assert response.status_code == 400, (depth, response.content[:200])


# B03


WRITE_OPS = [
    (p, m, op) for p, m, op in API_OPS if m in ("post", "put", "patch") and body_properties(op)
]


@pytest.mark.parametrize(("path", "method", "op"), WRITE_OPS, ids=lambda v: str(v)[:40])
def test_nul_and_lone_surrogates_in_every_body_field_answer_400(actors, client, path, method, op):
    # Detail URLs may answer 404 first (the id is sales_a's account, not that record).
    allowed = {400} if "{" not in path else {400, 403, 404, 405}
    url = concrete(path, actors)
    before = Customer.objects.count()
    properties = body_properties(op)
    for name in properties:
        raw = json.dumps({name: "nul\u0000here", "nested": {"key": ["\u0000"]}})
        response = post_json(client, method, url, raw)
        assert response.status_code in allowed, (name, response.status_code, response.content)
    everything = dict.fromkeys(properties, "lone\ud800surrogate") | {"\ud800": "key"}
    response = post_json(client, method, url, json.dumps(everything, ensure_ascii=True))
    assert response.status_code in allowed, response.content
    assert Customer.objects.count() == before


READ_OPS = [(p, m, op) for p, m, op in API_OPS if m == "get"]


@pytest.mark.parametrize(("path", "method", "op"), READ_OPS, ids=lambda v: str(v)[:40])
def test_nul_and_surrogates_in_query_parameters_answer_400(actors, client, path, method, op):
    names = [p["name"] for p in query_parameters(op)] or ["q"]
    for name in names:
        for bad in ("%00", "a%00b", "%ED%A0%80"):
            response = client.get(f"{concrete(path, actors)}?{name}={bad}")
            assert response.status_code in (200, 400, 404), (name, bad, response.status_code)
            if bad != "%ED%A0%80":  # invalid UTF-8 decodes to U+FFFD, which is plain text
                assert response.status_code == 400, (name, bad)


@pytest.mark.parametrize(
    "path", ["/api/customers/%00/", "/customers/1%00/", "/%00", "/api/customers/%ED%A0%80/"]
)
def test_nul_in_paths_answers_4xx(client, path):
    assert client.get(path).status_code in (400, 404)


@pytest.mark.parametrize("header", ["HTTP_IF_MATCH", "HTTP_IDEMPOTENCY_KEY", "HTTP_X_CUSTOM"])
def test_nul_in_headers_answers_400(actors, client, header):
    response = client.patch(
        f"/api/customers/{actors.customer_a.pk}/",
        data=json.dumps({"name": "x"}),
        content_type="application/json",
        **{header: "1\x00"},
    )
    assert response.status_code == 400


# B04


HUGE = ["1" + "0" * 23, "9" * 4301, str(2**63), str(2**31), "-1", "-0", "1e999999"]


@pytest.mark.parametrize("number", HUGE)
def test_huge_and_odd_numbers_in_object_ids_answer_404(client, number):
    for path in ("/api/customers/{}/", "/customers/{}/", "/api/meetings/{}/"):
        response = client.get(path.format(number))
        assert response.status_code in (400, 404), (path, response.status_code)


def always_list(value: object) -> list:
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize(("path", "method", "op"), WRITE_OPS, ids=lambda v: str(v)[:40])
def test_huge_numbers_nan_and_infinity_in_bodies_answer_4xx(actors, client, path, method, op):
    properties = body_properties(op)
    # OpenAPI 3.1 writes a nullable number's type as a list: ["integer", "null"].
    numeric = [
        n for n, p in properties.items() if {"integer", "number"} & set(always_list(p.get("type")))
    ]
    for name in numeric or list(properties)[:1]:
        for raw_value in ("1" + "0" * 23, "9" * 4301, "NaN", "Infinity", "1e999999"):
            raw = f'{{"{name}": {raw_value}}}'
            response = post_json(client, method, concrete(path, actors), raw)
            assert 400 <= response.status_code < 500, (name, raw_value, response.status_code)
            assert response.status_code not in (200, 201)


@pytest.mark.parametrize("page", ["-1", "abc", "0", "1" + "0" * 23, "1.5"])
def test_bad_page_numbers_answer_404_or_400(client, page):
    assert client.get(f"/api/customers/?page={page}").status_code in (400, 404)


def test_page_size_is_capped(actors, client):
    response = client.get("/api/customers/?page_size=1000000")
    assert response.status_code == 200
    from core.api import Pagination

    assert Pagination.max_page_size == 200
    assert len(response.json()["results"]) <= 200


# B05


def test_bodies_over_the_upload_limit_are_refused(client):
    raw = json.dumps({"name": "x", "description": "y" * (3 * 1024 * 1024)})
    response = post_json(client, "post", "/api/customers/", raw)
    assert response.status_code in (400, 413)


def test_more_than_1000_form_fields_are_refused(db):
    fields = {f"f{i}": "x" for i in range(1001)}
    response = Client(raise_request_exception=False).post("/accounts/login/", fields)
    assert response.status_code == 400


def test_text_fields_have_server_side_maximum_lengths():
    """Every text column has a bound the server enforces (B05, B09)."""
    unbounded = []
    for model in apps.get_models():
        if model._meta.app_label not in {
            "accounts",
            "customers",
            "dialogue",
            "solutions",
            "insights",
            "health",
            "core",
        }:
            continue
        if model.__name__.startswith("Historical"):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.TextField) and not field.max_length and field.editable:
                unbounded.append(f"{model._meta.label}.{field.name}")
    # Bodies that only the server writes (rendered HTML, summaries) are allowed unbounded.
    allowed = {
        "insights.AccountSummary.markdown",
        "insights.AccountSummary.html",
        "insights.SummaryBuildState.last_error",
    }
    assert set(unbounded) <= allowed, f"add max_length to: {sorted(set(unbounded) - allowed)}"


def test_a_long_description_is_refused_with_a_field_error(actors, client):
    response = client.patch(
        f"/api/customers/{actors.customer_a.pk}/",
        data=json.dumps({"description": "x" * 5001, "version": actors.customer_a.version}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "description" in response.json()


# B06


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/xml", b"<customer><name>x</name></customer>"),
        ("application/x-www-form-urlencoded", b"name=x"),
        ("text/plain", b'{"name": "x"}'),
        ("", b'{"name": "x"}'),
        ("multipart/form-data; boundary=x", b"--x--"),
        ("application/json", b""),
        ("application/json", b"\xff\xfe\xfa not utf-8"),
        ("application/json", b"{not json"),
    ],
)
def test_wrong_content_types_answer_415_or_400(client, content_type, body):
    before = Customer.objects.count()
    response = client.generic("POST", "/api/customers/", body, content_type=content_type)
    assert response.status_code in (400, 415), (content_type, response.status_code)
    assert Customer.objects.count() == before


def test_latin1_charset_json_is_parsed_or_refused_never_500(client):
    response = client.generic(
        "POST",
        "/api/customers/",
        '{"name": "Caf\xe9"}'.encode("latin-1"),
        content_type="application/json; charset=latin-1",
    )
    assert response.status_code in (201, 400, 415)


# B07


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("put", "/api/customers/"),
        ("delete", "/api/customers/"),
        ("delete", "/api/dashboard/"),
        ("patch", "/api/dashboard/"),
        ("post", "/api/schema/"),
    ],
)
def test_unsupported_methods_answer_405_with_allow(actors, method, path):
    client = Client()
    client.force_login(actors.admin)
    response = getattr(client, method)(path, data="{}", content_type="application/json")
    assert response.status_code == 405
    assert "GET" in response["Allow"]


def test_no_get_endpoint_changes_state(actors):
    """S11(d): every GET in the schema, as an admin, leaves every table as it was."""
    from tests.security.routes import row_hash

    client = Client(raise_request_exception=False)
    client.force_login(actors.admin)
    tracked = [
        m
        for m in apps.get_models()
        if m._meta.app_label
        in {"accounts", "customers", "dialogue", "solutions", "insights", "health"}
        and not m.__name__.startswith("Historical")
    ]
    before = {m: row_hash(m) for m in tracked}
    for path, _method, _op in READ_OPS:
        client.get(concrete(path, actors))
    changed = [m._meta.label for m in tracked if row_hash(m) != before[m]]
    assert not changed, f"GET requests changed {changed}"


# B10


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "//evil.example",
        "\\\\evil.example",
        "vbscript:msgbox(1)",
        "ftp://example.com/x",
        "file:///etc/passwd",
    ],
)
def test_url_fields_accept_only_http_and_https(url):
    url_fields = [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.URLField) and not model.__name__.startswith("Historical")
    ]
    assert url_fields, "no URLField found: update this test"
    for model, field in url_fields:
        with pytest.raises(ValidationError):
            field.run_validators(url)
        assert model  # every URL field of every model is tried


def test_api_refuses_a_javascript_website(actors, client):
    response = client.patch(
        f"/api/customers/{actors.customer_a.pk}/",
        data=json.dumps({"website": "javascript:alert(1)", "version": actors.customer_a.version}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "website" in response.json()


def test_rendered_websites_open_without_opener_or_referrer(actors, client):
    Customer.objects.filter(pk=actors.customer_a.pk).update(website="https://example.com/")
    body = client.get(f"/customers/{actors.customer_a.pk}/").content.decode()
    link = re.search(r'<a [^>]*href="https://example.com/"[^>]*>', body).group(0)
    assert 'rel="noopener noreferrer"' in link


EVIL_NEXT = [
    "https://evil.example/",
    "//evil.example/",
    "\\\\evil.example/",
    "/\\evil.example/",
    "javascript:alert(1)",
    "http:/evil.example",
    "https:evil.example",
]


@pytest.mark.parametrize("evil", EVIL_NEXT)
def test_login_next_stays_on_this_site(actors, evil):
    from tests import factories

    response = Client().post(
        f"/accounts/login/?next={evil}",
        {"username": actors.sales_a.username, "password": factories.PASSWORD, "next": evil},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("evil", EVIL_NEXT)
def test_logout_next_stays_on_this_site(actors, evil):
    client = Client()
    client.force_login(actors.sales_a)
    response = client.post(f"/accounts/logout/?next={evil}", {"next": evil})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# B09: what forms enforce in the browser, the API enforces too.

CREATE_OPS = [
    (p, op)
    for p, m, op in API_OPS
    if m == "post"
    and "{" not in p
    and any("maxLength" in prop or "enum" in prop for prop in body_properties(op).values())
]


def _valid_body(client: Client, path: str, actors) -> dict | None:
    """A body the API accepts: an existing record of sales_a's account, read back."""
    from tests.security.routes import all_routes, build, model_of

    for route in all_routes():
        if "/" + route.key == path and (model := model_of(route)) is not None:
            try:
                record = build(model, actors.customer_a)
            except LookupError:
                return None
            response = client.get(f"{path}{record.pk}/")
            return response.json() if response.status_code == 200 else None
    return None


@pytest.mark.parametrize(("path", "op"), CREATE_OPS, ids=lambda v: str(v)[:40])
def test_limits_the_forms_enforce_are_enforced_by_the_api(actors, client, path, op):
    body = _valid_body(client, path, actors)
    if body is None:
        pytest.skip(f"no readable record to start from for {path}")
    body.pop("id", None)
    failures = []
    for name, prop in body_properties(op).items():
        if prop.get("readOnly"):
            continue
        if "maxLength" in prop:
            bad = {**body, name: "x" * (prop["maxLength"] + 1)}
        elif "enum" in prop or prop.get("allOf"):
            bad = {**body, name: "not-one-of-the-choices"}
        else:
            continue
        response = post_json(client, "post", path, json.dumps(bad))
        if response.status_code != 400 or name not in response.json():
            failures.append(f"{name}: {response.status_code} {response.content[:120]!r}")
    assert not failures, "\n".join(failures)
