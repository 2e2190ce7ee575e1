"""S10 for the shared space's guest pages: every stored-XSS payload a guest can write (messages,
step comments, corrections, goals of their own), viewed in Chromium by the guests who wrote
it and by another guest of the same space. (The lead's view of the same fields is in the XSS
registry, tests/security/xss.py, and so in tests/e2e/test_xss.py.)"""

import pytest
from django.conf import settings
from playwright.sync_api import Page

from space import guests, services
from space.models import Guest
from tests import factories
from tests.e2e.test_xss import PROBE
from tests.security.xss import FIELDS, store, unsafe_markup

pytestmark = pytest.mark.django_db(transaction=True)

GUEST_FIELD = next(field for field in FIELDS if field.label.startswith("shared space"))


def guest_cookie(guest: Guest, base: str) -> dict:
    _guest, key = guests.redeem_sign_in_token(guests.make_sign_in_token(guest))
    return {"name": settings.SPACE_GUEST_COOKIE, "value": key, "url": f"{base}/shared/"}


def test_no_guest_written_payload_runs_for_any_guest(live_server, page: Page, actors):
    store(GUEST_FIELD, actors)
    space = services.open_space(actors.customer_a, by=actors.sales_a)
    writers = list(Guest.objects.filter(space=space))
    reader = factories.GuestFactory(
        space=space,
        stakeholder=factories.StakeholderFactory(customer=actors.customer_a, email="r@x.example"),
    )
    dialogs: list[str] = []
    calls: list[str] = []
    for guest in [reader, *writers[:3]]:
        context = page.context.browser.new_context()
        context.add_init_script(PROBE)
        context.add_cookies([guest_cookie(guest, live_server.url)])
        tab = context.new_page()
        tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        response = tab.goto(f"{live_server.url}/shared/", wait_until="load")
        assert response is not None
        assert response.status == 200
        html = response.text()
        assert "&lt;script&gt;" in html, guest.email  # the payloads are on the page, inert
        assert unsafe_markup(html) == [], guest.email
        tab.mouse.move(10, 10)
        tab.mouse.move(300, 300)  # trips mouseover payloads, if any survived
        calls += tab.evaluate("window.__xss")
        context.close()
    assert dialogs == []
    assert calls == []
