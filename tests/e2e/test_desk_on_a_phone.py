"""Issue 18, point 1: the desk on a tablet and a phone.

Every desk page, taken from the URL resolver (so a page added later is checked too), opens
at 390x844 and at 768x1024 without sideways scrolling; the top bar folds into a menu;
an image is rated and the next one reached by touch.

Screenshots of each page at 390x844 go to PROOFROOM_SCREENSHOTS when it is set.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from playwright.sync_api import Page, expect

from proofroom.demo import demo_load
from proofroom.studio.clients import Client
from proofroom.studio.deposits import Deposit, deposit_make
from proofroom.studio.images import Image, ImageGroup, Rating
from proofroom.studio.invoices.models import Invoice, InvoiceLine, InvoiceStatus
from proofroom.studio.invoices.web_orders import invoices_from_web_orders
from proofroom.studio.letters.models import FormLetter
from proofroom.studio.letters.services import reminder_add, trigger_add
from proofroom.studio.pricelists import PriceList
from proofroom.studio.sessions import Session
from proofroom.studio.synchronizer.runs import SyncKind, SyncRun, SyncStatus
from proofroom.studio.todos.services import todo_create
from tests.e2e.conftest import csp_violations, desk_log_in
from tests.factories import make_images, make_price_list, make_session, web_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases="__all__")]

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 768, "height": 1024}

# Desk URLs that are not pages a person opens: the login itself and files to download
# (form posts are told apart by their 405 to a GET).
NOT_PAGES = {
    "login",
    "logout",
    "image_file",
    "session_export_lightroom",
    "session_export_file_names",
    "session_export_sidecars",
}


def desk_patterns() -> Iterator[tuple[str, str]]:
    """(url name, route) of every desk URL, from the resolver."""
    resolver = get_resolver()

    def walk(patterns: list[URLPattern | URLResolver], prefix: str, namespace: str):  # type: ignore[no-untyped-def]
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = entry.namespace or namespace
                yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif namespace == "studio" and entry.name and entry.name not in NOT_PAGES:
                yield entry.name, prefix + str(entry.pattern)

    yield from walk(resolver.url_patterns, "", "")


def sample_desk() -> dict[str, int]:
    """The demo studio on the desk, with an invoice, a deposit and a finished sync: the
    ids that fill the pages' <int:…> parts, by the name of the part."""
    demo_load(out=io.StringIO())
    session = Session.objects.filter(images__isnull=False).order_by("number").first()
    assert session is not None
    image = Image.objects.filter(session=session).order_by("pk").first()
    products = make_price_list().products.order_by("pk")
    paid = dt.datetime.now(tz=dt.UTC)
    invoices_from_web_orders(
        [
            web_order(
                session=session,
                client=session.client,
                lines=[(products[0], image, 2), (products[1], image, 1)],
                email="ada@souza.example",
                payments=[(1000, "card", paid)],
                note="Please frame the large one in oak; we collect on Saturday.",
            )
        ]
    )
    deposit_make(date=paid.date(), user=None)
    run = SyncRun.objects.create(
        kinds=[SyncKind.SESSIONS, SyncKind.CLIENTS],
        status=SyncStatus.SUCCEEDED,
        finished_at=dt.datetime.now(tz=dt.UTC),
        sessions_uploaded=1,
        images_sent=12,
        log="10:00:00 Uploading session 1…\n10:00:03 Done.\n",
    )
    group = ImageGroup.objects.filter(session=session).first() or ImageGroup.objects.create(
        session=session, name="Album"
    )
    return {
        "clients": Client.objects.order_by("pk").values_list("pk", flat=True)[0],
        "sessions": session.number,
        "invoices": Invoice.objects.get().number,
        "deposits": Deposit.objects.get().pk,
        "price-lists": PriceList.objects.order_by("pk").values_list("pk", flat=True)[0],
        "sync": run.pk,
        "groups": group.pk,
        "statuses": InvoiceStatus.objects.order_by("pk").values_list("pk", flat=True)[0],
        "lines": InvoiceLine.objects.order_by("pk").values_list("pk", flat=True)[0],
        "letters": FormLetter.objects.order_by("pk").values_list("pk", flat=True)[0],
        "tasks": todo_create(title="Call the lab about the oak frame", session=session).pk,
        "triggers": trigger_add(stage=session.stage, letter=FormLetter.objects.first()).pk,
        "reminders": reminder_add(days_before=3, letter=FormLetter.objects.first()).pk,
    }


def fill(name: str, route: str, ids: dict[str, int]) -> str:
    """The route with real ids in its <…> parts, each taken for the collection named just
    before it (``sessions/<int:number>/`` is a session); one nobody knows fails the test."""

    def value(match: re.Match[str]) -> str:
        collection = match.group(1)
        if collection not in ids:
            raise AssertionError(f"no sample id for {collection}/ in the desk page {name!r}")
        return f"{collection}/{ids[collection]}"

    return re.sub(r"([\w-]+)/<(?:int:)?\w+>", value, route)


def overflow(page: Page) -> int:
    """How many pixels the page is wider than the screen (0 when it fits).

    A mobile browser widens its layout viewport to fit a page that is too wide (and zooms
    out), so ``innerWidth`` alone would grow with the page: it is compared with the
    screen's width too.
    """
    screen = page.viewport_size
    assert screen is not None
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    return max(0, int(scroll_width) - int(inner_width), int(inner_width) - screen["width"])


@pytest.fixture
def sample(small_demo, owner) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return sample_desk()


# Desk addresses that only lead to another desk page (which is opened in its own right).
REDIRECTS = {"session_email"}


def open_every_page(page: Page, base: str, ids: dict[str, int], shots: Path | None) -> list[str]:
    refused = csp_violations(page)
    desk_log_in(page, base)
    opened, wide, broke_csp = [], [], []
    for name, route in desk_patterns():
        url = f"{base}/{fill(name, route, ids)}"
        probe = page.request.get(url, max_redirects=0)
        if probe.status == 405:  # a form's target, not a page
            continue
        if probe.status == 302 and name in REDIRECTS:  # a short way to another page, opened too
            continue
        assert probe.status == 200, f"{name} answered {probe.status}"
        if "text/html" not in probe.headers.get("content-type", ""):
            continue  # a file (an export)
        page.goto(url)
        page.wait_for_load_state("load")
        opened.append(name)
        if refused:
            broke_csp.append(f"{name}: {refused[0]}")
            refused.clear()
        if shots is not None:
            page.screenshot(path=str(shots / f"desk-{name}.png"), full_page=True)
        if overflow(page) > 0:
            wide.append(f"{name} ({overflow(page)} px too wide)")
    assert wide == [], "these desk pages scroll sideways: " + ", ".join(wide)
    assert broke_csp == [], "these desk pages broke the Content-Security-Policy"
    return opened


@pytest.mark.parametrize("size", [PHONE, TABLET], ids=["phone-390x844", "tablet-768x1024"])
def test_every_desk_page_fits_a_phone_and_a_tablet(  # type: ignore[no-untyped-def]
    live_server, browser, sample, size, shots
) -> None:
    context = browser.new_context(
        viewport=size, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    keep = shots if size is PHONE else None
    opened = open_every_page(page, live_server.url, sample, keep)
    context.close()
    # The resolver gave the pages a studio works in, not an empty list.
    assert {"home", "workflow", "session_detail", "session_images", "invoice_detail"} <= set(opened)
    assert len(opened) >= 20


def test_the_top_bar_folds_into_a_menu_on_a_phone(live_server, phone, owner, shots) -> None:  # type: ignore[no-untyped-def]
    desk_log_in(phone, live_server.url)
    sessions_link = phone.get_by_role("link", name="Sessions", exact=True)
    expect(sessions_link).to_be_hidden()
    phone.get_by_text("Menu").tap()
    expect(sessions_link).to_be_visible()
    phone.screenshot(path=str(shots / "desk-menu-open-on-a-phone.png"))
    sessions_link.tap()
    phone.wait_for_url(f"{live_server.url}/desk/sessions/")
    assert phone.get_by_role("heading", level=1).inner_text() == "Sessions"


def test_the_workflow_hub_scrolls_by_stage_with_a_hint(live_server, phone, owner) -> None:  # type: ignore[no-untyped-def]
    make_session(description="Lake wedding")
    desk_log_in(phone, live_server.url)
    phone.goto(f"{live_server.url}/desk/workflow/")
    expect(phone.get_by_text("Swipe sideways for the next stages")).to_be_visible()
    hub = phone.locator(".hub")
    assert hub.evaluate("el => el.scrollWidth > el.clientWidth")
    assert hub.evaluate("el => getComputedStyle(el).scrollSnapType").startswith("x")
    assert overflow(phone) == 0


def swipe(page: Page, *, from_x: int, to_x: int, y: int) -> None:
    """A finger drawn across the screen, as Chromium's touch input reports it."""
    cdp = page.context.new_cdp_session(page)

    def touch(kind: str, *points: dict[str, int]) -> None:
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": list(points)})

    touch("touchStart", {"x": from_x, "y": y})
    for step in range(1, 6):
        touch("touchMove", {"x": from_x + (to_x - from_x) * step // 5, "y": y})
    touch("touchEnd")
    cdp.detach()


def test_rate_by_touch_and_swipe_to_the_next_image_on_a_phone(  # type: ignore[no-untyped-def]
    live_server, phone, owner, shots
) -> None:
    session = make_session(description="Lake wedding")
    first, second, third = make_images(session, 3, ready=True)
    desk_log_in(phone, live_server.url)
    phone.goto(f"{live_server.url}/desk/sessions/{session.number}/images/")
    status = phone.locator("#viewer-status")

    # A tap on a photograph opens it large; a tap on Selected rates it.
    phone.locator(f'.tile[data-name="{first.file_name}"] .tile-main').tap()
    expect(phone.locator("#loupe")).to_be_visible()
    expect(phone.locator("#loupe-name")).to_have_text(first.file_name)
    phone.locator("#loupe").get_by_role("button", name="Selected", exact=True).tap()
    expect(status).to_have_text(f"{first.file_name}: Selected — saved.")
    phone.screenshot(path=str(shots / "desk-viewer-large-on-a-phone.png"))

    # A swipe to the left brings the next image; to the right, back again.
    swipe(phone, from_x=320, to_x=60, y=400)
    expect(phone.locator("#loupe-name")).to_have_text(second.file_name)
    phone.locator("#loupe").get_by_role("button", name="Not Selected").tap()
    expect(status).to_have_text(f"{second.file_name}: Not Selected — saved.")
    swipe(phone, from_x=60, to_x=320, y=400)
    expect(phone.locator("#loupe-name")).to_have_text(first.file_name)
    assert phone.url.startswith(f"{live_server.url}/desk/sessions/{session.number}/images/")
    assert overflow(phone) == 0

    ratings = dict(Image.objects.values_list("file_name", "rating"))
    assert ratings[first.file_name] == Rating.SELECTED
    assert ratings[second.file_name] == Rating.NOT_SELECTED
    assert ratings[third.file_name] == Rating.UNDECIDED


BESIDE = """form => Array.from(form.querySelectorAll('input[type=checkbox]')).map(box => {
  const label = box.closest('label') || form.querySelector(`label[for="${box.id}"]`);
  const text = document.createRange();
  text.selectNodeContents(label);
  if (label.contains(box)) text.setStartAfter(box);
  const words = text.getClientRects()[0];
  const b = box.getBoundingClientRect();
  return {
    name: label.textContent.trim(),
    before: b.right <= words.left + 1,
    level: Math.abs((b.top + b.bottom) / 2 - (words.top + words.bottom) / 2) < 8,
  };
})"""


@pytest.mark.parametrize("size", [{"width": 1280, "height": 860}, PHONE], ids=["desk", "phone"])
def test_checkboxes_sit_beside_their_labels(live_server, browser, owner, size) -> None:  # type: ignore[no-untyped-def]
    """Settings → Automatic sync and the yearbook panel of a session's Online tab put each
    checkbox on a line of its own, full width, with its label below it."""
    session = make_session(description="Lake wedding")
    context = browser.new_context(viewport=size)
    page = context.new_page()
    desk_log_in(page, live_server.url)
    checked = []
    for url, form in (
        ("/desk/settings/", "#auto-sync"),
        (f"/desk/sessions/{session.number}/online/", "form:has([name=enabled])"),
    ):
        page.goto(live_server.url + url)
        checked += page.locator(form).evaluate(BESIDE)
    context.close()
    assert len(checked) >= 10  # every kind the automatic sync can do, and the yearbook's
    astray = [box["name"] for box in checked if not (box["before"] and box["level"])]
    assert astray == [], "checkboxes not beside their labels"
