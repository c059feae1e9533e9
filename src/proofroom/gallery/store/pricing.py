"""Pricing a cart: each line at its product's catalog price, tax on the goods, shipping when
shipped; ``cart_price`` is the one truth of what a cart costs, shown and ordered."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from proofroom.gallery.catalog import Product
from proofroom.gallery.store.carts import Cart, CartLine, product_label
from proofroom.gallery.tenants import Studio
from proofroom.sync.protocol import Delivery, ProductCategory

# --------------------------------------------------------------------------- pricing


@dataclass(frozen=True)
class PricedLine:
    line: CartLine
    product: Product | None
    unit_price: int
    total: int
    problem: str = ""

    @property
    def label(self) -> str:
        return product_label(self.product) if self.product else self.line.product_name

    @property
    def category(self) -> str:
        return self.product.category if self.product else ProductCategory.OTHER


@dataclass(frozen=True)
class CartPrice:
    """A cart priced from the catalog and the studio's terms, in minor units."""

    currency: str
    lines: list[PricedLine]
    subtotal: int
    tax: int
    tax_label: str
    tax_rate: int
    delivery: Delivery
    deliveries: list[Delivery]
    shipping: int
    shipping_fee: int
    total: int

    @property
    def count(self) -> int:
        return sum(p.line.quantity for p in self.lines)

    @property
    def problems(self) -> list[str]:
        return [p.problem for p in self.lines if p.problem]

    @property
    def tax_percent(self) -> str:
        return f"{self.tax_rate / 100:g} %"


def tax_on(subtotal: int, rate: int) -> int:
    """``rate`` basis points of ``subtotal``, rounded half up."""
    return (subtotal * rate + 5_000) // 10_000


def deliveries_offered(studio: Studio) -> list[Delivery]:
    offered = [Delivery.SHIP] if studio.offer_shipping else []
    if studio.offer_pickup or not offered:
        offered.append(Delivery.PICKUP)
    return offered


def cart_currency(cart: Cart) -> str:
    price_list = cart.session.price_list
    return price_list.currency if price_list is not None else cart.studio.currency


def cart_price(cart: Cart, delivery: str = "") -> CartPrice:
    """The cart as it would be ordered now with ``delivery`` (the first one offered when
    that one is not): each line at its product's catalog price, tax on the goods,
    shipping when shipped. A cart of digital products only is not delivered."""
    studio, session = cart.studio, cart.session
    lines = list(cart.lines.select_related("image").order_by("added_at", "pk"))
    products: dict[uuid.UUID, Product] = {}
    if session.price_list_id is not None and lines:
        products = {
            p.uuid: p
            for p in Product.objects.filter(
                price_list_id=session.price_list_id, uuid__in=[line.product_uuid for line in lines]
            )
        }
    priced = []
    for line in lines:
        product = products.get(line.product_uuid)
        if product is None:
            problem = f"{line.product_name} is no longer offered: remove it to order the rest."
            priced.append(
                PricedLine(line=line, product=None, unit_price=0, total=0, problem=problem)
            )
            continue
        total = product.price * line.quantity
        priced.append(PricedLine(line=line, product=product, unit_price=product.price, total=total))
    physical = any(p.product and p.product.category != ProductCategory.DIGITAL for p in priced)
    offered = deliveries_offered(studio) if physical else [Delivery.NONE]
    chosen = next((d for d in offered if d.value == delivery), offered[0])
    subtotal = sum(p.total for p in priced)
    tax = tax_on(subtotal, studio.tax_rate)
    shipping = studio.shipping_fee if chosen == Delivery.SHIP else 0
    return CartPrice(
        currency=cart_currency(cart),
        lines=priced,
        subtotal=subtotal,
        tax=tax,
        tax_label=studio.tax_label,
        tax_rate=studio.tax_rate,
        delivery=chosen,
        deliveries=offered,
        shipping=shipping,
        shipping_fee=studio.shipping_fee,
        total=subtotal + tax + shipping,
    )
