"""The store's test cast: a price list as the sync uploads it, a session selling from it,
and helpers to add to the cart and check out through the pages, as a client would."""

from __future__ import annotations

import re
import uuid

from django.test import Client

from proofroom.gallery.accounts import Account
from proofroom.gallery.catalog import PriceList
from proofroom.gallery.events import OnlineSession
from proofroom.gallery.publishing import pricelist_put
from proofroom.gallery.tenants import Studio, studio_ordering_update
from proofroom.sync import protocol
from proofroom.sync.protocol import ProductCategory
from tests.cast import JSON, Published, publish

PRINT_5X7 = uuid.UUID("00000000-0000-4000-8000-000000000507")
PRINT_8X10 = uuid.UUID("00000000-0000-4000-8000-000000000810")
CANVAS = uuid.UUID("00000000-0000-4000-8000-000000001620")
DOWNLOAD = uuid.UUID("00000000-0000-4000-8000-00000000d0d0")
PACKAGE = uuid.UUID("00000000-0000-4000-8000-0000000000a1")
NUMBER = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")  # Crockford, no I L O U


def price_list(studio: Studio, *, currency: str = "USD") -> PriceList:
    return pricelist_put(
        studio=studio,
        data=protocol.PriceList(
            uuid=uuid.uuid4(),
            name="Portrait collection",
            currency=currency,
            products=[
                protocol.Product(
                    uuid=PRINT_5X7,
                    name="Print",
                    category=ProductCategory.PRINT,
                    size="5×7 in",
                    price=1500,
                ),
                protocol.Product(
                    uuid=PRINT_8X10,
                    name="Print",
                    category=ProductCategory.PRINT,
                    size="8×10 in",
                    price=2500,
                ),
                protocol.Product(
                    uuid=CANVAS,
                    name="Gallery canvas",
                    category=ProductCategory.CANVAS,
                    size="16×20 in",
                    price=22500,
                ),
                protocol.Product(
                    uuid=DOWNLOAD,
                    name="Digital download",
                    category=ProductCategory.DIGITAL,
                    size="Full resolution",
                    price=3500,
                ),
                protocol.Product(
                    uuid=PACKAGE,
                    name="Family package",
                    category=ProductCategory.PACKAGE,
                    price=9900,
                    items=[
                        protocol.PackageItem(product=PRINT_8X10, quantity=1),
                        protocol.PackageItem(product=PRINT_5X7, quantity=2),
                    ],
                ),
            ],
        ),
    )


def selling(published: Published, prices: PriceList) -> Published:
    """The published session, now with a price list (as a re-upload with one would do)."""
    OnlineSession.objects.filter(pk=published.session.pk).update(price_list=prices)
    published.session.refresh_from_db()
    return published


def shop_session(studio: Studio, account: Account, **kwargs: object) -> Published:
    return selling(publish(studio, account, images=6, **kwargs), price_list(studio))  # type: ignore[arg-type]


def terms(
    studio: Studio,
    *,
    tax_rate: int = 0,
    shipping_fee: int = 0,
    offer_shipping: bool = True,
    offer_pickup: bool = True,
) -> Studio:
    return studio_ordering_update(
        studio=studio,
        tax_rate=tax_rate,
        tax_label="Sales tax",
        shipping_fee=shipping_fee,
        offer_shipping=offer_shipping,
        offer_pickup=offer_pickup,
    )


def add_url(published: Published, slug: str = "northlight") -> str:
    return f"/s/{slug}/e/{published.session.uuid}/cart/add/"


def checkout_url(published: Published, slug: str = "northlight") -> str:
    return f"/s/{slug}/e/{published.session.uuid}/checkout/"


def add(
    client: Client,
    published: Published,
    *,
    image: int = 0,
    product: uuid.UUID = PRINT_8X10,
    quantity: int = 1,
    **extra: str,
):  # type: ignore[no-untyped-def]
    data = {
        "product": str(product),
        "image": str(published.images[image].uuid),
        "quantity": str(quantity),
        **extra,
    }
    return client.post(add_url(published), data, headers=JSON)


PICKUP = {"delivery": "pickup", "note": ""}
SHIP = {
    "delivery": "ship",
    "street": "12 Harbour Road",
    "city": "Portland",
    "region": "ME",
    "postal_code": "04101",
    "country": "United States",
    "note": "Gift wrap, please",
}
