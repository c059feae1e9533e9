"""A downloaded web order becomes one studio invoice at "Web Order Placed", exactly once."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext

from proofroom.studio.clients import Client
from proofroom.studio.guests import GuestLink
from proofroom.studio.images import Image
from proofroom.studio.invoices.models import Invoice, InvoiceLine, Payment, PaymentMethod
from proofroom.studio.invoices.services import invoice_create
from proofroom.studio.invoices.statuses import WEB_ORDER_PLACED
from proofroom.studio.invoices.web_orders import invoice_from_web_order, invoices_from_web_orders
from proofroom.studio.pricelists import Product
from proofroom.studio.sessions import Session
from proofroom.studio.studios import Studio
from proofroom.sync import protocol
from tests.factories import ClientFactory, make_images, make_price_list, web_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def prints(studio: Studio) -> dict[str, Product]:
    studio.time_zone = "America/Chicago"
    studio.save()
    make_price_list()
    return {p.name: p for p in Product.objects.all()}


def test_a_web_order_becomes_one_invoice_as_the_client_ordered_it(
    prints: dict[str, Product], session: Session, images: list[Image]
) -> None:
    # Paid at 03:30 UTC on 29 Nov: still the 28th in the studio's Chicago.
    paid_at = dt.datetime(2026, 11, 29, 3, 30, tzinfo=dt.UTC)
    order = web_order(
        session=session,
        client=session.client,
        lines=[(prints["Print"], images[0], 2), (prints["Digital download"], images[1], 1)],
        tax=495,
        shipping=750,
        payments=[(8745, "pi_3Q7TestPayment", paid_at)],
        placed_at=paid_at,
        delivery=protocol.Delivery.SHIP,
        ship_to=protocol.Address(street="12 Elm St", city="Saint Paul", postal_code="55102"),
        note="Please use matte paper.",
    )
    invoice = invoice_from_web_order(order)

    assert invoice.web_order_number == "K7MQ-2XDA"
    assert invoice.status.name == WEB_ORDER_PLACED
    assert (invoice.client, invoice.session) == (session.client, session)
    assert invoice.date == dt.date(2026, 11, 28)
    assert (invoice.subtotal, invoice.tax, invoice.shipping, invoice.total) == (
        8500,
        495,
        750,
        9745,
    )
    lines = list(invoice.lines.order_by("position"))
    assert [(ln.product, ln.image, ln.quantity, ln.unit_price, ln.total) for ln in lines] == [
        (prints["Print"], images[0], 2, 2500, 5000),
        (prints["Digital download"], images[1], 1, 3500, 3500),
    ]
    assert lines[0].description == "Print 8×10 in"
    payment = invoice.payments.get()
    assert (payment.amount, payment.method, payment.online, payment.reference) == (
        8745,
        PaymentMethod.CARD_ONLINE,
        True,
        "pi_3Q7TestPayment",
    )
    assert payment.received_on == dt.date(2026, 11, 28)
    assert "ship to 12 Elm St, Saint Paul 55102" in invoice.notes
    assert "Please use matte paper." in invoice.notes


def test_the_same_order_twice_makes_nothing_more(
    prints: dict[str, Product], session: Session, images: list[Image]
) -> None:
    order = web_order(
        session=session,
        client=session.client,
        lines=[(prints["Print"], images[0], 1)],
        payments=[(2500, "pi_once", dt.datetime(2026, 11, 28, 18, 0, tzinfo=dt.UTC))],
    )
    first = invoice_from_web_order(order)
    again = invoice_from_web_order(order)
    assert again.pk == first.pk
    assert (Invoice.objects.count(), InvoiceLine.objects.count(), Payment.objects.count()) == (
        1,
        1,
        1,
    )


def test_an_order_that_comes_again_with_a_later_payment_gains_only_that_payment(
    prints: dict[str, Product], session: Session
) -> None:
    placed = dt.datetime(2026, 11, 28, 18, 0, tzinfo=dt.UTC)
    order = web_order(
        session=session,
        client=session.client,
        lines=[(prints["Print"], None, 2)],
        payments=[(2500, "pi_first", placed)],
    )
    invoice_from_web_order(order)
    later = web_order(
        session=session,
        client=session.client,
        lines=[(prints["Print"], None, 2)],
        payments=[(2500, "pi_first", placed), (2500, "pi_second", placed)],
    ).model_copy(update={"uuid": order.uuid, "number": order.number})
    assert invoices_from_web_orders([later, later]) == 0  # no second invoice
    invoice = Invoice.objects.get()
    assert sorted(invoice.payments.values_list("reference", flat=True)) == [
        "pi_first",
        "pi_second",
    ]
    assert InvoiceLine.objects.count() == 1


def test_a_guest_order_makes_a_client_and_their_next_order_finds_them(
    prints: dict[str, Product], session: Session
) -> None:
    account = uuid.uuid4()
    first = invoice_from_web_order(
        web_order(
            session=session,
            account=account,
            first_name="Grace",
            last_name="Hopper",
            email="",
            lines=[(prints["Print"], None, 1)],
            number="AAAA-2222",
        )
    )
    assert first.client != session.client
    assert (first.client.first_name, first.client.last_name) == ("Grace", "Hopper")
    second = invoice_from_web_order(
        web_order(
            session=session,
            account=account,
            first_name="Grace",
            last_name="Hopper",
            lines=[(prints["Print"], None, 1)],
            number="BBBB-3333",
        )
    )
    assert second.client == first.client
    assert Client.objects.filter(last_name="Hopper").count() == 1


def test_a_guest_is_found_by_their_guest_link_or_their_email(
    prints: dict[str, Product], session: Session
) -> None:
    linked = ClientFactory(email="")
    account = uuid.uuid4()
    GuestLink.objects.create(account_uuid=account, client=linked, session=session)
    by_link = invoice_from_web_order(
        web_order(session=session, account=account, lines=[(prints["Print"], None, 1)])
    )
    assert by_link.client == linked
    known = ClientFactory(email="Ada.Lovelace@example.com")
    by_email = invoice_from_web_order(
        web_order(
            session=session,
            email="ada.lovelace@EXAMPLE.com",
            lines=[(prints["Print"], None, 1)],
            number="CCCC-4444",
        )
    )
    assert by_email.client == known


def test_an_order_for_products_or_images_the_studio_no_longer_has_still_arrives(
    prints: dict[str, Product], session: Session, images: list[Image]
) -> None:
    order = web_order(
        session=session, client=session.client, lines=[(prints["Print"], images[2], 1)]
    )
    Product.objects.filter(pk=prints["Print"].pk).delete()
    Image.objects.filter(pk=images[2].pk).delete()
    line = invoice_from_web_order(order).lines.get()
    assert (line.product, line.image, line.description, line.total) == (
        None,
        None,
        "Print 8×10 in",
        2500,
    )


def _queries_for_one_order(prints: dict[str, Product], session: Session, lines: int) -> int:
    images = make_images(session, lines)
    order = web_order(
        session=session,
        client=session.client,
        number=f"Q{Invoice.objects.count():03d}-XYZW",
        lines=[(prints["Print"], image, 1) for image in images],
        payments=[
            (2500 * lines, f"pi_{uuid.uuid4().hex}", dt.datetime(2026, 11, 28, tzinfo=dt.UTC))
        ],
    )
    with CaptureQueriesContext(connection) as queries:
        invoice_from_web_order(order)
    return len(queries)


def test_queries_per_order_do_not_grow_with_invoices_or_lines(
    prints: dict[str, Product], session: Session
) -> None:
    first = _queries_for_one_order(prints, session, 1)
    for _ in range(30):
        invoice_create(client=session.client, session=session)
    after_many = _queries_for_one_order(prints, session, 1)
    with_many_lines = _queries_for_one_order(prints, session, 12)
    assert first == after_many == with_many_lines
    assert first <= 20


def test_the_desk_finds_a_downloaded_order_by_its_web_order_number(
    client: Browser, owner: object, prints: dict[str, Product], session: Session
) -> None:
    invoice = invoice_from_web_order(
        web_order(session=session, client=session.client, lines=[(prints["Print"], None, 1)])
    )
    client.force_login(owner)  # type: ignore[arg-type]
    hub = client.get("/desk/invoices/?web_order=K7MQ-2XDA").content.decode()
    assert f'href="/desk/invoices/{invoice.number}/"' in hub
    page = client.get(f"/desk/invoices/{invoice.number}/").content.decode()
    assert "Web Order Number <strong>K7MQ-2XDA</strong>" in page
