"""What clients choose online, in a real browser: hearts and their own groups go home to
the desk after a sync; hearts work with a tap and with F in the lightbox; guests sign
up; the yearbook pose is picked until the deadline."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from proofroom.gallery.accounts import Account
from proofroom.gallery.events import OnlineSession
from proofroom.gallery.mail import MailKind, OutgoingMail
from proofroom.gallery.selections import ClientGroup, Favourite, YearbookPick
from proofroom.gallery.tenants import Studio as GalleryStudio
from proofroom.studio.downloads import ONLINE_FAVOURITES
from proofroom.studio.images import ImageGroup
from proofroom.studio.sessions import Session
from proofroom.studio.synchronizer.runs import SyncRun, SyncStatus
from proofroom.sync.protocol import EventType
from tests.cast import OWN_PASSWORD, publish
from tests.e2e.conftest import desk_log_in, preview_loaded, sign_in_in_browser
from tests.sync.conftest import connected, mark, sync, wedding

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases="__all__")]

# Fixtures of the sync's tests, used here: a desk connected to this live gallery.
__all__ = ["connected", "sync", "wedding"]

HEARTED = ["IMG_0001.jpg", "IMG_0003.jpg", "IMG_0004.jpg"]
FOR_GRANDMA = ["IMG_0000.jpg", "IMG_0002.jpg"]


def heart(page: Page, name: str) -> None:
    """Heart a tile and wait until the gallery said it is saved."""
    button = page.get_by_role("button", name=f"Favourite {name}", exact=True)
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    wait_saved(page, f"{name} is in your favourites.")


def wait_saved(page: Page, text: str) -> None:
    expect(page.locator("#toast")).to_have_text(text)


def test_hearts_and_a_group_made_online_reach_the_desk_after_a_sync(  # type: ignore[no-untyped-def]
    live_server,
    page: Page,
    owner,
    wedding: Session,
    sync: Callable[..., SyncRun],
    shots: Path,
) -> None:
    mark(wedding, event_type="none")
    uploaded = sync()
    assert uploaded.status == SyncStatus.SUCCEEDED, uploaded.log

    # The client's first sign-in: email and last name, then a password of her own.
    page.goto(f"{live_server.url}/s/northlight/")
    page.get_by_label("User name").fill("ana@example.com")
    page.get_by_label("Password").fill("Souza")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/s/northlight/password/"))
    page.get_by_label("New password", exact=True).fill(OWN_PASSWORD)
    page.get_by_label("Repeat the new password").fill(OWN_PASSWORD)
    page.get_by_role("button", name="Save my password").click()
    page.wait_for_url(re.compile(r"/s/northlight/home/$"))
    page.locator(".card a").first.click()
    expect(page.locator(".tile")).to_have_count(6)

    for name in HEARTED:
        heart(page, name)
    expect(page.locator("#fav-count")).to_have_text("3")

    # A group of her own, then two photographs into it with Select.
    page.get_by_text("+ New group").click()
    page.get_by_label("Group name").fill("For grandma")
    page.get_by_role("button", name="Create", exact=True).click()
    expect(page.get_by_text("Group “For grandma” created.")).to_be_visible()
    page.get_by_role("button", name="Select", exact=True).click()
    for name in FOR_GRANDMA:
        page.locator(f'.tile[data-name="{name}"]').click()
    expect(page.locator("#select-count")).to_have_text("2 selected")
    page.get_by_role("button", name="Add to group", exact=True).click()
    wait_saved(page, "2 photographs added to “For grandma”.")
    grandma = page.locator("#mine-list a", has_text="For grandma")
    expect(grandma.locator(".count")).to_have_text("2")
    grandma.click()
    expect(page.locator(".tile")).to_have_count(2)
    assert page.locator(".tile").evaluate_all("ts => ts.map(t => t.dataset.name)") == FOR_GRANDMA
    page.get_by_role("link", name=re.compile(r"^Favourites")).click()
    assert page.locator(".tile").evaluate_all("ts => ts.map(t => t.dataset.name)") == HEARTED

    downloaded = sync(["favourites"])
    assert downloaded.status == SyncStatus.SUCCEEDED, downloaded.log

    # On the desk: the session's "Online Favorites" group holds exactly the three.
    desk_log_in(page, live_server.url)
    page.goto(f"{live_server.url}/desk/sessions/{wedding.number}/images/")
    favourites = page.locator("#group-list .group", has_text=ONLINE_FAVOURITES)
    expect(favourites.locator("[data-role=count]")).to_have_text("3")
    favourites.get_by_role("link", name=ONLINE_FAVOURITES).click()
    expect(page.locator("#grid .tile")).to_have_count(3)
    names = page.locator("#grid .tile").evaluate_all("ts => ts.map(t => t.dataset.name)")
    assert sorted(names) == HEARTED
    page.screenshot(path=shots / "desk-online-favourites-1280.png")
    group = ImageGroup.objects.get(session=wedding, name=ONLINE_FAVOURITES)
    assert sorted(group.images.values_list("file_name", flat=True)) == HEARTED


def test_a_tap_on_a_phone_and_f_in_the_lightbox_heart_a_photograph(  # type: ignore[no-untyped-def]
    live_server, page: Page, phone: Page, gallery_studio: GalleryStudio, ada: Account
) -> None:
    published = publish(gallery_studio, ada, images=8)
    url = f"{live_server.url}/s/northlight/e/{published.session.uuid}/"

    # A phone: tap the heart on a tile, then on another in the lightbox.
    sign_in_in_browser(phone, live_server.url, ada)
    phone.goto(url)
    phone.get_by_role("button", name="Favourite IMG_0002.jpg").tap()
    expect(phone.get_by_role("button", name="Favourite IMG_0002.jpg")).to_have_attribute(
        "aria-pressed", "true"
    )
    phone.locator(".tile").nth(4).tap()
    expect(phone.locator("#lightbox")).to_be_visible()
    lightbox_heart = phone.locator("#lb-heart")
    expect(lightbox_heart).to_have_attribute("aria-label", "Favourite IMG_0005.jpg")
    lightbox_heart.tap()
    expect(lightbox_heart).to_have_attribute("aria-pressed", "true")
    expect(phone.locator("#fav-count")).to_have_text("2")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # A keyboard: F hearts the photograph in the lightbox, H too, F again un-hearts.
    sign_in_in_browser(page, live_server.url, ada)
    page.goto(url)
    page.locator(".tile").nth(4).click()
    expect(page.locator("#lb-heart")).to_have_attribute("aria-pressed", "true")  # the phone's
    page.keyboard.press("f")
    expect(page.locator("#lb-heart")).to_have_attribute("aria-pressed", "false")
    wait_saved(page, "IMG_0005.jpg is no longer a favourite.")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#lb-heart")).to_have_accessible_name("Favourite IMG_0006.jpg")
    page.keyboard.press("h")
    expect(page.locator("#lb-heart")).to_have_attribute("aria-pressed", "true")
    wait_saved(page, "IMG_0006.jpg is in your favourites.")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("f")
    expect(page.locator("#toast")).to_have_text("IMG_0007.jpg is in your favourites.")
    page.keyboard.press("Escape")
    expect(page.locator("#lightbox")).to_be_hidden()
    expect(page.locator("#fav-count")).to_have_text("3")
    hearted = Favourite.objects.filter(account=ada).values_list("image__file_name", flat=True)
    assert sorted(hearted) == ["IMG_0002.jpg", "IMG_0006.jpg", "IMG_0007.jpg"]

    # And after a reload the grid shows the same three hearts.
    page.reload()
    pressed = page.locator('.heart[aria-pressed="true"]')
    expect(pressed).to_have_count(3)


def test_the_lightbox_adds_to_a_group_and_makes_one(  # type: ignore[no-untyped-def]
    live_server, page: Page, gallery_studio: GalleryStudio, ada: Account
) -> None:
    published = publish(gallery_studio, ada, images=6)
    sign_in_in_browser(page, live_server.url, ada)
    page.goto(f"{live_server.url}/s/northlight/e/{published.session.uuid}/")
    page.locator(".tile").nth(1).click()
    page.get_by_role("button", name="Add to group…").click()
    page.get_by_label("New group", exact=True).fill("Album")
    page.get_by_label("New group", exact=True).press("Enter")
    expect(page.locator("#lb-menu-list button", has_text="Album")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.keyboard.press("Escape")  # closes the menu, then the viewer
    page.keyboard.press("ArrowRight")
    page.get_by_role("button", name="Add to group…").click()
    page.locator("#lb-menu-list button", has_text="Album").click()
    expect(page.locator("#toast")).to_have_text("1 photograph added to “Album”.")
    expect(page.locator("#mine-list a", has_text="Album").locator(".count")).to_have_text("2")
    group = ClientGroup.objects.get(account=ada, name="Album")
    assert sorted(group.images.values_list("file_name", flat=True)) == [
        "IMG_0002.jpg",
        "IMG_0003.jpg",
    ]


def test_a_guest_signs_up_on_a_public_event_and_keeps_favourites(  # type: ignore[no-untyped-def]
    live_server, page: Page, phone: Page, gallery_studio: GalleryStudio, ada: Account, shots: Path
) -> None:
    published = publish(
        gallery_studio, ada, images=12, kinds=6, event_type=EventType.PUBLIC, title="Spring fair"
    )
    url = f"{live_server.url}/s/northlight/e/{published.session.uuid}/"
    for viewer, width in ((page, 1280), (phone, 390)):
        viewer.goto(url)
        expect(
            viewer.get_by_text("Sign in or create a guest login to keep favourites.")
        ).to_be_visible()
        expect(viewer.locator(".heart")).to_have_count(0)
        viewer.wait_for_load_state("networkidle")
        viewer.screenshot(path=shots / f"guest-prompt-{width}.png")
        viewer.get_by_role("link", name="Create a guest login").click()
        expect(viewer.get_by_role("heading", name="Create a guest login")).to_be_visible()
        viewer.wait_for_load_state("networkidle")
        viewer.screenshot(path=shots / f"guest-signup-{width}.png", full_page=True)

    page.get_by_label("First name").fill("Mia")
    page.get_by_label("Last name").fill("Lund")
    page.get_by_label("Email").fill("mia@lund.example")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password again").fill("short")
    page.get_by_role("button", name="Create my guest login").click()
    expect(page.get_by_text("This password is too short.", exact=False)).to_be_visible()
    page.screenshot(path=shots / "guest-signup-errors-1280.png", full_page=True)
    page.get_by_label("Password", exact=True).fill("paper-lanterns-at-dusk")
    page.get_by_label("Password again").fill("paper-lanterns-at-dusk")
    page.get_by_role("button", name="Create my guest login").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(page.get_by_text("mia@lund.example")).to_be_visible()
    page.screenshot(path=shots / "guest-check-your-email-1280.png", full_page=True)
    mail = OutgoingMail.objects.get(kind=MailKind.GUEST_CONFIRM)
    assert mail.to == ["mia@lund.example"]
    link = re.search(r"https?://\S+/s/northlight/guest/\S+/", mail.text)
    assert link is not None
    page.goto(link.group(0))
    page.get_by_role("button", name="Open my guest login").click()
    expect(page.get_by_text("Welcome, Mia.", exact=False)).to_be_visible()
    heart(page, "IMG_0003.jpg")
    guest = Account.objects.get(email="mia@lund.example")
    assert list(
        Favourite.objects.filter(account=guest).values_list("image__file_name", flat=True)
    ) == ["IMG_0003.jpg"]


def test_the_yearbook_pose_is_picked_changed_and_locked(  # type: ignore[no-untyped-def]
    live_server, page: Page, phone: Page, gallery_studio: GalleryStudio, ada: Account, shots: Path
) -> None:
    published = publish(gallery_studio, ada, images=12, kinds=6, title="Class of 2026", scale=2)
    session = published.session
    eligible = [str(i.uuid) for i in published.images[:6]]
    OnlineSession.objects.filter(pk=session.pk).update(
        yearbook_deadline=dt.date.today() + dt.timedelta(days=20), yearbook_images=eligible
    )
    url = f"{live_server.url}/s/northlight/e/{session.uuid}/"
    sign_in_in_browser(page, live_server.url, ada)
    page.goto(url)
    panel = page.get_by_role("region", name="Yearbook pose")
    expect(panel).to_contain_text("You can change it until")
    panel.get_by_role("link", name="Show the 6 poses").click()
    expect(page.locator(".tile")).to_have_count(6)
    page.locator(".tile").nth(2).click()
    preview_loaded(page)
    page.wait_for_timeout(400)
    page.screenshot(path=shots / "yearbook-lightbox-1280.png")
    page.get_by_role("button", name="Choose as yearbook pose").click()
    expect(page.locator("#toast")).to_contain_text("IMG_0003.jpg is your yearbook pose.")
    expect(page.locator("#lb-yearbook")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("ArrowRight")
    page.get_by_role("button", name="Choose as yearbook pose").click()
    expect(page.locator("#toast")).to_contain_text("IMG_0004.jpg is your yearbook pose.")
    page.keyboard.press("Escape")
    expect(page.locator("#yb-name")).to_have_text("IMG_0004.jpg")
    expect(page.locator(".cell.is-pick .tile")).to_have_attribute("data-name", "IMG_0004.jpg")
    assert YearbookPick.objects.get(session=session).image.file_name == "IMG_0004.jpg"

    for viewer, width in ((page, 1280), (phone, 390)):
        if viewer is phone:
            sign_in_in_browser(phone, live_server.url, ada)
        viewer.goto(url)
        viewer.wait_for_load_state("networkidle")
        viewer.screenshot(path=shots / f"yearbook-open-{width}.png")

    # After the deadline the pick is locked and shown as such; the button is gone.
    OnlineSession.objects.filter(pk=session.pk).update(
        yearbook_deadline=dt.date.today() - dt.timedelta(days=1)
    )
    page.goto(f"{url}?yearbook=1")
    expect(panel).to_contain_text("Locked on")
    expect(panel).to_contain_text("Your yearbook pose is IMG_0004.jpg.")
    page.locator(".tile").nth(0).click()
    expect(page.locator("#lb-yearbook")).to_be_hidden()
    page.keyboard.press("Escape")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=shots / "yearbook-locked-1280.png")
    assert YearbookPick.objects.get(session=session).image.file_name == "IMG_0004.jpg"


def test_screens_of_hearts_in_the_grid_and_the_lightbox(  # type: ignore[no-untyped-def]
    live_server, page: Page, phone: Page, gallery_studio: GalleryStudio, ada: Account, shots: Path
) -> None:
    published = publish(gallery_studio, ada, images=24, kinds=12, scale=2)
    url = f"{live_server.url}/s/northlight/e/{published.session.uuid}/"
    for viewer, width in ((page, 1280), (phone, 390)):
        sign_in_in_browser(viewer, live_server.url, ada)
        viewer.goto(url)
        if viewer is page:
            for name in ("IMG_0002.jpg", "IMG_0005.jpg", "IMG_0009.jpg"):
                heart(viewer, name)
            viewer.get_by_text("+ New group").click()
            viewer.get_by_label("Group name").fill("For grandma")
            viewer.get_by_role("button", name="Create", exact=True).click()
            viewer.goto(url)
        viewer.wait_for_load_state("networkidle")
        viewer.locator(".cell").nth(3).hover()
        viewer.wait_for_timeout(300)
        viewer.screenshot(path=shots / f"hearts-grid-{width}.png")
        viewer.locator(".tile").nth(1).click()  # a favourite
        preview_loaded(viewer)
        viewer.wait_for_timeout(500)
        viewer.screenshot(path=shots / f"hearts-lightbox-{width}.png")
        viewer.get_by_role("button", name="Add to group…").click()
        viewer.wait_for_timeout(200)
        viewer.screenshot(path=shots / f"hearts-lightbox-groups-{width}.png")
        viewer.keyboard.press("Escape")
        viewer.keyboard.press("Escape")
        viewer.get_by_role("button", name="Select", exact=True).click()
        viewer.locator(".tile").nth(0).click()
        viewer.locator(".tile").nth(1).click()
        viewer.wait_for_timeout(200)
        viewer.screenshot(path=shots / f"hearts-select-{width}.png")
    for name in ("hearts-grid", "hearts-lightbox"):
        for width in (1280, 390):
            assert (shots / f"{name}-{width}.png").stat().st_size > 10_000
