"""Money on the desk's pages (Issue 12, money): an invoice, its payments and a price list
show and take amounts in the currency's own digits — ¥1,500 and ISK 1,500 without
decimals, BHD 12.345 with three, EUR written the German way for a German studio — and a
typed amount with more digits than the currency has is rounded half up."""

from __future__ import annotations

import pytest
from django.test import Client as Browser

from proofroom.studio.invoices.models import Invoice, Payment
from proofroom.studio.invoices.services import invoice_create, invoice_line_add
from proofroom.studio.pricelists import PriceList, Product, ProductCategory
from proofroom.studio.studios import Studio
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


def invoice_in(studio: Studio, currency: str, price: int) -> Invoice:
    """An invoice of one product at ``price`` minor units, in a studio keeping ``currency``."""
    studio.currency = currency
    studio.save()
    prices = PriceList.objects.create(name=f"{currency} prices", currency=currency)
    product = Product.objects.create(
        price_list=prices, name="Print", category=ProductCategory.PRINT, size="8×10", price=price
    )
    invoice = invoice_create(client=ClientFactory())
    invoice_line_add(invoice=invoice, actor=None, product=product)
    invoice.refresh_from_db()
    return invoice


def pay(desk: Browser, invoice: Invoice, amount: str) -> str:
    answer = desk.post(
        f"/desk/invoices/{invoice.number}/payments/",
        {"amount": amount, "method": "cash", "received_on": "2026-12-01", "reference": ""},
        follow=True,
    )
    assert answer.status_code == 200
    return answer.content.decode()


def test_a_yen_invoice_has_no_decimals_on_its_pages_or_its_payments(
    desk: Browser, studio: Studio
) -> None:
    """Issue 12, money: JPY was shown as '1,500 JPY' by a hand-written format."""
    invoice = invoice_in(studio, "JPY", 1500)
    page = desk.get(f"/desk/invoices/{invoice.number}/").content.decode()
    assert '<dt class="grand">Total</dt><dd class="grand">¥1,500</dd>' in page
    form = desk.get(f"/desk/invoices/{invoice.number}/payments/").content.decode()
    assert 'value="1500"' in form  # the balance, as it is typed back
    page = pay(desk, invoice, "¥1,500")
    assert "Recorded ¥1,500 (Cash)." in page
    assert Payment.objects.get().amount == 1500


def test_a_bahraini_invoice_takes_and_shows_three_decimals(desk: Browser, studio: Studio) -> None:
    """Issue 12, money: BHD has three decimals; the payment form took two at most."""
    invoice = invoice_in(studio, "BHD", 12345)
    page = desk.get(f"/desk/invoices/{invoice.number}/").content.decode()
    assert f'<dd class="grand">BHD{NBSP}12.345</dd>' in page
    form = desk.get(f"/desk/invoices/{invoice.number}/payments/").content.decode()
    assert 'value="12.345"' in form
    page = pay(desk, invoice, "12.345")
    assert f"Recorded BHD{NBSP}12.345 (Cash)." in page
    assert Payment.objects.get().amount == 12345


def test_an_icelandic_price_is_typed_and_shown_in_whole_kronur(
    desk: Browser, studio: Studio
) -> None:
    """Issue 12, money: a price typed as 1500 ISK was stored as 150000 (price times 100)."""
    studio.currency = "ISK"
    studio.save()
    prices = PriceList.objects.create(name="Verðskrá", currency="ISK")
    answer = desk.post(
        f"/desk/price-lists/{prices.pk}/",
        {"name": "Print", "category": ProductCategory.PRINT, "size": "13×18", "price": "1500"},
        follow=True,
    )
    assert Product.objects.get().price == 1500
    assert f"ISK{NBSP}1,500" in answer.content.decode()
    invoice = invoice_in(studio, "ISK", 1500)
    page = desk.get(f"/desk/invoices/{invoice.number}/").content.decode()
    assert f'<dd class="grand">ISK{NBSP}1,500</dd>' in page


def test_a_dollar_payment_with_a_third_decimal_is_rounded_half_up(
    desk: Browser, studio: Studio
) -> None:
    """Issue 12, money: amounts typed on the desk are rounded half up to the currency."""
    invoice = invoice_in(studio, "USD", 2500)
    page = desk.get(f"/desk/invoices/{invoice.number}/").content.decode()
    assert '<dd class="grand">$25.00</dd>' in page
    page = pay(desk, invoice, "10.005")
    assert "Recorded $10.01 (Cash)." in page
    assert Payment.objects.get().amount == 1001


def test_a_german_studio_reads_and_types_euros_the_german_way(
    desk: Browser, studio: Studio, settings
) -> None:  # type: ignore[no-untyped-def]
    """Issue 12, money: EUR in a German locale is 1.250,50 €, and 1.250,50 is typed so."""
    settings.LANGUAGE_CODE = "de"
    invoice = invoice_in(studio, "EUR", 250000)
    page = desk.get(f"/desk/invoices/{invoice.number}/").content.decode()
    assert f'<dd class="grand">2.500,00{NBSP}€</dd>' in page
    page = pay(desk, invoice, "1.250,50")
    assert f"Recorded 1.250,50{NBSP}€" in page
    assert Payment.objects.get().amount == 125050


def test_an_amount_that_is_not_one_is_a_clear_error_not_a_500(
    desk: Browser, studio: Studio
) -> None:
    invoice = invoice_in(studio, "USD", 2500)
    page = pay(desk, invoice, "ten dollars")
    assert "&#x27;ten dollars&#x27; is not an amount of USD." in page
    page = pay(desk, invoice, "-5")
    assert "Enter at least $0.01." in page
    assert not Payment.objects.exists()
