"""Invoices on the desk: numbers, lines and totals, payments, the Invoices hub and statuses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext

from proofroom.studio.invoices.models import Invoice, InvoiceStatus, PaymentMethod
from proofroom.studio.invoices.selectors import invoice_balance
from proofroom.studio.invoices.services import (
    invoice_create,
    invoice_line_add,
    invoice_line_remove,
    invoice_line_update,
    invoice_set_status,
    payment_add,
)
from proofroom.studio.invoices.statuses import WEB_ORDER_PLACED
from proofroom.studio.invoices.web_orders import invoice_from_web_order
from proofroom.studio.pricelists import Product
from proofroom.studio.studios import Studio
from tests.factories import ClientFactory, make_images, make_price_list, make_session, web_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def prints(studio: Studio) -> dict[str, Product]:
    make_price_list()
    return {p.name: p for p in Product.objects.all()}


def test_invoice_numbers_run_from_one_in_order(studio: Studio) -> None:
    client = ClientFactory()
    numbers = [invoice_create(client=client).number for _ in range(3)]
    assert numbers == [1, 2, 3]
    assert Invoice.objects.get(number=1).status.name == "Open"


def test_totals_add_lines_tax_half_up_and_shipping(
    studio: Studio, prints: dict[str, Product]
) -> None:
    studio.tax_rate = 825  # 8.25 %
    studio.save()
    invoice = invoice_create(client=ClientFactory())
    line = invoice_line_add(invoice=invoice, actor=None, product=prints["Print"], quantity=3)
    invoice.refresh_from_db()
    # 3 x $25.00 = $75.00; 8.25 % of it is $6.1875, which rounds to $6.19.
    assert (invoice.subtotal, invoice.tax, invoice.total) == (7500, 619, 8119)
    invoice_line_update(line=line, actor=None, quantity=1, unit_price=1000)
    invoice.refresh_from_db()
    # $10.00 at 8.25 % is $0.825: half up gives $0.83.
    assert (invoice.subtotal, invoice.tax, invoice.total) == (1000, 83, 1083)
    payment_add(invoice=invoice, amount=500, method=PaymentMethod.CASH)
    assert invoice_balance(invoice) == 583
    invoice_line_remove(line=line, actor=None)
    invoice.refresh_from_db()
    assert (invoice.subtotal, invoice.tax, invoice.total) == (0, 0, 0)


def test_a_later_change_of_the_studio_rate_leaves_old_invoices_alone(
    studio: Studio, prints: dict[str, Product]
) -> None:
    invoice = invoice_create(client=ClientFactory())
    studio.tax_rate = 1000
    studio.save()
    invoice_line_add(invoice=invoice, actor=None, product=prints["Print"])
    invoice.refresh_from_db()
    assert invoice.tax == 0
    assert invoice_create(client=ClientFactory()).tax_rate == 1000


def test_a_payment_must_be_more_than_zero(studio: Studio) -> None:
    invoice = invoice_create(client=ClientFactory())
    with pytest.raises(ValidationError):
        payment_add(invoice=invoice, amount=0, method=PaymentMethod.CASH)


def test_a_line_image_must_be_of_the_invoice_session(
    desk: Browser, prints: dict[str, Product]
) -> None:
    session = make_session()
    own = make_images(session, 1)[0]
    stranger = make_images(make_session(), 1)[0]
    invoice = invoice_create(client=session.client, session=session)
    refused = desk.post(
        f"/desk/invoices/{invoice.number}/lines/add/",
        {"product": prints["Print"].pk, "image": stranger.pk, "quantity": 1},
    )
    assert refused.status_code == 200
    assert not invoice.lines.exists()
    page = desk.post(
        f"/desk/invoices/{invoice.number}/lines/add/",
        {"product": prints["Print"].pk, "image": own.pk, "quantity": 2},
        follow=True,
    ).content.decode()
    line = invoice.lines.get()
    assert (line.image, line.quantity, line.total) == (own, 2, 5000)
    assert "Print 8×10 in" in page and own.file_name in page and "$50.00" in page
    desk.post(f"/desk/invoices/{invoice.number}/lines/{line.pk}/remove/")
    assert not invoice.lines.exists()


def test_new_invoice_from_a_session_takes_its_client(desk: Browser, studio: Studio) -> None:
    session = make_session()
    response = desk.post(
        "/desk/invoices/new/", {"session": session.pk, "date": "2026-11-30"}, follow=True
    )
    invoice = Invoice.objects.get()
    assert (invoice.client, invoice.session, invoice.date) == (
        session.client,
        session,
        dt.date(2026, 11, 30),
    )
    assert f"Invoice {invoice.number}" in response.content.decode()


def test_recording_a_payment_on_the_payments_tab(desk: Browser, prints: dict[str, Product]) -> None:
    invoice = invoice_create(client=ClientFactory())
    invoice_line_add(invoice=invoice, actor=None, product=prints["Gallery canvas"])
    page = desk.get(f"/desk/invoices/{invoice.number}/payments/").content.decode()
    assert 'value="225.00"' in page  # the balance is offered as the amount
    desk.post(
        f"/desk/invoices/{invoice.number}/payments/",
        {"amount": "100.50", "method": "check", "received_on": "2026-11-28", "reference": "1042"},
    )
    payment = invoice.payments.get()
    assert (payment.amount, payment.method, payment.reference, payment.online) == (
        10050,
        "check",
        "1042",
        False,
    )
    assert invoice_balance(invoice) == 22500 - 10050


def _placed(prints: dict[str, Product], number: str, client_name: str) -> Invoice:
    session = make_session(client=ClientFactory(last_name=client_name))
    return invoice_from_web_order(
        web_order(
            session=session,
            client=session.client,
            number=number,
            lines=[(prints["Print"], None, 1)],
        )
    )


def test_hub_finds_invoices_by_status_client_date_and_web_order_number(
    desk: Browser, studio: Studio, prints: dict[str, Product]
) -> None:
    web = _placed(prints, "K7MQ-2XDA", "Okafor")
    other_web = _placed(prints, "PQRS-3456", "Lindqvist")
    desk_made = invoice_create(client=ClientFactory(last_name="Nakamura"), date=dt.date(2026, 1, 5))
    placed = InvoiceStatus.objects.get(name=WEB_ORDER_PLACED)

    def numbers(query: str) -> set[int]:
        page = desk.get("/desk/invoices/" + query).context["page"]
        return {invoice.number for invoice in page.object_list}

    assert numbers("") == {web.number, other_web.number, desk_made.number}
    assert numbers(f"?status={placed.pk}") == {web.number, other_web.number}
    assert numbers("?q=okafor") == {web.number}
    assert numbers(f"?q=%23{desk_made.number}") == {desk_made.number}
    assert numbers("?date_from=2026-01-01&date_to=2026-01-31") == {desk_made.number}
    assert numbers("?web_order=k7mq2xda") == {web.number}
    assert numbers("?web_order=K7MQ-2XDA&q=Lindqvist") == set()
    body = desk.get(f"/desk/invoices/?status={placed.pk}").content.decode()
    assert "K7MQ-2XDA" in body and "PQRS-3456" in body and "Nakamura" not in body
    assert f'<option value="{placed.pk}" selected>{WEB_ORDER_PLACED}</option>' in body


def test_hub_counts_invoices_per_status(desk: Browser, prints: dict[str, Product]) -> None:
    _placed(prints, "K7MQ-2XDA", "Okafor")
    invoice_create(client=ClientFactory())
    invoice_create(client=ClientFactory())
    counts = {s.name: s.invoice_count for s in desk.get("/desk/invoices/").context["statuses"]}
    assert counts == {
        "Open": 2,
        WEB_ORDER_PLACED: 1,
        "In Production": 0,
        "Ready": 0,
        "Completed": 0,
    }


def _hub_queries(desk: Browser) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = desk.get("/desk/invoices/?q=a")
    assert response.status_code == 200
    return len(queries)


def test_hub_queries_stay_flat_as_invoices_grow(desk: Browser, prints: dict[str, Product]) -> None:
    def grow(to: int) -> None:
        while Invoice.objects.count() < to:
            invoice = invoice_create(client=ClientFactory(last_name="Rivera"))
            invoice_line_add(invoice=invoice, actor=None, product=prints["Print"])
            payment_add(invoice=invoice, amount=100, method=PaymentMethod.CASH)

    grow(5)
    few = _hub_queries(desk)
    grow(50)
    many = _hub_queries(desk)
    assert many == few
    assert len(desk.get("/desk/invoices/").context["page"].object_list) == 50


def test_status_change_and_statuses_maintenance(desk: Browser, studio: Studio) -> None:
    desk.post("/desk/invoices/statuses/add/", {"name": "Waiting for lab"})
    added = InvoiceStatus.objects.get(name="Waiting for lab")
    desk.post(
        f"/desk/invoices/statuses/{added.pk}/rename/", {"name": "At the lab", "is_closed": ""}
    )
    added.refresh_from_db()
    assert added.name == "At the lab"
    invoice = invoice_create(client=ClientFactory())
    invoice_set_status(invoice=invoice, status=added, actor=None)
    page = desk.get("/desk/invoices/statuses/").content.decode()
    assert "At the lab" in page
    clash = desk.post(
        "/desk/invoices/statuses/add/", {"name": "Ready"}, follow=True
    ).content.decode()
    assert "already exists" in clash
    assert InvoiceStatus.objects.filter(name="Ready").count() == 1


def test_client_record_lists_their_invoices(desk: Browser, prints: dict[str, Product]) -> None:
    web = _placed(prints, "K7MQ-2XDA", "Okafor")
    someone_else = invoice_create(client=ClientFactory())
    response = desk.get(f"/desk/clients/{web.client.pk}/")
    page = response.content.decode()
    assert f'href="/desk/invoices/{web.number}/"' in page
    assert "K7MQ-2XDA" in page
    assert f'href="/desk/invoices/{someone_else.number}/"' not in page
