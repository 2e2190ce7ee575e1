"""S11 (c): a page on another site auto-submits a form and a credentialed fetch at Accord.

The victim is signed in to Accord (http://localhost:<port>); the attacker's page is served from
127.0.0.2, a different site. Neither request may change anything.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client
from playwright.sync_api import Page

from customers.models import Customer
from tests.security.routes import row_hash

pytestmark = pytest.mark.django_db(transaction=True)


def attacker_page(target: str, customer_id: int) -> bytes:
    return f"""<!doctype html><html><body>
<form id="f" method="post" action="{target}/customers/new/">
  <input name="name" value="Planted by attacker"><input name="industry" value="x">
</form>
<script>
fetch("{target}/api/customers/", {{
  method: "POST", credentials: "include", mode: "no-cors",
  headers: {{"Content-Type": "text/plain"}},
  body: JSON.stringify({{name: "Created by attacker", customer: {customer_id}}})
}}).finally(() => document.getElementById("f").submit());
</script></body></html>""".encode()


@pytest.fixture
def attacker_site():
    pages: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path, b"")
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    try:
        server = ThreadingHTTPServer(("127.0.0.2", 0), Handler)
    except OSError:
        pytest.skip("127.0.0.2 is not available for the attacker's site")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, pages
    server.shutdown()
    server.server_close()


def test_a_cross_site_form_and_fetch_change_nothing(live_server, page: Page, actors, attacker_site):
    server, pages = attacker_site
    client = Client()
    client.force_login(actors.sales_a)
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
                "sameSite": "Lax",
                "httpOnly": True,
            }
        ]
    )
    assert page.goto(f"{live_server.url}/").status == 200  # the victim is signed in
    before = row_hash(Customer)
    pages["/"] = attacker_page(live_server.url, actors.customer_a.pk)
    host, port = server.server_address[:2]
    answers: dict[str, int] = {}
    page.on(
        "response",
        lambda r: (
            answers.setdefault(f"{r.request.method} {r.url}", r.status)
            if r.url.startswith(live_server.url)
            else None
        ),
    )
    page.goto(f"http://{host}:{port}/")
    page.wait_for_url(f"{live_server.url}/customers/new/", timeout=15000)
    # Both attacks reached Accord and were refused (no session cookie cross-site, no token).
    assert answers[f"POST {live_server.url}/customers/new/"] == 403
    assert answers[f"POST {live_server.url}/api/customers/"] in (401, 403, 415)
    assert row_hash(Customer) == before
    assert not Customer.objects.filter(name__contains="attacker").exists()
