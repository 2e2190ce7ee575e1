"""Regenerate docs/screenshots/*.png from the demo data (run by `make screenshots`).

A fresh SQLite database in a temporary folder gets the migrations and `seed_demo`; a dev server
serves it on a free port with Celery in eager mode, and Playwright drives Debian's Chromium
through the pages a new user meets in the README's three journeys.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
PASSWORD = "accord-demo"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def demo_server() -> Iterator[str]:
    """A dev server on a fresh demo database; yields its base URL."""
    with tempfile.TemporaryDirectory(prefix="accord-screens-") as tmp:
        env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
        env |= {"DATABASE_URL": f"sqlite:///{tmp}/demo.sqlite3", "DJANGO_ENV": "development"}
        manage = [sys.executable, str(ROOT / "manage.py")]
        quiet = {"env": env, "cwd": ROOT, "check": True, "stdout": subprocess.DEVNULL}
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], **quiet)
        subprocess.run([*manage, "seed_demo", "-v0"], **quiet, stderr=subprocess.DEVNULL)
        port = free_port()
        server = subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            else:
                raise SystemExit("The dev server did not start.")
            yield base
        finally:
            server.terminate()
            server.wait(timeout=10)


def sign_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def shoot(page: Page, name: str, path: str | None = None, *, base: str = "") -> None:
    if path is not None:
        page.goto(base + path)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)  # charts finish their first draw
    png = OUT / f"{name}.png"
    page.screenshot(path=png, animations="disabled")
    shrink(png)
    print(f"  docs/screenshots/{name}.png")


def shrink(png: Path) -> None:
    """A palette of 256 colours: the pages are flat colours and text, so the pictures stay
    sharp at about a third of the size."""
    with Image.open(png) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(png, optimize=True)


def delete_a_problem(page: Page, base: str, customer: str, title: str) -> None:
    """Delete a problem as a user would, photographing the confirmation, then the trash."""
    page.goto(f"{base}/customers/{customer}/goals/")
    page.get_by_role("link", name=title).first.click()
    # By markup, not by label: the demo's users may read Accord in German.
    page.locator(".danger-zone form[data-confirm] button").click()
    page.locator("#confirm-dialog").wait_for(state="visible")
    shoot(page, "16-delete-asks-first")
    page.locator("#confirm-dialog [data-confirm-yes]").click()
    page.wait_for_load_state("networkidle")
    shoot(page, "17-recently-deleted", f"/customers/{customer}/trash/", base=base)


def customer_id(page: Page, base: str, name: str) -> str:
    page.goto(base + "/")
    href = page.get_by_role("table").get_by_role("link", name=name).get_attribute("href")
    return href.strip("/").split("/")[-1]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    with demo_server() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--headless", "--disable-gpu"]
        )
        page = browser.new_page(viewport=DESKTOP)
        shoot(page, "01-login", "/accounts/login/", base=base)

        sign_in(page, base, "sales1")
        shoot(page, "02-salesperson-home")
        nordwind = customer_id(page, base, "Nordwind Logistics")
        shoot(page, "03-customer-overview", f"/customers/{nordwind}/", base=base)
        shoot(page, "04-log-a-meeting", f"/dialogue/customers/{nordwind}/meetings/new/", base=base)
        shoot(page, "05-timeline", f"/dialogue/customers/{nordwind}/timeline/", base=base)
        shoot(page, "06-goals-and-problems", f"/customers/{nordwind}/goals/", base=base)
        shoot(page, "07-account-summary", f"/insights/{nordwind}/summary/", base=base)
        shoot(page, "08-my-action-items", "/dialogue/action-items/", base=base)
        delete_a_problem(page, base, nordwind, "Routes are planned by hand in spreadsheets")
        shoot(page, "18-notification-settings", "/accounts/notifications/settings/", base=base)

        sign_in(page, base, "spec1")
        shoot(page, "09-specialist-home")
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Requests for me"
        ).click()
        shoot(page, "10-requests-for-me")
        page.locator("li.request").first.get_by_role("link").first.click()
        shoot(page, "11-contribution")

        sign_in(page, base, "manager1")
        shoot(page, "12-manager-home")
        shoot(page, "13-health-dashboard", "/health/?sort=score", base=base)
        page.locator("table.health-table tbody tr").first.get_by_role("link").first.click()
        shoot(page, "14-account-health")
        shoot(page, "19-team-action-items", "/dialogue/action-items/team/", base=base)

        phone = browser.new_page(viewport=PHONE, device_scale_factor=1)
        sign_in(phone, base, "sales1")
        shoot(
            phone,
            "15-phone-log-a-meeting",
            f"/dialogue/customers/{nordwind}/meetings/new/",
            base=base,
        )
        browser.close()
    total = sum(png.stat().st_size for png in OUT.glob("*.png"))
    print(
        f"{len(list(OUT.glob('*.png')))} screenshots, {total / 1024:.0f} KiB in docs/screenshots/"
    )


if __name__ == "__main__":
    main()
