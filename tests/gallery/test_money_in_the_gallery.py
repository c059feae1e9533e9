"""Money on the gallery's pages (Issue 12, money): the cart, the checkout and the order
show amounts in the currency's own digits, from the same module the desk uses."""

from __future__ import annotations

import pytest
from django.test import Client

from proofroom.gallery.accounts import Account
from proofroom.gallery.store.models import Order
from proofroom.gallery.tenants import Studio
from tests.cast import publish, sign_in
from tests.gallery.shop import PICKUP, PRINT_5X7, add, checkout_url, price_list, selling, terms

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("currency", "language", "each", "tax", "total"),
    [
        ("USD", "en", "$15.00", "$1.50", "$16.50"),
        ("EUR", "de", f"15,00{NBSP}€", f"1,50{NBSP}€", f"16,50{NBSP}€"),
        ("JPY", "en", "¥1,500", "¥150", "¥1,650"),
        ("ISK", "en", f"ISK{NBSP}1,500", f"ISK{NBSP}150", f"ISK{NBSP}1,650"),
        ("BHD", "en", f"BHD{NBSP}1.500", f"BHD{NBSP}0.150", f"BHD{NBSP}1.650"),
    ],
)
def test_the_cart_and_the_order_show_the_currencys_digits(
    client: Client,
    gallery_studio: Studio,
    ada: Account,
    settings,  # type: ignore[no-untyped-def]
    currency: str,
    language: str,
    each: str,
    tax: str,
    total: str,
) -> None:
    """Issue 12, money: a print of 1500 minor units at 10 % tax reads ¥1,500 (not
    '1,500 JPY'), ISK 1,500 (not '15.00 ISK'), BHD 1.500 (not '15.00 BHD'), and euros the
    German way for a German site."""
    settings.LANGUAGE_CODE = language
    gallery_studio.currency = currency
    gallery_studio.save()
    terms(gallery_studio, tax_rate=1000)
    shop = selling(
        publish(gallery_studio, ada, images=2), price_list(gallery_studio, currency=currency)
    )
    sign_in(client, ada)
    add(client, shop, image=0, product=PRINT_5X7)

    cart = client.get("/s/northlight/cart/").content.decode()
    assert f"{each} each" in cart
    assert f"<dd>{tax}</dd>" in cart
    assert f"<dt>Total</dt><dd>{total}</dd>" in cart

    client.post(checkout_url(shop), PICKUP)
    order = Order.objects.get()
    assert (order.currency, order.subtotal, order.tax, order.total) == (currency, 1500, 150, 1650)
    page = client.get(f"/s/northlight/orders/{order.display_number}/").content.decode()
    assert f"<dt>Total</dt><dd>{total}</dd>" in page
    history = client.get("/s/northlight/orders/").content.decode()
    assert total in history
