"""Only staff whose security group allows it may edit a downloaded web-order invoice."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.test import Client as Browser

from proofroom.studio.invoices.editing import WEB_ORDER_NOTICE
from proofroom.studio.invoices.models import Invoice, InvoiceStatus
from proofroom.studio.invoices.services import invoice_create, invoice_update
from proofroom.studio.invoices.web_orders import invoice_from_web_order
from proofroom.studio.pricelists import Product
from proofroom.studio.setup import OWNER_GROUP
from proofroom.studio.studios import Studio
from tests.cast import PASSWORD
from tests.factories import ClientFactory, make_price_list, make_session, web_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def print_8x10(studio: Studio) -> Product:
    make_price_list()
    return Product.objects.get(name="Print")


@pytest.fixture
def web_invoice(print_8x10: Product) -> Invoice:
    session = make_session()
    return invoice_from_web_order(
        web_order(session=session, client=session.client, lines=[(print_8x10, None, 2)])
    )


def _as(client: Browser, user: User) -> Browser:
    client.force_login(user)
    return client


def _snapshot(invoice: Invoice) -> tuple[object, ...]:
    invoice.refresh_from_db()
    lines = tuple(invoice.lines.values_list("description", "quantity", "total"))
    return (invoice.status_id, invoice.notes, invoice.shipping, invoice.total, lines)


def test_the_assistant_is_refused_editing_a_web_order_and_nothing_changes(
    client: Browser, assistant: User, web_invoice: Invoice, print_8x10: Product
) -> None:
    desk = _as(client, assistant)
    before = _snapshot(web_invoice)
    line = web_invoice.lines.get()
    url = f"/desk/invoices/{web_invoice.number}"
    ready = InvoiceStatus.objects.get(name="Ready")
    attempts = [
        (f"{url}/lines/add/", {"product": print_8x10.pk, "quantity": 5}),
        (f"{url}/lines/{line.pk}/remove/", {}),
        (
            f"{url}/other/",
            {"status": ready.pk, "date": "2026-11-28", "shipping": "99.00", "notes": "changed"},
        ),
    ]
    for path, form in attempts:
        response = client.post(path, form)
        assert response.status_code == 403
        assert "does not allow editing web-order invoices" in response.content.decode()
    assert _snapshot(web_invoice) == before
    page = desk.get(f"{url}/").content.decode()
    assert WEB_ORDER_NOTICE in page.replace("&#x27;", "'")
    assert "you can look, and record payments" in page


def test_the_owner_may_edit_a_web_order(
    client: Browser, owner: User, web_invoice: Invoice, print_8x10: Product
) -> None:
    desk = _as(client, owner)
    ready = InvoiceStatus.objects.get(name="Ready")
    response = desk.post(
        f"/desk/invoices/{web_invoice.number}/other/",
        {"status": ready.pk, "date": "2026-11-28", "shipping": "0", "notes": "Called the client."},
    )
    assert response.status_code == 302
    web_invoice.refresh_from_db()
    assert (web_invoice.status, web_invoice.notes) == (ready, "Called the client.")
    page = desk.get(f"/desk/invoices/{web_invoice.number}/").content.decode()
    assert WEB_ORDER_NOTICE in page.replace("&#x27;", "'")
    assert "you can look" not in page


def test_the_owner_group_grants_it_without_being_superuser(
    web_invoice: Invoice, owner: User
) -> None:
    manager = User.objects.create_user(username="carol", password=PASSWORD, is_staff=True)
    manager.groups.add(Group.objects.get(name=OWNER_GROUP))
    invoice_update(invoice=web_invoice, actor=manager, notes="Checked by Carol.")
    web_invoice.refresh_from_db()
    assert web_invoice.notes == "Checked by Carol."


def test_the_assistant_edits_ordinary_invoices_and_records_web_order_payments(
    client: Browser, assistant: User, web_invoice: Invoice, print_8x10: Product
) -> None:
    desk = _as(client, assistant)
    own = invoice_create(client=ClientFactory())
    desk.post(f"/desk/invoices/{own.number}/lines/add/", {"product": print_8x10.pk, "quantity": 1})
    assert own.lines.count() == 1
    with pytest.raises(PermissionDenied):
        invoice_update(invoice=web_invoice, actor=assistant, notes="sneaky")
    desk.post(
        f"/desk/invoices/{web_invoice.number}/payments/",
        {"amount": "50.00", "method": "card", "received_on": "2026-11-28"},
    )
    assert web_invoice.payments.get().amount == 5000
