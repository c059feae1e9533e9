"""Ordering in a real browser: a client puts two products in the cart (one from the grid,
one from the lightbox), checks out and is given a confirmation number; after a sync the
desk's Invoices hub lists the order under "Web Order Placed" by that number."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from proofroom.gallery.accounts import Account
from proofroom.gallery.store.models import Order
from proofroom.studio.invoices.models import Invoice
from proofroom.studio.sessions import Session
from proofroom.studio.synchronizer.runs import SyncKind, SyncRun, SyncStatus
from tests.e2e.conftest import desk_log_in, sign_in_in_browser
from tests.gallery.shop import NUMBER
from tests.sync.conftest import connected, mark, sync, wedding

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases="__all__")]

__all__ = ["connected", "sync", "wedding"]


def test_a_client_orders_two_products_and_the_desk_finds_the_web_order(  # type: ignore[no-untyped-def]
    live_server,
    page: Page,
    owner,
    wedding: Session,
    sync: Callable[..., SyncRun],
    shots: Path,
) -> None:
    mark(wedding)
    uploaded = sync()
    assert uploaded.status == SyncStatus.SUCCEEDED, uploaded.log
    products = wedding.session_type.web_price_list.products
    prints = products.get(name="Print", size="8×10 in")
    canvas = products.get(name="Gallery canvas", size="16×20 in")

    ana = Account.objects.get(client_uuid=wedding.client.uuid)
    sign_in_in_browser(page, live_server.url, ana)
    page.goto(f"{live_server.url}/s/northlight/e/{wedding.uuid}/")
    expect(page.locator(".tile")).to_have_count(6)

    # From the grid: the cart button on a thumbnail opens the order dialog.
    page.locator(".cart-btn").nth(1).click()
    dialog = page.locator("#order-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Product").select_option(str(prints.uuid))
    dialog.get_by_label("Quantity").fill("2")
    dialog.get_by_role("button", name="Add to cart").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#toast")).to_contain_text("cart")

    # From the lightbox: Order prints on the fourth photograph.
    page.locator(".tile").nth(3).click()
    expect(page.locator("#lightbox")).to_be_visible()
    page.locator("#lb-order").click()
    expect(dialog).to_be_visible()
    dialog.get_by_label("Product").select_option(str(canvas.uuid))
    dialog.get_by_role("button", name="Add to cart").click()
    expect(dialog).to_be_hidden()
    page.screenshot(path=shots / "gallery-added-to-cart-1280.png")

    page.goto(f"{live_server.url}/s/northlight/cart/")
    expect(page.locator("main")).to_contain_text("Gallery canvas")
    page.get_by_role("link", name="Checkout").click()
    page.locator("input[name=delivery][value=pickup]").check()
    page.screenshot(path=shots / "gallery-checkout-1280.png", full_page=True)
    page.get_by_role("button", name=re.compile(r"^Place order")).click()
    page.wait_for_url(re.compile(r"/s/northlight/orders/"))
    number = page.locator("#order-number").inner_text().strip()
    assert NUMBER.match(number), number
    page.screenshot(path=shots / "gallery-confirmation-1280.png", full_page=True)
    order = Order.objects.get()
    assert order.display_number == number
    assert order.subtotal == 2 * prints.price + canvas.price

    downloaded = sync([SyncKind.DOWNLOAD_ORDERS])
    assert downloaded.status == SyncStatus.SUCCEEDED, downloaded.log

    # The desk: Invoices hub, search by Invoice Status "Web Order Placed".
    desk_log_in(page, live_server.url)
    page.goto(f"{live_server.url}/desk/invoices/")
    page.get_by_role("combobox", name="Status").select_option(label="Web Order Placed")
    page.get_by_role("button", name="Search").click()
    row = page.locator("table.invoices tbody tr", has_text=number)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Web Order Placed")
    expect(row).to_contain_text("Ana Souza")
    page.screenshot(path=shots / "desk-web-orders-1280.png", full_page=True)
    row.get_by_role("link", name=number).click()
    expect(page.locator("main")).to_contain_text("not sent back to the gallery")
    invoice = Invoice.objects.get(web_order_number=number)
    assert invoice.total == order.total


def test_paying_by_card_on_the_hosted_page_comes_back_paid_and_charges_once(  # type: ignore[no-untyped-def]
    live_server,
    page: Page,
    settings,
    gallery_studio,
    wedding: Session,
    sync: Callable[..., SyncRun],
    shots: Path,
) -> None:
    from proofroom.gallery.tenants import studio_payments_configure
    from proofroom.studio.invoices.models import Payment
    from tests.fakes.stripe_api import FakeStripe

    mark(wedding)
    assert sync().status == SyncStatus.SUCCEEDED
    download = wedding.session_type.web_price_list.products.get(name="Digital download")
    with FakeStripe(webhook_secret="whsec_test") as fake:
        settings.STRIPE_API_BASE = fake.base_url
        fake.webhook_url = f"{live_server.url}/s/northlight/payments/stripe/webhook/"
        studio_payments_configure(
            studio=gallery_studio,
            gateway="stripe",
            secret_key=fake.api_key,
            webhook_secret="whsec_test",
        )
        sign_in_in_browser(
            page, live_server.url, Account.objects.get(client_uuid=wedding.client.uuid)
        )
        page.goto(f"{live_server.url}/s/northlight/e/{wedding.uuid}/")
        page.locator(".cart-btn").first.click()
        page.locator("#order-dialog").get_by_label("Product").select_option(str(download.uuid))
        page.locator("#order-dialog").get_by_role("button", name="Add to cart").click()
        expect(page.locator("#order-dialog")).to_be_hidden()
        page.goto(f"{live_server.url}/s/northlight/cart/")
        page.get_by_role("link", name="Checkout").click()
        page.get_by_role("button", name="Place order and pay").click()

        # The card service's own page: the card number is typed there, never on ours.
        page.wait_for_url(re.compile(re.escape(fake.base_url) + r"/pay/"))
        page.get_by_role("button", name=re.compile(r"^Pay ")).click()
        page.wait_for_url(re.compile(r"/s/northlight/orders/"))
        expect(page.locator("main")).to_contain_text("Paid")
        page.screenshot(path=shots / "gallery-paid-by-card-1280.png", full_page=True)
        page.go_back()  # back on the hosted page, paying again does not charge again
        page.reload()
        if page.get_by_role("button", name=re.compile(r"^Pay ")).count():
            page.get_by_role("button", name=re.compile(r"^Pay ")).click()
        assert fake.charges == 1

    order = Order.objects.get()
    assert order.payments.count() == 1
    run = sync([SyncKind.DOWNLOAD_ORDERS])
    assert run.downloaded == {"order": 1}, run.log
    payment = Payment.objects.get()
    assert payment.online and payment.amount == order.total


def test_a_client_chooses_the_photographs_of_a_package_and_the_desk_gets_each_piece(  # type: ignore[no-untyped-def]
    live_server,
    page: Page,
    owner,
    wedding: Session,
    sync: Callable[..., SyncRun],
    shots: Path,
) -> None:
    from proofroom.studio.invoices.models import InvoiceLine

    mark(wedding)
    assert sync().status == SyncStatus.SUCCEEDED
    package = wedding.session_type.web_price_list.products.get(name="Wall & album package")
    ana = Account.objects.get(client_uuid=wedding.client.uuid)
    sign_in_in_browser(page, live_server.url, ana)
    page.goto(f"{live_server.url}/s/northlight/e/{wedding.uuid}/")
    page.locator(".cart-btn").first.click()
    dialog = page.locator("#order-dialog")
    dialog.get_by_label("Product").select_option(str(package.uuid))
    dialog.get_by_role("button", name="Add to cart").click()
    expect(dialog).to_be_hidden()

    page.goto(f"{live_server.url}/s/northlight/cart/")
    page.get_by_role("link", name="Choose a photograph for each piece").click()
    pieces = page.locator(".prepaid-item")
    expect(pieces).to_have_count(7)  # one 16x20, two 8x10, four 5x7
    second_8x10 = pieces.filter(has_text="Print 8×10 in (2 of 2)")
    fourth = second_8x10.locator(".choice").nth(3)
    wanted = fourth.locator(".choice-name").inner_text()
    fourth.click()
    expect(second_8x10.locator("legend")).to_contain_text(f"Chosen: {wanted}")
    page.screenshot(path=shots / "gallery-package-pieces-1280.png")
    page.get_by_role("button", name="Keep these photographs").click()
    expect(page.locator("main")).to_contain_text("Change the photographs of each piece")
    page.get_by_role("link", name="Checkout").click()
    page.locator("input[name=delivery][value=pickup]").check()
    page.get_by_role("button", name=re.compile(r"^Place order")).click()
    page.wait_for_url(re.compile(r"/s/northlight/orders/"))
    expect(page.locator("main")).to_contain_text(f"Print 8×10 in — {wanted}")
    page.screenshot(path=shots / "gallery-package-order-1280.png", full_page=True)

    assert sync([SyncKind.DOWNLOAD_ORDERS]).status == SyncStatus.SUCCEEDED
    pieces_on_desk = InvoiceLine.objects.filter(
        description="In Wall & album package: Print 8×10 in"
    ).select_related("image")
    whole = InvoiceLine.objects.select_related("image").get(description="Wall & album package")
    assert whole.image is not None and whole.image.file_name != wanted
    # The first 8x10 is still the package's photograph; the second is the one clicked.
    assert sorted(p.image.file_name for p in pieces_on_desk if p.image) == sorted(
        [whole.image.file_name, wanted]
    )


def test_a_client_chooses_the_images_of_a_prepaid_invoice_and_the_desk_gets_them(  # type: ignore[no-untyped-def]
    live_server,
    page: Page,
    owner,
    wedding: Session,
    sync: Callable[..., SyncRun],
    shots: Path,
) -> None:
    from proofroom.studio.invoices.models import InvoiceLine
    from proofroom.studio.invoices.prepaid import prepaid_set
    from proofroom.studio.invoices.services import invoice_create, invoice_line_add, payment_add

    mark(wedding)
    assert sync().status == SyncStatus.SUCCEEDED
    invoice = invoice_create(client=wedding.client, session=wedding)
    products = wedding.session_type.web_price_list.products
    invoice_line_add(
        invoice=invoice, product=products.get(name="Print", size="8×10 in"), quantity=2, actor=owner
    )
    invoice.refresh_from_db()
    payment_add(invoice=invoice, amount=invoice.total, method="card", actor=owner)
    prepaid_set(invoice=invoice, flag=True, actor=owner)
    assert sync([SyncKind.PREPAID_ORDERS]).status == SyncStatus.SUCCEEDED

    sign_in_in_browser(page, live_server.url, Account.objects.get(client_uuid=wedding.client.uuid))
    page.goto(f"{live_server.url}/s/northlight/prepaid/{invoice.uuid}/")
    item = page.locator(".prepaid-item")
    expect(item).to_have_count(1)
    expect(item.locator("legend")).to_contain_text("Not chosen yet")
    third = item.locator(".choice").nth(2)
    wanted = third.locator(".choice-name").inner_text()
    third.click()
    expect(item.locator("legend")).to_contain_text(f"Chosen: {wanted}")
    # Two prints: the second copy is the same photograph unless the client picks another.
    copy = page.locator(".prepaid-copy")
    expect(copy.locator("legend")).to_contain_text("copy 2 of 2")
    expect(copy.get_by_label("Same as copy 1")).to_be_checked()
    page.screenshot(path=shots / "gallery-prepaid-choices-1280.png")
    page.get_by_role("button", name="Submit my choices").click()
    expect(page.locator("main")).to_contain_text("Your choices are sent to the studio")

    assert sync([SyncKind.DOWNLOAD_PREPAID]).status == SyncStatus.SUCCEEDED
    line = InvoiceLine.objects.select_related("image").get(invoice=invoice)
    assert line.image is not None and line.image.file_name == wanted
    assert line.quantity == 2
