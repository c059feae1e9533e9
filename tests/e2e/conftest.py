"""Playwright driving Debian's Chromium (never a downloaded browser) against a live server."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from proofroom.gallery.accounts import Account
from tests.cast import OWN_PASSWORD, give_own_password

# Playwright's sync API runs an event loop in this thread; the ORM calls made by
# the tests themselves are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = os.environ.get("PROOFROOM_CHROMIUM") or shutil.which("chromium")
    if not path:
        pytest.fail(
            "Debian's chromium is not installed (apt-get install chromium); "
            "the README's test command installs it"
        )
    return path


def desk_log_in(page: Page, base: str, username: str = "alice") -> None:
    """Log in on the desk as the cast's owner (or another of its staff)."""
    from tests.cast import PASSWORD

    page.goto(f"{base}/desk/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/desk/")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


def csp_violations(page: Page) -> list[str]:
    """What Chromium refuses under the Content-Security-Policy, as it reports in the console."""
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.set_default_timeout(15_000)
    refused = csp_violations(page)
    yield page
    context.close()
    assert refused == [], "the page broke its Content-Security-Policy"


@pytest.fixture
def phone(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    refused = csp_violations(page)
    yield page
    context.close()
    assert refused == [], "the page broke its Content-Security-Policy"


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots go: PROOFROOM_SCREENSHOTS to keep them, else the test's tmp dir."""
    folder = Path(os.environ.get("PROOFROOM_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def preview_loaded(page: Page) -> None:
    """Wait until the lightbox's preview has loaded."""
    # The page's script marks the image ready once it has loaded (complete, with pixels).
    image = page.locator("#lb-img")
    expect(image).to_have_class(re.compile(r"\bready\b"))
    expect(image).to_have_js_property("complete", True)


def sign_in_in_browser(viewer: Page, base: str, account: Account) -> None:
    """Sign a gallery account in, in the browser (its own password set first)."""
    if account.must_set_password:
        give_own_password(account)
    if viewer.locator("button", has_text="Sign out").count():
        return
    viewer.goto(f"{base}/s/northlight/login/")
    viewer.get_by_label("User name").fill(account.username)
    viewer.get_by_label("Password").fill(OWN_PASSWORD)
    viewer.get_by_role("button", name="Sign in").click()
    viewer.wait_for_url(re.compile(r"/home/$"))
