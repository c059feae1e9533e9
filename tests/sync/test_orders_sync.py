"""Web orders and prepaid orders cross the real HTTP hop: cart → checkout on the gallery,
Download Orders → one studio invoice; prepaid invoice up, the client's picks back down."""

from __future__ import annotations

import re

import httpx
import pytest
from django.db import transaction
from django.test import Client as Browser
from django.test import override_settings

from proofroom.gallery.accounts import Account
from proofroom.gallery.events import OnlineImage
from proofroom.gallery.feed import Change, ChangeAck
from proofroom.gallery.prepaid import PrepaidOrder, prepaid_pick, prepaid_submit
from proofroom.gallery.store.models import Order, OrderStatus
from proofroom.gallery.tenants import Studio as GalleryStudio
from proofroom.gallery.tenants import api_key_create, studio_payments_configure
from proofroom.studio.dates import studio_today
from proofroom.studio.deposits import deposit_candidates
from proofroom.studio.downloads import changes_apply
from proofroom.studio.images import Image
from proofroom.studio.invoices.models import Invoice, InvoiceLine, Payment
from proofroom.studio.invoices.prepaid import prepaid_set
from proofroom.studio.invoices.services import invoice_create, invoice_line_add, payment_add
from proofroom.studio.invoices.web_orders import invoices_from_web_orders
from proofroom.studio.pricelists import Product
from proofroom.studio.studios import Studio, studio_update
from proofroom.studio.synchronizer.runs import SyncKind, SyncStatus
from proofroom.sync import protocol
from tests.cast import sign_in
from tests.fakes.stripe_api import FakeStripe
from tests.sync.conftest import mark, online_images

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

ORDERS = [SyncKind.DOWNLOAD_ORDERS]


def product(session, name: str, size: str) -> Product:  # type: ignore[no-untyped-def]
    return session.session_type.web_price_list.products.get(name=name, size=size)


@pytest.fixture
def selling(wedding, connected: Studio, sync):  # type: ignore[no-untyped-def]
    """The wedding online with the sample price list, 8.25 % tax and $7.50 shipping."""
    studio_update(studio=connected, tax_rate=825, tax_label="Sales tax", shipping_fee=750)
    mark(wedding)
    run = sync()
    assert run.status == SyncStatus.SUCCEEDED, run.log
    return wedding


@pytest.fixture
def ana(selling) -> Browser:  # type: ignore[no-untyped-def]
    browser = Browser()
    sign_in(browser, Account.objects.get(client_uuid=selling.client.uuid))
    return browser


def add(browser: Browser, session, image: OnlineImage, item: Product, quantity: int, **extra: str):  # type: ignore[no-untyped-def]
    return browser.post(
        f"/s/northlight/e/{session.uuid}/cart/add/",
        {"product": str(item.uuid), "image": str(image.uuid), "quantity": str(quantity), **extra},
    )


def check_out(browser: Browser, session) -> Order:  # type: ignore[no-untyped-def]
    answer = browser.post(
        f"/s/northlight/e/{session.uuid}/checkout/",
        {
            "delivery": "ship",
            "street": "1820 Grand Ave",
            "city": "Saint Paul",
            "region": "MN",
            "postal_code": "55105",
            "country": "USA",
            "note": "Matte paper, please",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:800]
    return Order.objects.order_by("-pk").first()  # type: ignore[return-value]


def test_a_web_order_becomes_one_studio_invoice_over_http(selling, ana, sync, owner) -> None:  # type: ignore[no-untyped-def]
    first, second, *_ = online_images(selling)
    print_8x10 = product(selling, "Print", "8×10 in")
    canvas = product(selling, "Gallery canvas", "16×20 in")
    # A price smuggled into the request is ignored: the catalog's price is what is charged.
    add(ana, selling, first, print_8x10, 2, price="1", unit_price="1", total="1")
    add(ana, selling, second, canvas, 1)
    order = check_out(ana, selling)
    assert order.status == OrderStatus.PLACED
    assert (order.subtotal, order.tax, order.shipping) == (27500, 2269, 750)  # 8.25 % rounded
    assert order.total == 30519

    run = sync(ORDERS)
    assert run.status == SyncStatus.SUCCEEDED, run.log
    assert run.downloaded == {"order": 1}
    invoice = Invoice.objects.get()
    assert invoice.web_order_number == order.display_number  # what the client was told
    assert invoice.status.name == "Web Order Placed"
    assert invoice.client == selling.client and invoice.session == selling
    assert (invoice.subtotal, invoice.tax, invoice.shipping, invoice.total) == (
        27500,
        2269,
        750,
        30519,
    )
    lines = {
        (line.product_id, line.image.file_name if line.image else None): line
        for line in InvoiceLine.objects.filter(invoice=invoice).select_related("image")
    }
    prints = lines[(print_8x10.pk, first.file_name)]
    assert (prints.quantity, prints.unit_price, prints.total) == (2, 2500, 5000)
    assert prints.image == Image.objects.get(uuid=first.uuid)
    assert lines[(canvas.pk, second.file_name)].total == 22500
    assert "1820 Grand Ave" in invoice.notes and "Matte paper" in invoice.notes

    # The desk's hub finds it by the client's confirmation number.
    desk = Browser()
    desk.force_login(owner)
    hub = desk.get("/desk/invoices/", {"web_order": order.display_number}).content.decode()
    assert f"/desk/invoices/{invoice.number}/" in hub

    # Acknowledged: the client's order history says the studio has it.
    order.refresh_from_db()
    assert ChangeAck.objects.get(kind="order").upto >= order.change_id  # type: ignore[operator]
    history = ana.get("/s/northlight/orders/").content.decode()
    assert order.display_number in history and "Received by the studio" in history

    again = sync(ORDERS)
    assert again.downloaded == {"order": 0} and Invoice.objects.count() == 1


class Killed(Exception):
    """The desk's process dies: nothing after this point happens."""


def test_a_package_with_a_photograph_per_piece_reaches_the_invoice_piece_by_piece(
    selling, ana, sync, owner
) -> None:  # type: ignore[no-untyped-def]
    images = online_images(selling)
    package = product(selling, "Wall & album package", "")
    assert add(ana, selling, images[2], package, 1).status_code == 302
    page = ana.get("/s/northlight/cart/")
    assert "Choose a photograph for each piece" in page.content.decode()
    line_id = int(page.content.decode().split("/cart/lines/")[1].split("/")[0])
    chooser = ana.get(f"/s/northlight/cart/lines/{line_id}/package/").content.decode()
    slots = set(re.findall(r'name="slot-([^"]+)"', chooser))
    assert len(slots) == 7  # one 16x20, two 8x10, four 5x7: a photograph each
    print_8x10 = product(selling, "Print", "8×10 in")
    second_8x10 = f"{print_8x10.uuid}:2"
    assert second_8x10 in slots
    chosen = ana.post(
        f"/s/northlight/cart/lines/{line_id}/package/",
        {f"slot-{second_8x10}": str(images[4].uuid)},
    )
    assert chosen.status_code == 302
    order = check_out(ana, selling)
    picks = order.lines.get().picks
    assert [p["image_file_name"] for p in picks].count(images[4].file_name) == 1
    assert [p["image_file_name"] for p in picks].count(images[2].file_name) == 6

    assert sync(ORDERS).status == SyncStatus.SUCCEEDED
    invoice = Invoice.objects.get()
    lines = list(invoice.lines.order_by("position").select_related("image", "product"))
    assert [line.description for line in lines] == [
        "Wall & album package",
        "In Wall & album package: Print 16×20 in",
        "In Wall & album package: Print 8×10 in",
        "In Wall & album package: Print 8×10 in",
        *["In Wall & album package: Print 5×7 in"] * 4,
    ]
    assert lines[0].total == package.price and all(piece.total == 0 for piece in lines[1:])
    assert lines[3].image == Image.objects.get(uuid=images[4].uuid)  # the client's pick
    assert lines[3].product == print_8x10
    assert {piece.image.uuid for piece in lines[1:] if piece.image} == {
        images[2].uuid,
        images[4].uuid,
    }
    assert invoice.subtotal == package.price  # the pieces cost nothing on their own


def test_a_sync_killed_before_the_studio_commits_and_rerun_makes_one_invoice(
    selling, ana, sync, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    first, second, *_ = online_images(selling)
    print_5x7 = product(selling, "Print", "5×7 in")
    add(ana, selling, first, print_5x7, 1)
    first_order = check_out(ana, selling)
    add(ana, selling, second, print_5x7, 3)
    second_order = check_out(ana, selling)
    assert first_order.number != second_order.number

    real = invoices_from_web_orders

    def dies_after_writing(orders: list[protocol.OrderChange]) -> int:
        made = real(orders)
        assert made == 2
        raise Killed  # the gallery answered, both invoices are written, no commit yet

    monkeypatch.setattr("proofroom.studio.downloads.invoices_from_web_orders", dies_after_writing)
    with pytest.raises(Killed):
        sync(ORDERS)
    assert Invoice.objects.count() == 0  # rolled back with the cursor
    assert not ChangeAck.objects.filter(kind="order", upto__gt=0).exists()

    monkeypatch.setattr("proofroom.studio.downloads.invoices_from_web_orders", real)
    run = sync(ORDERS)
    assert run.status == SyncStatus.SUCCEEDED, run.log
    assert sorted(Invoice.objects.values_list("web_order_number", flat=True)) == sorted(
        [first_order.display_number, second_order.display_number]
    )


def test_an_acknowledgement_lost_after_the_commit_downloads_nothing_twice(
    selling, ana, sync
) -> None:  # type: ignore[no-untyped-def]
    add(ana, selling, online_images(selling)[0], product(selling, "Print", "5×7 in"), 1)
    check_out(ana, selling)

    class AckLost(httpx.HTTPTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/changes/ack"):
                raise httpx.ConnectError("connection reset")
            return super().handle_request(request)

    broken = sync(ORDERS, transport=AckLost())
    assert broken.status == SyncStatus.FAILED
    assert Invoice.objects.count() == 1  # applied and committed before the ack was lost
    assert "Received by the studio" not in ana.get("/s/northlight/orders/").content.decode()
    run = sync(ORDERS)
    assert run.status == SyncStatus.SUCCEEDED and run.downloaded == {"order": 0}
    assert Invoice.objects.count() == 1
    assert "Received by the studio" in ana.get("/s/northlight/orders/").content.decode()


def test_racing_syncs_and_a_repeated_change_make_one_invoice(selling, ana) -> None:  # type: ignore[no-untyped-def]
    add(ana, selling, online_images(selling)[0], product(selling, "Print", "5×7 in"), 1)
    check_out(ana, selling)
    row = Change.objects.get(kind="order")
    change = protocol.Change(seq=row.seq, kind=row.kind, at=row.created_at, data=row.payload)
    page = protocol.ChangesPage(changes=[change], head=row.seq)
    with transaction.atomic():  # the first sync holds the cursor row
        assert changes_apply(kind="order", page=page) == (1, row.seq)
    assert changes_apply(kind="order", page=page) == (0, row.seq)  # the second one waited
    # The same order again under a later sequence (a duplicate emission) is still one invoice.
    repeated = change.model_copy(update={"seq": row.seq + 1000})
    changes_apply(kind="order", page=protocol.ChangesPage(changes=[repeated], head=row.seq + 1000))
    assert Invoice.objects.count() == 1
    assert InvoiceLine.objects.count() == 1


def test_a_card_payment_taken_online_lands_in_the_days_deposit(
    selling, ana, sync, gallery_studio: GalleryStudio, live_server
) -> None:  # type: ignore[no-untyped-def]
    with (
        FakeStripe(webhook_secret="whsec_test") as fake,
        override_settings(STRIPE_API_BASE=fake.base_url),
    ):
        fake.webhook_url = f"{live_server.url}/s/northlight/payments/stripe/webhook/"
        studio_payments_configure(
            studio=gallery_studio,
            gateway="stripe",
            secret_key=fake.api_key,
            webhook_secret="whsec_test",
        )
        add(ana, selling, online_images(selling)[0], product(selling, "Print", "8×10 in"), 1)
        order = check_out(ana, selling)
        assert order.status == OrderStatus.AWAITING_PAYMENT
        nothing = sync(ORDERS)
        assert nothing.downloaded == {"order": 0}  # unpaid card orders stay on the gallery
        assert fake.pay(order.checkout_id)
        fake.deliver_again()
        assert fake.charges == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED

    run = sync(ORDERS)
    assert run.downloaded == {"order": 1}, run.log
    invoice = Invoice.objects.get()
    payment = Payment.objects.get(invoice=invoice)
    assert payment.online and payment.amount == order.total == invoice.total
    assert payment.reference.startswith("pi_")
    assert payment.received_on == studio_today()
    assert payment in deposit_candidates(date=studio_today())


def test_prepaid_order_goes_up_and_the_clients_picks_come_back(selling, sync, owner) -> None:  # type: ignore[no-untyped-def]
    invoice = invoice_create(client=selling.client, session=selling)
    price_list = selling.session_type.web_price_list
    print_8x10 = price_list.products.get(name="Print", size="8×10 in")
    canvas = price_list.products.get(name="Gallery canvas", size="16×20 in")
    invoice_line_add(invoice=invoice, product=print_8x10, quantity=2, actor=owner)
    invoice_line_add(invoice=invoice, product=canvas, quantity=1, actor=owner)
    invoice.refresh_from_db()
    payment_add(invoice=invoice, amount=invoice.total, method="card", actor=owner)
    prepaid_set(invoice=invoice, flag=True, actor=owner)
    invoice.refresh_from_db()
    assert invoice.prepaid_state == "pending"

    run = sync([SyncKind.PREPAID_ORDERS])
    assert run.status == SyncStatus.SUCCEEDED, run.log
    invoice.refresh_from_db()
    assert invoice.prepaid_state == "uploaded"
    online = PrepaidOrder.objects.get(uuid=invoice.uuid)
    items = list(online.items.order_by("pk"))
    assert [item.quantity for item in items] == [2, 1]

    ana = Account.objects.get(client_uuid=selling.client.uuid)
    browser = Browser()
    sign_in(browser, ana)
    assert (
        f"/s/northlight/prepaid/{invoice.uuid}/"
        in browser.get("/s/northlight/account/").content.decode()
    )
    first, second, third, *_ = online_images(selling)
    prepaid_pick(order=online, picks={items[0].uuid: first.uuid, items[1].uuid: second.uuid})
    prepaid_pick(order=online, picks={items[1].uuid: third.uuid})  # changed their mind
    prepaid_submit(order=online, picks={})

    run = sync([SyncKind.DOWNLOAD_PREPAID])
    assert run.downloaded == {"prepaid": 1}, run.log
    picked = dict(
        InvoiceLine.objects.filter(invoice=invoice).values_list("product__name", "image__uuid")
    )
    assert picked == {"Print": first.uuid, "Gallery canvas": third.uuid}

    # Unticked on the desk: the next sync withdraws it from the client's account.
    prepaid_set(invoice=invoice, flag=False, actor=owner)
    sync([SyncKind.PREPAID_ORDERS])
    online.refresh_from_db()
    assert online.withdrawn
    assert f"/prepaid/{invoice.uuid}/" not in browser.get("/s/northlight/account/").content.decode()


def test_a_rival_studio_sees_none_of_it(selling, ana, live_server, rival_studio) -> None:  # type: ignore[no-untyped-def]
    add(ana, selling, online_images(selling)[0], product(selling, "Print", "5×7 in"), 1)
    order = check_out(ana, selling)
    rival = httpx.Client(
        base_url=f"{live_server.url}{protocol.PREFIX}",
        headers={"Authorization": f"Bearer {api_key_create(studio=rival_studio)}"},
    )
    page = protocol.ChangesPage.model_validate_json(
        rival.get("/changes", params={"kinds": "order,prepaid", "after": 0}).content
    )
    assert page.changes == []
    prepaid = protocol.PrepaidOrder(
        uuid=order.uuid,
        number=1,
        client=selling.client.uuid,
        session=selling.uuid,
        currency="USD",
        total=100,
        paid=100,
        items=[protocol.PrepaidItem(uuid=order.uuid, name="Print", quantity=1)],
    )
    answer = rival.put(
        f"/prepaid-orders/{order.uuid}",
        content=prepaid.model_dump_json(),
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 409  # the rival has no such client or session
    assert rival.delete(f"/prepaid-orders/{order.uuid}").status_code == 404
    assert not PrepaidOrder.objects.exists()
    ack = rival.post(
        "/changes/ack",
        content=protocol.Ack(kind="order", upto=10**6).model_dump_json(),
        headers={"Content-Type": "application/json"},
    )
    assert ack.json()["upto"] == 0  # the rival's feed is empty, so nothing moves
    assert "Received by the studio" not in ana.get("/s/northlight/orders/").content.decode()
    rival.close()


def test_the_gallery_and_the_desk_store_one_confirmation_number_over_http(
    selling, ana, sync, owner
) -> None:  # type: ignore[no-untyped-def]
    """Issue 12, confirmation numbers: the gallery stored K7MQ2XDA and the desk K7MQ-2XDA;
    after the real sync hop both hold the same text, and the desk finds it as typed."""
    first, *_ = online_images(selling)
    add(ana, selling, first, product(selling, "Print", "8×10 in"), 1)
    order = check_out(ana, selling)

    run = sync(ORDERS)
    assert run.status == SyncStatus.SUCCEEDED, run.log
    invoice = Invoice.objects.get()
    assert invoice.web_order_number == order.number == order.display_number
    desk = Browser()
    desk.force_login(owner)
    typed = order.number.lower().replace("-", "").replace("0", "o").replace("1", "l")
    hub = desk.get("/desk/invoices/", {"web_order": typed}).content.decode()
    assert f'href="/desk/invoices/{invoice.number}/"' in hub


def test_two_photographs_for_two_prints_come_home_as_a_line_each(selling, sync, owner) -> None:  # type: ignore[no-untyped-def]
    invoice = invoice_create(client=selling.client, session=selling)
    print_8x10 = selling.session_type.web_price_list.products.get(name="Print", size="8×10 in")
    invoice_line_add(invoice=invoice, product=print_8x10, quantity=2, actor=owner)
    invoice.refresh_from_db()
    total = invoice.total
    payment_add(invoice=invoice, amount=total, method="card", actor=owner)
    prepaid_set(invoice=invoice, flag=True, actor=owner)
    assert sync([SyncKind.PREPAID_ORDERS]).status == SyncStatus.SUCCEEDED
    online = PrepaidOrder.objects.get(uuid=invoice.uuid)
    (item,) = online.items.all()
    first, second, *_ = online_images(selling)

    ana = Account.objects.get(client_uuid=selling.client.uuid)
    browser = Browser()
    sign_in(browser, ana)
    page = f"/s/northlight/prepaid/{invoice.uuid}/"
    browser.post(
        f"{page}submit/",
        {f"item-{item.uuid}": str(first.uuid), f"copy-{item.uuid}-2": str(second.uuid)},
    )
    run = sync([SyncKind.DOWNLOAD_PREPAID])
    assert run.downloaded == {"prepaid": 1}, run.log
    lines = InvoiceLine.objects.filter(invoice=invoice).order_by("position", "pk")
    assert [(line.quantity, line.image.uuid) for line in lines] == [  # type: ignore[union-attr]
        (1, first.uuid),
        (1, second.uuid),
    ]
    invoice.refresh_from_db()
    assert invoice.total == total

    # The next upload shows the client the two prints, each with its photograph.
    assert sync([SyncKind.PREPAID_ORDERS]).status == SyncStatus.SUCCEEDED
    shown = [(i.quantity, i.image.uuid) for i in online.items.order_by("position")]  # type: ignore[union-attr]
    assert shown == [(1, first.uuid), (1, second.uuid)]
    shown_page = browser.get(page).content.decode()
    assert "Received by the studio" in shown_page
    assert "You changed your choices" not in shown_page
