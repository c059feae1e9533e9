"""Checkout: the cart becomes one order with a confirmation number, priced again from the
catalog; the cart is emptied; the studio hears of it once (with the manual gateway, at
once and unpaid); a second click or a second tab makes no second order."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from proofroom.gallery.accounts import Account
from proofroom.gallery.events import OnlineSession
from proofroom.gallery.feed import Change
from proofroom.gallery.publishing import pricelist_put
from proofroom.gallery.store import orders as orders_module
from proofroom.gallery.store.carts import Cart, CartLine, OrderRefused, cart_for
from proofroom.gallery.store.models import Order, OrderStatus
from proofroom.gallery.store.orders import order_place
from proofroom.gallery.tenants import Studio
from proofroom.sync import protocol
from proofroom.sync.protocol import ChangeKind, Delivery
from tests.cast import make_client, sign_in, today
from tests.gallery.shop import (
    CANVAS,
    NUMBER,
    PICKUP,
    PRINT_5X7,
    PRINT_8X10,
    SHIP,
    add,
    checkout_url,
    terms,
)

pytestmark = pytest.mark.django_db


def order_changes() -> list[Change]:
    return list(Change.objects.filter(kind=ChangeKind.ORDER).order_by("id"))


def test_checkout_places_an_order_empties_the_cart_and_tells_the_studio_once(
    shopper: Client, ada: Account, gallery_studio: Studio, shop
) -> None:  # type: ignore[no-untyped-def]
    terms(gallery_studio, tax_rate=825, shipping_fee=995)
    add(shopper, shop, image=0, product=PRINT_8X10, quantity=2)
    add(shopper, shop, image=3, product=PRINT_5X7)
    review = shopper.get(checkout_url(shop)).content.decode()
    assert "Place order" in review and "$80.31" in review and "$70.36" in review  # ship, pick-up

    placed = shopper.post(checkout_url(shop), {**SHIP, "price": "1", "total": "1"})
    order = Order.objects.get()
    assert placed.status_code == 302
    assert placed["Location"] == f"/s/northlight/orders/{order.display_number}/"
    assert NUMBER.match(order.display_number)
    assert (order.subtotal, order.tax, order.shipping, order.total) == (6500, 536, 995, 8031)
    assert order.status == OrderStatus.PLACED and order.placed_at is not None
    assert not CartLine.objects.exists()

    (change,) = order_changes()
    assert order.change_id == change.seq
    sent = protocol.OrderChange.model_validate(change.payload)
    assert sent.number == order.display_number and sent.uuid == order.uuid
    assert (sent.client, sent.account, sent.session) == (
        ada.client_uuid,
        ada.uuid,
        shop.session.uuid,
    )
    assert (sent.first_name, sent.last_name, sent.email) == ("Ada", "Souza", "ada@souza.example")
    assert (sent.subtotal, sent.tax, sent.shipping, sent.total, sent.currency) == (
        6500,
        536,
        995,
        8031,
        "USD",
    )
    assert sent.delivery == Delivery.SHIP and sent.ship_to is not None
    assert (sent.ship_to.street, sent.ship_to.city) == ("12 Harbour Road", "Portland")
    assert sent.note == "Gift wrap, please" and sent.payments == []
    assert [
        (line.product, line.name, line.size, line.image, line.image_file_name, line.quantity)
        for line in sent.lines
    ] == [
        (PRINT_8X10, "Print", "8×10 in", shop.images[0].uuid, "IMG_0001.jpg", 2),
        (PRINT_5X7, "Print", "5×7 in", shop.images[3].uuid, "IMG_0004.jpg", 1),
    ]
    assert [(line.unit_price, line.total, line.category) for line in sent.lines] == [
        (2500, 5000, "print"),
        (1500, 1500, "print"),
    ]

    page = shopper.get(placed["Location"]).content.decode()
    assert order.display_number in page and "Your order is placed" in page
    assert "Nothing was charged" in page and "$80.31" in page and "12 Harbour Road" in page
    assert 'id="cart-count">0<' in page


def test_a_second_click_or_another_tab_lands_on_the_same_order(shopper: Client, shop) -> None:  # type: ignore[no-untyped-def]
    add(shopper, shop)
    first = shopper.post(checkout_url(shop), PICKUP)
    again = shopper.post(checkout_url(shop), PICKUP)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Order.objects.count() == 1 and len(order_changes()) == 1

    add(shopper, shop, image=2)  # a new cart is a new order
    third = shopper.post(checkout_url(shop), PICKUP)
    assert third["Location"] != first["Location"] and Order.objects.count() == 2


def test_placing_twice_through_the_service_makes_one_order(
    ada: Account, shopper: Client, shop
) -> None:  # type: ignore[no-untyped-def]
    add(shopper, shop)
    cart = cart_for(account=ada, session=shop.session)
    one = order_place(cart=cart, delivery="pickup")
    two = order_place(cart=cart, delivery="pickup")
    assert one.pk == two.pk and Order.objects.count() == 1


def test_an_empty_cart_is_refused(ada: Account, shopper: Client, shop) -> None:  # type: ignore[no-untyped-def]
    cart = cart_for(account=ada, session=shop.session)
    with pytest.raises(OrderRefused, match=r"Your cart is empty\."):
        order_place(cart=cart, delivery="pickup")
    empty = shopper.get(checkout_url(shop))
    assert empty.status_code == 302 and empty["Location"] == "/s/northlight/cart/"
    assert not Order.objects.exists()


def test_a_product_taken_off_the_price_list_is_refused_with_its_name(
    shopper: Client, gallery_studio: Studio, shop
) -> None:  # type: ignore[no-untyped-def]
    add(shopper, shop, product=CANVAS)
    add(shopper, shop, product=PRINT_8X10)
    prices = shop.session.price_list
    pricelist_put(
        studio=gallery_studio,
        data=protocol.PriceList(
            uuid=prices.uuid,
            name=prices.name,
            currency="USD",
            products=[
                protocol.Product(
                    uuid=PRINT_8X10, name="Print", category="print", size="8×10 in", price=2700
                )
            ],
        ),
    )
    page = shopper.post(checkout_url(shop), PICKUP).content.decode()
    assert "Gallery canvas 16×20 in is no longer offered: remove it to order the rest." in page
    assert not Order.objects.exists()
    cart_page = shopper.get("/s/northlight/cart/").content.decode()
    assert "no longer offered" in cart_page and "$27.00" in cart_page  # the new price
    CartLine.objects.filter(product_uuid=CANVAS).delete()
    shopper.post(checkout_url(shop), PICKUP)
    assert Order.objects.get().total == 2700


def test_an_expired_gallery_cannot_be_checked_out(ada: Account, shopper: Client, shop) -> None:  # type: ignore[no-untyped-def]
    add(shopper, shop)
    OnlineSession.objects.filter(pk=shop.session.pk).update(expire_date=today().replace(year=2001))
    assert shopper.post(checkout_url(shop), PICKUP).status_code == 410
    cart = Cart.objects.get(account=ada)
    with pytest.raises(OrderRefused, match="has expired"):
        order_place(cart=cart, delivery="pickup")
    assert not Order.objects.exists()


def test_shipping_needs_an_address(shopper: Client, shop) -> None:  # type: ignore[no-untyped-def]
    add(shopper, shop)
    page = shopper.post(checkout_url(shop), {"delivery": "ship", "street": "1 Main St"})
    assert page.status_code == 200
    assert page.content.decode().count("Needed to ship your order.") == 3
    assert not Order.objects.exists()


def test_a_delivery_the_studio_does_not_offer_is_refused(
    shopper: Client, gallery_studio: Studio, shop
) -> None:  # type: ignore[no-untyped-def]
    terms(gallery_studio, offer_shipping=False)
    add(shopper, shop)
    page = shopper.post(checkout_url(shop), SHIP).content.decode()
    assert "Choose how to receive your order: pick-up." in page
    assert not Order.objects.exists()


def test_a_taken_confirmation_number_is_drawn_again(
    ada: Account, shopper: Client, shop, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    add(shopper, shop)
    first = order_place(cart=cart_for(account=ada, session=shop.session), delivery="pickup")
    drawn = iter([first.number, first.number, "K7MQ2XDA"])
    monkeypatch.setattr(orders_module, "_new_number", lambda: next(drawn))
    add(shopper, shop, image=1)
    second = order_place(cart=cart_for(account=ada, session=shop.session), delivery="pickup")
    assert second.display_number == "K7MQ-2XDA"
    normalize = protocol.confirmation_normalize
    assert normalize("k7mq 2xda") == normalize("K7MQ2XDA") == "K7MQ-2XDA"
    assert normalize("OIL0") == "0110"  # read as Crockford's digits


def test_an_order_is_seen_by_its_account_only(
    client: Client, ada: Account, gallery_studio: Studio, rival_studio: Studio, shop
) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, ada)
    add(client, shop)
    where = client.post(checkout_url(shop), PICKUP)["Location"]
    number = Order.objects.get().display_number
    assert client.get(where.replace(number, number.lower())).status_code == 200
    client.post("/s/northlight/logout/")
    assert client.get(where)["Location"].startswith("/s/northlight/login/")

    bea = make_client(gallery_studio, first="Bea", last="Lind", email="bea@lind.example")
    sign_in(client, bea)
    assert client.get(where).status_code == 404
    rex = make_client(rival_studio, first="Rex", last="Rival", email="rex@rival.example")
    rival = Client()
    sign_in(rival, rex)
    assert rival.get(f"/s/rival/orders/{number}/").status_code == 404
    assert number not in rival.get("/s/rival/orders/").content.decode()


def test_checking_out_someone_elses_session_is_not_found(
    client: Client, gallery_studio: Studio, shop
) -> None:  # type: ignore[no-untyped-def]
    bea = make_client(gallery_studio, first="Bea", last="Lind", email="bea@lind.example")
    sign_in(client, bea)
    assert client.get(checkout_url(shop)).status_code == 404
    assert client.post(checkout_url(shop), PICKUP).status_code == 404
    unknown = f"/s/northlight/e/{uuid.uuid4()}/checkout/"
    assert client.post(unknown, PICKUP).status_code == 404
