"""The client gallery in a real browser: the first login, the lightbox, event codes."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from proofroom.gallery.accounts import Account
from proofroom.gallery.tenants import Studio
from proofroom.sync.protocol import EventType
from tests.cast import OWN_PASSWORD, publish
from tests.e2e.conftest import preview_loaded, sign_in_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases="__all__")]


def caption(page: Page) -> str:
    return page.locator("#lb-count").inner_text()


def test_first_login_sets_a_password_then_the_lightbox_browses_the_session(  # type: ignore[no-untyped-def]
    live_server, page: Page, gallery_studio: Studio, ada: Account
) -> None:
    published = publish(gallery_studio, ada, images=12)
    page.goto(f"{live_server.url}/s/northlight/")
    page.get_by_label("User name").fill("ada@souza.example")
    page.get_by_label("Password").fill("SOUZA")
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(re.compile(r"/s/northlight/password/"))
    expect(page.get_by_role("heading", name="Choose your own password")).to_be_visible()
    page.goto(f"{live_server.url}/s/northlight/e/{published.session.uuid}/")
    expect(page).to_have_url(re.compile(r"/s/northlight/password/$"))
    page.get_by_label("New password", exact=True).fill("souza")
    page.get_by_label("Repeat the new password").fill("souza")
    page.get_by_role("button", name="Save my password").click()
    expect(page.get_by_text("Choose a password other than your last name.")).to_be_visible()
    page.get_by_label("New password", exact=True).fill(OWN_PASSWORD)
    page.get_by_label("Repeat the new password").fill(OWN_PASSWORD)
    page.get_by_role("button", name="Save my password").click()

    page.wait_for_url(re.compile(r"/s/northlight/home/$"))
    expect(page.get_by_text("Online until")).to_be_visible()
    page.get_by_role("link", name=re.compile("Souza wedding")).click()
    expect(page.get_by_role("heading", name="Souza wedding")).to_be_visible()
    expect(page.locator(".tile")).to_have_count(12)

    page.locator(".tile").nth(4).click()
    expect(page.locator("#lightbox")).to_be_visible()
    preview_loaded(page)
    expect(page.locator("#lb-img")).to_be_visible()
    assert caption(page) == "5 / 12"
    assert page.locator("#lb-name").inner_text() == "IMG_0005.jpg"
    first_src = page.locator("#lb-img").get_attribute("src")
    assert first_src == f"/s/northlight/i/{published.images[4].uuid}/preview/"

    page.keyboard.press("ArrowRight")
    assert caption(page) == "6 / 12"
    assert page.locator("#lb-name").inner_text() == "IMG_0006.jpg"
    assert page.locator("#lb-img").get_attribute("src") != first_src
    preview_loaded(page)
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert caption(page) == "4 / 12"
    preview_loaded(page)

    page.keyboard.press("Escape")
    expect(page.locator("#lightbox")).to_be_hidden()
    assert page.url.endswith(f"/e/{published.session.uuid}/")


def test_a_guest_opens_a_private_event_with_its_code(  # type: ignore[no-untyped-def]
    live_server, phone: Page, gallery_studio: Studio, ada: Account
) -> None:
    publish(
        gallery_studio,
        ada,
        images=6,
        event_type=EventType.PRIVATE,
        code="LAKE2026",
        title="Lakeside wedding",
    )
    phone.goto(f"{live_server.url}/s/northlight/")
    phone.get_by_label("Event code").fill("lake 2026")
    phone.get_by_role("button", name="View event").click()
    expect(phone.get_by_role("heading", name="Lakeside wedding")).to_be_visible()
    expect(phone.locator(".tile")).to_have_count(6)

    # On a phone: tap a photo, swipe left for the next, right to go back.
    phone.locator(".tile").first.tap()
    expect(phone.locator("#lightbox")).to_be_visible()
    assert caption(phone) == "1 / 6"
    swipe(phone, -160)
    assert caption(phone) == "2 / 6"
    swipe(phone, 160)
    assert caption(phone) == "1 / 6"


def swipe(page: Page, dx: int) -> None:
    page.evaluate(
        """(dx) => {
          const box = document.querySelector('#lightbox');
          const at = (x) => new Touch({identifier: 1, target: box, clientX: x, clientY: 400});
          box.dispatchEvent(new TouchEvent('touchstart',
            {touches: [at(200)], changedTouches: [at(200)], bubbles: true}));
          box.dispatchEvent(new TouchEvent('touchend',
            {touches: [], changedTouches: [at(200 + dx)], bubbles: true}));
        }""",
        dx,
    )


def test_a_wrong_code_is_refused_with_a_message(  # type: ignore[no-untyped-def]
    live_server, page: Page, gallery_studio: Studio, ada: Account
) -> None:
    publish(gallery_studio, ada, images=1, event_type=EventType.PRIVATE, code="LAKE2026")
    page.goto(f"{live_server.url}/s/northlight/")
    page.get_by_label("Event code").fill("LAKE2025")
    page.get_by_role("button", name="View event").click()
    expect(page.get_by_text("We could not find an event with that code.")).to_be_visible()
    expect(page.get_by_label("Event code")).to_be_visible()


def test_screens_of_the_landing_the_grid_and_the_lightbox(  # type: ignore[no-untyped-def]
    live_server, page: Page, phone: Page, gallery_studio: Studio, ada: Account, shots: Path
) -> None:
    gallery_studio.welcome = (
        "Weddings, families and the moments between. Sign in to see your photographs, "
        "or enter the code of an event you attended."
    )
    gallery_studio.phone = "+44 20 7946 0958"
    gallery_studio.save()
    today = dt.date.today()
    for n, (title, text) in enumerate(
        [
            ("Harbour 10K run", "Runners at the start, the bridge and the finish line."),
            ("Spring fair at the green", "Stalls, music and the dog show."),
            ("St Ann's school concert", "The choir and the orchestra, on stage."),
        ]
    ):
        publish(
            gallery_studio,
            ada,
            images=3,
            kinds=3,
            event_type=EventType.PUBLIC,
            title=title,
            description=text,
            date=today - dt.timedelta(days=7 * n + 3),
            scale=2,
            first_seed=20 + 3 * n,
        )
    wedding = publish(gallery_studio, ada, images=36, kinds=12, scale=2)
    url = f"{live_server.url}/s/northlight/e/{wedding.session.uuid}/"
    for viewer, width in ((page, 1280), (phone, 390)):
        viewer.goto(f"{live_server.url}/s/northlight/")
        viewer.wait_for_load_state("networkidle")
        viewer.screenshot(path=shots / f"landing-{width}.png", full_page=True)
        sign_in_in_browser(viewer, live_server.url, ada)
        viewer.goto(url)
        viewer.wait_for_load_state("networkidle")
        viewer.wait_for_timeout(300)
        viewer.screenshot(path=shots / f"grid-{width}.png")
        viewer.screenshot(path=shots / f"grid-full-{width}.png", full_page=True)
        viewer.locator(".tile").nth(2).click()
        preview_loaded(viewer)
        viewer.wait_for_timeout(500)  # the fade-in
        viewer.screenshot(path=shots / f"lightbox-{width}.png")
    for name in ("landing", "grid", "lightbox"):
        for width in (1280, 390):
            assert (shots / f"{name}-{width}.png").stat().st_size > 10_000
