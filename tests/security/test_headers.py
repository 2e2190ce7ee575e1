"""S03, S17, S18, S19: response headers on every kind of response, error pages, exposure."""

import re

import pytest
from django.conf import settings
from django.test import Client, override_settings

from tests import factories

STATIC_FILE = "/static/css/accord.css"
# Browser features no page uses: switched off everywhere (Permissions-Policy).
POLICY_OFF = ("camera", "microphone", "geolocation", "payment", "usb", "serial", "hid")


@pytest.fixture
def signed_in(actors) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(actors.sales_a)
    return client


def responses(client: Client, actors) -> dict:
    """The six kinds of response S03 names, all over https."""
    with override_settings(ROOT_URLCONF="tests.security.urls", WHITENOISE_USE_FINDERS=True):
        fresh = Client(raise_request_exception=False)
        fresh.cookies = client.cookies
        return {
            "html page": fresh.get("/", secure=True),
            "json list": fresh.get("/api/customers/", secure=True),
            "json 404": fresh.get("/api/customers/999999999/", secure=True),
            "403": fresh.get("/api/schema/", secure=True),
            "forced 500": fresh.get("/__boom__/", secure=True),
            "static file": fresh.get(STATIC_FILE, secure=True),
        }


def release(response) -> None:
    """Close a streamed file now (HttpResponse.close() would also end the request's DB use)."""
    for closer in response._resource_closers:
        closer()
    response._resource_closers.clear()


def csp_directives(header: str) -> dict[str, list[str]]:
    parts = [p.strip().split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def test_security_headers_on_every_kind_of_response(signed_in, actors):
    failures = []
    for kind, response in responses(signed_in, actors).items():
        expected_status = {"json 404": 404, "403": 403, "forced 500": 500}.get(kind, 200)
        if response.status_code != expected_status:
            failures.append(f"{kind}: status {response.status_code}")
        hsts = response.get("Strict-Transport-Security", "")
        max_age = int(re.search(r"max-age=(\d+)", hsts).group(1)) if "max-age" in hsts else 0
        if max_age < 31536000 or "includeSubDomains" not in hsts:
            failures.append(f"{kind}: HSTS {hsts!r}")
        csp = csp_directives(response.get("Content-Security-Policy", ""))
        script = csp.get("script-src", [])
        if (
            csp.get("object-src") != ["'none'"]
            or csp.get("base-uri") != ["'none'"]
            or csp.get("frame-ancestors") != ["'none'"]
            or "'unsafe-inline'" in script
            or not ({"'self'"} & set(script) or any(s.startswith("'nonce-") for s in script))
        ):
            failures.append(f"{kind}: CSP {response.get('Content-Security-Policy')!r}")
        if response.get("X-Content-Type-Options") != "nosniff":
            failures.append(f"{kind}: nosniff missing")
        if response.get("Referrer-Policy") != "same-origin":
            failures.append(f"{kind}: Referrer-Policy {response.get('Referrer-Policy')!r}")
        if response.get("Cross-Origin-Opener-Policy") != "same-origin":
            failures.append(f"{kind}: COOP {response.get('Cross-Origin-Opener-Policy')!r}")
        policy = response.get("Permissions-Policy", "")
        if not all(f"{feature}=()" in policy for feature in POLICY_OFF):
            failures.append(f"{kind}: Permissions-Policy {policy!r}")
        if kind != "static file" and "no-store" not in response.get("Cache-Control", ""):
            failures.append(f"{kind}: Cache-Control {response.get('Cache-Control')!r}")
        release(response)
    assert not failures, "\n".join(failures)


def test_pages_have_no_inline_script_or_handlers_and_nonces_are_never_reused(signed_in):
    """Scripts come from 'self'; a nonce, when a template asks for one, is new each time."""
    first = signed_in.get("/")
    second = signed_in.get("/")
    nonces = [re.findall(r"'nonce-([^']+)'", r["Content-Security-Policy"]) for r in (first, second)]
    assert not set(nonces[0]) & set(nonces[1])
    body = first.content.decode()
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", body)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), "inline <script> in a page"


def test_static_files_are_served_without_authentication_and_cacheable():
    with override_settings(WHITENOISE_USE_FINDERS=True):
        response = Client().get(STATIC_FILE)
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    release(response)


# S17: errors


@pytest.mark.parametrize("path", ["/__boom__/", "/api/__boom__/", "/api/__serializer_boom__/"])
@override_settings(ROOT_URLCONF="tests.security.urls")
def test_errors_show_a_request_id_and_no_internals(actors, path, caplog):
    client = Client(raise_request_exception=False)
    client.force_login(actors.sales_a)
    response = client.get(path)
    assert response.status_code == 500
    body = response.content.decode()
    request_id = response["X-Request-ID"]
    assert request_id in body
    for leak in ("SELECT", "password", "/srv/", "SECRET_KEY", "Traceback", "psycopg", ".py"):
        assert leak not in body, leak
    assert settings.DEBUG is False


# S18: exposure


def test_schema_and_docs_are_for_staff_only(actors):
    for name in ("sales_a", "mgr_a", "outsider"):
        client = Client()
        client.force_login(getattr(actors, name))
        assert client.get("/api/schema/").status_code == 403
        assert client.get("/api/docs/").status_code == 403
    staff = Client()
    staff.force_login(actors.admin)
    assert staff.get("/api/schema/").status_code == 200


@pytest.mark.parametrize("path", ["/", "/api/customers/", "/accounts/login/"])
def test_trace_and_friends_answer_405(signed_in, path):
    for method in ("TRACE", "TRACK", "CONNECT"):
        response = signed_in.generic(method, path)
        assert response.status_code == 405, method
        assert "GET" in response["Allow"]


@pytest.mark.parametrize(
    "path", ["/.git/config", "/.env", "/__debug__/", "/static/", "/media/", "/settings.py"]
)
def test_no_debug_or_repository_files_are_served(signed_in, path):
    assert signed_in.get(path).status_code == 404


# S19: host and proxy headers


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "localhost:80@evil"])
def test_a_forged_host_gets_400(db, host):
    response = Client(raise_request_exception=False).get("/accounts/login/", HTTP_HOST=host)
    assert response.status_code == 400


def test_forwarded_proto_is_not_trusted_without_a_known_proxy(db):
    assert not getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    response = Client().get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert "Strict-Transport-Security" not in response


def test_audit_page_is_for_leads_managers_and_admins(actors):
    path = f"/customers/{actors.customer_a.pk}/audit/"
    expected = {
        "sales_a": 200,
        "mgr_a": 200,
        "admin": 200,
        "spec_a": 403,
        "viewer_a": 403,
        "sales_a2": 404,
        "sales_b": 404,
        "outsider": 404,
    }
    for name, status in expected.items():
        client = Client()
        client.force_login(getattr(actors, name))
        assert client.get(path).status_code == status, name
    lead = Client()
    lead.force_login(actors.sales_a)
    detail = lead.get(f"/customers/{actors.customer_a.pk}/").content.decode()
    assert path in detail
    spec = Client()
    spec.force_login(actors.spec_a)
    assert path not in spec.get(f"/customers/{actors.customer_a.pk}/").content.decode()
    _ = factories
