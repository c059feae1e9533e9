"""Placing an order: the priced cart copied into an Order with a confirmation number, the
cart emptied, and the studio told through the change feed.

With the manual gateway (no merchant account) the order is placed unpaid at once; with a
card gateway it awaits payment (see ``store.checkout``).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping

from django.db import IntegrityError
from django.utils import timezone

from proofroom.gallery.db import atomic
from proofroom.gallery.feed import change_emit
from proofroom.gallery.store.carts import Cart, OrderRefused, refuse_closed
from proofroom.gallery.store.confirmation import order_mails_queue
from proofroom.gallery.store.models import Order, OrderLine, OrderStatus
from proofroom.gallery.store.packages import package_slots
from proofroom.gallery.store.pricing import CartPrice, PricedLine, cart_price
from proofroom.payments.base import PaymentGateway
from proofroom.sync import protocol
from proofroom.sync.protocol import Delivery, ProductCategory

log = logging.getLogger(__name__)


def _new_number() -> str:
    alphabet, symbols = protocol.CONFIRMATION_ALPHABET, protocol.CONFIRMATION_SYMBOLS
    return "".join(secrets.choice(alphabet) for _ in range(symbols))


def _save_with_number(order: Order, attempts: int = 10) -> None:
    """Save a new order under a fresh confirmation number, another one on a collision."""
    for attempt in range(attempts):
        order.number = protocol.confirmation_normalize(_new_number())
        try:
            with atomic():
                order.save()
        except IntegrityError:
            if attempt == attempts - 1:
                raise
            log.info("confirmation number %s taken; drawing another", order.number)
        else:
            return


def _address(address: Mapping[str, str] | None) -> dict[str, str]:
    fields = protocol.Address.model_fields
    return {name: str((address or {}).get(name, "")).strip() for name in fields}


def order_change(order: Order) -> protocol.OrderChange:
    """The order as the studio downloads it."""
    assert order.placed_at is not None
    ship_to = protocol.Address(**order.ship_to) if order.delivery == Delivery.SHIP else None
    return protocol.OrderChange(
        uuid=order.uuid,
        number=order.display_number,
        session=order.session_uuid,
        account=order.account_uuid,
        client=order.client_uuid,
        first_name=order.first_name,
        last_name=order.last_name,
        email=order.email,
        phone=order.phone,
        placed_at=order.placed_at,
        currency=order.currency,
        lines=[
            protocol.OrderLine(
                uuid=line.uuid,
                product=line.product_uuid,
                name=line.name,
                size=line.size,
                category=line.category,
                image=line.image_uuid,
                image_file_name=line.image_file_name,
                quantity=line.quantity,
                unit_price=line.unit_price,
                total=line.total,
                picks=[protocol.PackagePick.model_validate(pick) for pick in line.picks],
            )
            for line in order.lines.all()
        ],
        subtotal=order.subtotal,
        tax=order.tax,
        shipping=order.shipping,
        total=order.total,
        delivery=Delivery(order.delivery),
        ship_to=ship_to,
        note=order.note,
        payments=[
            protocol.OrderPayment(
                uuid=payment.uuid,
                gateway=payment.gateway,
                reference=payment.reference,
                amount=payment.amount,
                currency=payment.currency,
                paid_at=payment.paid_at,
            )
            for payment in order.payments.order_by("paid_at", "pk")
        ],
    )


def order_tell_studio(order: Order) -> None:
    """Write the ORDER change (inside the transaction that placed or paid the order)."""
    change = change_emit(
        studio_id=order.studio_id,
        kind=protocol.ChangeKind.ORDER,
        payload=order_change(order).model_dump(mode="json"),
    )
    order.change_id = change.seq
    order.save(update_fields=["change_id"])


def order_mark_placed(order: Order) -> None:
    order.status, order.placed_at = OrderStatus.PLACED, timezone.now()
    order.save(update_fields=["status", "placed_at"])
    order_tell_studio(order)
    order_mails_queue(order)


def _check_delivery(price: CartPrice, delivery: str, address: dict[str, str]) -> None:
    if price.delivery == Delivery.NONE:
        return
    if delivery not in price.deliveries:
        offered = " or ".join(
            "shipping" if d == Delivery.SHIP else "pick-up" for d in price.deliveries
        )
        raise OrderRefused(f"Choose how to receive your order: {offered}.")
    if delivery == Delivery.SHIP:
        wanted = ["street", "city", "postal_code", "country"]
        if any(not address[name] for name in wanted):
            raise OrderRefused(
                "Enter the address to ship to: street, city, postal code and country."
            )


def _order_picks(priced: PricedLine) -> list[dict[str, str]]:
    """A package line's pieces as the order keeps them (nothing for other products)."""
    if priced.product is None or priced.product.category != ProductCategory.PACKAGE:
        return []
    return [
        {
            "product": str(slot.product_uuid),
            "name": slot.name,
            "size": slot.size,
            "image": str(slot.image.uuid),
            "image_file_name": slot.image.file_name,
        }
        for slot in package_slots(priced.line, priced.product)
    ]


@atomic
def order_place(
    *, cart: Cart, delivery: str, address: Mapping[str, str] | None = None, note: str = ""
) -> Order:
    """Order what the cart holds, priced again from the catalog, and empty the cart.

    A cart that just became an order gives that order back (a second click, another
    tab). Refused, with the reason, for an empty cart, an expired gallery, or a product
    no longer offered. With the manual gateway the order is placed at once and the
    studio told; with a card gateway it awaits payment (see ``order_checkout_start``).
    """
    # Lock the bare row first, then read it with its relations. A join taken with the lock
    # (SELECT … FOR UPDATE OF cart) shows, to a tab that waited for it, the cart as the
    # tab holding the lock left it but its order as it was before: none, and "empty".
    Cart.objects.select_for_update().filter(pk=cart.pk).values_list("pk").get()
    cart = Cart.objects.select_related(
        "studio", "account", "session__price_list", "placed_order"
    ).get(pk=cart.pk)
    session, account, studio = cart.session, cart.account, cart.studio
    session.studio = studio
    price = cart_price(cart, delivery)
    if not price.lines:
        if cart.placed_order is not None:
            return cart.placed_order
        raise OrderRefused("Your cart is empty.")
    refuse_closed(session)
    if price.problems:
        raise OrderRefused(" ".join(price.problems))
    ship_to = _address(address)
    _check_delivery(price, delivery, ship_to)
    card = studio.payment_gateway != PaymentGateway.MANUAL
    order = Order(
        studio=studio,
        account=account,
        account_uuid=account.uuid,
        client_uuid=account.client_uuid,
        first_name=account.first_name,
        last_name=account.last_name,
        email=account.email,
        phone=account.phone,
        session=session,
        session_uuid=session.uuid,
        session_title=session.title,
        currency=price.currency,
        subtotal=price.subtotal,
        tax=price.tax,
        tax_label=price.tax_label,
        tax_rate=price.tax_rate,
        shipping=price.shipping,
        total=price.total,
        delivery=price.delivery.value,
        ship_to=ship_to if price.delivery == Delivery.SHIP else {},
        note=note.strip()[:2000],
        status=OrderStatus.AWAITING_PAYMENT if card else OrderStatus.PLACED,
        gateway=studio.payment_gateway,
    )
    _save_with_number(order)
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            position=position,
            product_uuid=p.line.product_uuid,
            name=p.product.name,
            size=p.product.size,
            category=p.product.category,
            image=p.line.image,
            image_uuid=p.line.image.uuid,
            image_file_name=p.line.image.file_name,
            quantity=p.line.quantity,
            unit_price=p.unit_price,
            total=p.total,
            picks=_order_picks(p),
        )
        for position, p in enumerate(price.lines)
        if p.product is not None
    )
    cart.lines.all().delete()
    cart.placed_order = order
    cart.save(update_fields=["placed_order", "updated_at"])
    if not card:
        order_mark_placed(order)
    return order
