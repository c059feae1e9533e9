"""Chromium under the Content-Security-Policy: every main page of both sides works and
reports no violation; a script injected into a page does not run."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from proofroom.gallery.accounts import Account
from proofroom.gallery.tenants import Studio
from proofroom.studio.studios import Studio as DeskStudio
from tests.cast import make_client, publish
from tests.e2e.conftest import csp_violations, desk_log_in
from tests.factories import make_images, make_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases="__all__")]


def test_the_main_pages_break_no_content_security_policy(  # type: ignore[no-untyped-def]
    live_server, page: Page, owner, studio: DeskStudio, gallery_studio: Studio
) -> None:
    """The headers' policy (script-src 'self', no inline code) and every page that the desk's
    staff and a client open: Chromium reports no refused script, style, image or form."""
    refused = csp_violations(page)
    ada: Account = make_client(gallery_studio)
    published = publish(gallery_studio, ada, images=6)
    session = make_session()
    make_images(session, 3, ready=True)
    base = live_server.url

    desk_log_in(page, base)
    for path in (
        "/desk/",
        "/desk/sessions/",
        f"/desk/sessions/{session.number}/",
        f"/desk/sessions/{session.number}/images/",
        f"/desk/sessions/{session.number}/import/",
        f"/desk/sessions/{session.number}/upload/",
        "/desk/sync/",
        "/desk/clients/",
        "/desk/invoices/",
    ):
        answer = page.goto(base + path)
        assert answer is not None and answer.status == 200, path
        assert "script-src 'self'" in answer.headers["content-security-policy"]
        assert answer.headers["x-robots-tag"] == "noindex"
    page.goto(f"{base}/desk/sessions/{session.number}/images/")
    expect(page.locator(".tile")).to_have_count(3)  # the viewer's script built its grid
    page.keyboard.press("p")
    expect(page.locator("#viewer-status")).to_have_text(re.compile(r"saved\.$"))

    page.context.clear_cookies()
    page.goto(f"{base}/s/northlight/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Northlight Studio")
    page.get_by_label("User name").fill("ada@souza.example")
    page.get_by_label("Password").fill("SOUZA")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/s/northlight/password/"))
    page.get_by_label("New password", exact=True).fill("lanterns-over-the-bay-7")
    page.get_by_label("Repeat the new password").fill("lanterns-over-the-bay-7")
    page.get_by_role("button", name="Save my password").click()
    page.wait_for_url(re.compile(r"/s/northlight/home/$"))
    page.goto(f"{base}/s/northlight/e/{published.session.uuid}/")
    expect(page.locator(".tile")).to_have_count(6)
    page.locator(".tile").first.click()
    expect(page.locator("#lightbox")).to_be_visible()
    image = page.locator("#lb-img")
    expect(image).to_have_class(re.compile(r"\bready\b"))
    for path in ("/s/northlight/cart/", "/s/northlight/orders/", "/s/northlight/account/"):
        answer = page.goto(base + path)
        assert answer is not None and answer.status == 200, path
    assert refused == []


def test_an_injected_script_does_not_run(  # type: ignore[no-untyped-def]
    live_server, browser, gallery_studio: Studio
) -> None:
    """What a stored XSS would amount to: an inline script in the page is refused, and the
    browser says so."""
    context = browser.new_context()
    page = context.new_page()
    refused = csp_violations(page)
    page.goto(f"{live_server.url}/s/northlight/")
    ran = page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true;";
            document.body.append(script);
            return window.injected === true;
        }"""
    )
    context.close()
    assert ran is False
    assert any("script-src" in message for message in refused)
