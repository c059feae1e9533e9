"""Issue 13, attacker's pass: stored XSS.

What a client or guest types (guest names, own group names, order notes, addresses) and
what the studio's data brings over the sync (studio name and phone, client names, session
titles and descriptions, file names, group and product names, prepaid items) is stored
with ``<script>`` and an attribute break-out in it, and every page that shows it, on the
gallery and on the desk, must print it escaped.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.test import Client

from proofroom.gallery.catalog import Product as GalleryProduct
from proofroom.gallery.events import OnlineGroup, OnlineImage
from proofroom.gallery.prepaid import prepaid_put
from proofroom.gallery.publishing import studio_profile_put
from proofroom.gallery.selections import client_group_create
from proofroom.gallery.store.confirmation import order_email_context
from proofroom.gallery.store.models import Order
from proofroom.imaging.samples import make_sample_photo
from proofroom.studio.clients import Client as DeskClient
from proofroom.studio.downloads import apply_guest, apply_yearbook, yearbook_configure
from proofroom.studio.imports import session_import_files
from proofroom.studio.invoices.web_orders import invoice_from_web_order
from proofroom.studio.pricelists import Product
from proofroom.studio.studios import Studio as DeskStudio
from proofroom.sync import protocol
from tests.cast import OWN_PASSWORD, make_client, sign_in
from tests.factories import make_images, make_price_list, make_session, web_order
from tests.gallery.shop import SHIP, add, checkout_url
from tests.security.cast import build_cast

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
PAYLOAD = SCRIPT + BREAKOUT
RAW = ("<script>alert(1)", "<img src=x onerror")
TEMPLATES = Path(__file__).parents[2] / "src" / "proofroom"


def assert_escaped(page: str, where: str, *, shown: int = 1) -> None:
    for raw in RAW:
        assert raw not in page, f"{where} prints {raw!r} unescaped"
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= shown, f"{where} hides it"


def test_what_visitors_type_and_the_sync_brings_is_escaped_on_the_gallery() -> None:
    """Issue 13 (attacker): names, notes, addresses, titles, file names and group names
    with markup in them come out escaped on every gallery page that shows them."""
    cast = build_cast()
    studio = cast.studio
    studio_profile_put(
        studio=studio,
        data=protocol.StudioProfile(
            name=f"Northlight {PAYLOAD}"[:80],
            email="hello@northlight.example",
            phone=SCRIPT,
            currency="USD",
            time_zone="UTC",
        ),
    )
    session = cast.shop.session
    session.title, session.event_description = PAYLOAD, PAYLOAD
    session.save(update_fields=["title", "event_description"])
    OnlineImage.objects.filter(session=session).update(file_name=f"{PAYLOAD}.jpg")
    OnlineGroup.objects.filter(session=session).update(name=PAYLOAD)
    GalleryProduct.objects.filter(price_list__studio=studio).update(name=PAYLOAD, size=SCRIPT)
    ada = cast.ada
    ada.first_name, ada.last_name = PAYLOAD, PAYLOAD
    ada.save(update_fields=["first_name", "last_name"])
    group = client_group_create(account=ada, session=session, name=PAYLOAD)
    prepaid_put(
        studio=studio,
        data=protocol.PrepaidOrder(
            uuid=cast.prepaid.uuid,
            number=1042,
            client=ada.client_uuid or uuid.uuid4(),
            session=session.uuid,
            currency="USD",
            total=5000,
            paid=5000,
            items=[protocol.PrepaidItem(uuid=uuid.uuid4(), name=PAYLOAD, size=SCRIPT, quantity=1)],
        ),
    )
    browser = cast.client_for("ada")
    add(browser, cast.shop, image=2)
    placed = browser.post(
        checkout_url(cast.shop),
        {**SHIP, "street": PAYLOAD, "city": PAYLOAD, "note": PAYLOAD},
    )
    assert placed.status_code == 302, placed.content.decode()[:400]
    order = Order.objects.filter(account=ada).order_by("-pk").first()
    assert order is not None and order.note == PAYLOAD
    add(browser, cast.shop, image=3)
    slug, event = "northlight", f"/s/northlight/e/{session.uuid}/"
    image = cast.shop.images[1].uuid
    pages = {
        "landing": f"/s/{slug}/",
        "my galleries": f"/s/{slug}/home/",
        "the event": event,
        "the event, own group": f"{event}?mine={group.pk}",
        "the image": f"{event}i/{image}/",
        "the cart": f"/s/{slug}/cart/",
        "checkout": checkout_url(cast.shop),
        "the order": f"/s/{slug}/orders/{order.display_number}/",
        "the orders": f"/s/{slug}/orders/",
        "the account": f"/s/{slug}/account/",
        "the prepaid order": f"/s/{slug}/prepaid/{cast.prepaid.uuid}/",
    }
    for where, url in pages.items():
        response = browser.get(url)
        assert response.status_code == 200, (where, response.status_code)
        assert_escaped(response.content.decode(), where)


def test_a_guests_name_is_escaped_when_she_is_welcomed() -> None:
    """Issue 13 (attacker): a guest signs up with markup as her name."""
    cast = build_cast()
    browser = Client()
    browser.post("/s/northlight/code/", {"code": "ADA-PRIVATE-7"})
    signup = f"/s/northlight/e/{cast.private.session.uuid}/guest/"
    answer = browser.post(
        signup,
        {
            "first_name": PAYLOAD[:80],
            "last_name": "Lund",
            "email": "mallory@lund.example",
            "new_password": OWN_PASSWORD,
            "new_password2": OWN_PASSWORD,
            "confirm_password": OWN_PASSWORD,
        },
        follow=True,
    )
    assert answer.status_code == 200
    assert_escaped(answer.content.decode(), "the welcome")


def test_a_client_name_from_the_sync_is_escaped_on_the_password_pages(
    gallery_studio: object,
) -> None:
    account = make_client(gallery_studio, first=PAYLOAD, last="Souza")  # type: ignore[arg-type]
    browser = Client()
    sign_in(browser, account)
    for url in ("/s/northlight/home/", "/s/northlight/account/"):
        page = browser.get(url).content.decode()
        for raw in RAW:
            assert raw not in page


def test_what_the_gallery_sends_home_is_escaped_on_the_desk(
    studio: DeskStudio, owner: User, tmp_path: Path
) -> None:
    """Issue 13 (attacker): a web order's names, note, address and lines, a guest's name
    and hostile file names come out escaped on the desk's invoice, client and session
    pages."""
    make_price_list()
    product = Product.objects.get(name="Print")
    Product.objects.filter(pk=product.pk).update(name=PAYLOAD[:80])
    product.refresh_from_db()
    session = make_session(description=PAYLOAD)
    images = make_images(session, 1, prefix=PAYLOAD)
    invoice = invoice_from_web_order(
        web_order(
            session=session,
            client=session.client,
            lines=[(product, images[0], 1)],
            first_name=PAYLOAD,
            last_name=PAYLOAD,
            note=PAYLOAD,
            delivery=protocol.Delivery.SHIP,
            ship_to=protocol.Address(street=PAYLOAD, city=PAYLOAD, country=PAYLOAD),
        )
    )
    apply_guest(
        protocol.GuestChange(
            account=uuid.uuid4(),
            first_name=PAYLOAD,
            last_name=PAYLOAD,
            email="mallory@lund.example",
            session=session.uuid,
        )
    )
    guest = DeskClient.objects.get(email="mallory@lund.example")
    yearbook_configure(session=session, deadline=dt.date(2027, 1, 1), eligible_group=None)
    apply_yearbook(
        protocol.YearbookChange(
            session=session.uuid, image=images[0].uuid, picked_at=dt.datetime.now(dt.UTC)
        )
    )
    card = tmp_path / "card"
    card.mkdir()
    make_sample_photo(card / "a.jpg", width=64, height=48, seed=1)
    (card / "b.jpg").write_bytes(b"<html><script>alert(1)</script></html>")
    session_import_files(
        session=session,
        files=[(card / "a.jpg", f"{PAYLOAD}.jpg"), (card / "b.jpg", f"{BREAKOUT}{SCRIPT}.jpg")],
        enqueue=False,
    )
    desk = Client()
    desk.force_login(owner)
    pages = {
        "the invoice": f"/desk/invoices/{invoice.number}/",
        "the invoice's payments": f"/desk/invoices/{invoice.number}/payments/",
        "the invoice's other tab": f"/desk/invoices/{invoice.number}/other/",
        "the invoice list": "/desk/invoices/",
        "the guest's client record": f"/desk/clients/{guest.pk}/",
        "the client list": "/desk/clients/",
        "the session": f"/desk/sessions/{session.number}/",
        "the online tab, with the yearbook pose": f"/desk/sessions/{session.number}/online/",
        "the session's client": f"/desk/clients/{session.client.pk}/",
        "the session's images": f"/desk/sessions/{session.number}/images/",
        "the import page": f"/desk/sessions/{session.number}/import/",
        "the session list": "/desk/sessions/",
        "the workflow": "/desk/workflow/",
    }
    for where, url in pages.items():
        response = desk.get(url)
        assert response.status_code == 200, (where, response.status_code)
        page = response.content.decode()
        for raw in RAW:
            assert raw not in page, f"{where} prints {raw!r} unescaped"
    for shown in ("the invoice", "the online tab, with the yearbook pose", "the import page"):
        assert_escaped(desk.get(pages[shown]).content.decode(), shown)


UNESCAPED = re.compile(r"\|\s*safe\b|autoescape\s+off|mark_safe\(|SafeString\(|\|\s*safeseq\b")


def test_no_page_template_or_view_turns_escaping_off() -> None:
    """Issue 13 (attacker): nothing of a page is marked safe (plain-text mails aside), and
    no script block has data put in it: pages pass data by attributes and json_script."""
    offenders = []
    for path in TEMPLATES.rglob("*"):
        if path.suffix not in (".html", ".py") or "migrations" in path.parts:
            continue
        text = path.read_text()
        if UNESCAPED.search(text):
            offenders.append(str(path.relative_to(TEMPLATES)))
        if path.suffix == ".html":
            for block in re.findall(r"<script\b[^>]*>(.*?)</script>", text, re.DOTALL):
                if "{{" in block or "{%" in block:
                    offenders.append(f"{path.relative_to(TEMPLATES)}: data inside <script>")
    assert offenders == []


def test_the_order_mail_prints_the_clients_name_and_note_escaped() -> None:
    """The confirmation's HTML mail prints what the client typed escaped."""
    cast = build_cast()
    cast.order.first_name, cast.order.note = PAYLOAD, PAYLOAD
    cast.order.save(update_fields=["first_name", "note"])
    cast.order.studio = cast.studio
    html = render_to_string("gallery/email/order.html", order_email_context(cast.order))
    assert_escaped(html, "the order mail")
