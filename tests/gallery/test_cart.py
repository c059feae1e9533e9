"""The cart: products of the session's price list, each of an image, in a quantity, priced on the
server from the catalog (a price posted by the browser is never read), kept in the
database across sign-outs, and closed to everyone but its account."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from proofroom.gallery.accounts import Account
from proofroom.gallery.store.carts import Cart, CartLine
from proofroom.gallery.store.pricing import cart_price, tax_on
from proofroom.gallery.tenants import Studio
from proofroom.sync.protocol import Delivery, EventType
from tests.cast import make_client, make_guest, publish, sign_in, today
from tests.gallery.shop import (
    CANVAS,
    DOWNLOAD,
    PRINT_5X7,
    PRINT_8X10,
    add,
    price_list,
    selling,
    shop_session,
    terms,
)

pytestmark = pytest.mark.django_db


def the_cart(account: Account) -> Cart:
    return Cart.objects.select_related("session__price_list", "studio").get(account=account)


def lines_of(account: Account) -> list[tuple[str, str, int]]:
    return [
        (line.product_name, line.image.file_name, line.quantity)
        for line in CartLine.objects.filter(cart__account=account).order_by("pk")
    ]


def test_a_client_adds_a_print_and_the_catalog_price_is_used_whatever_the_browser_posts(
    shopper: Client, ada: Account, shop
) -> None:  # type: ignore[no-untyped-def]
    answer = add(
        shopper, shop, image=2, quantity=2, price="1", unit_price="1", total="1", amount="0"
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["count"] == 2
    assert "Print 8×10 in of IMG_0003.jpg added" in answer.json()["message"]
    price = cart_price(the_cart(ada))
    assert [(p.unit_price, p.total) for p in price.lines] == [(2500, 5000)]
    assert (price.subtotal, price.total) == (5000, 5000)

    page = shopper.get("/s/northlight/cart/").content.decode()
    assert "Print 8×10 in" in page and "IMG_0003.jpg" in page
    assert "$25.00 each" in page and "$50.00" in page and "$0.01" not in page
    assert 'id="cart-count">2<' in page  # the header counts items


def test_the_same_product_of_the_same_image_adds_to_its_line(
    shopper: Client, ada: Account, shop
) -> None:  # type: ignore[no-untyped-def]
    add(shopper, shop, image=0, quantity=2)
    add(shopper, shop, image=0, quantity=3)
    add(shopper, shop, image=0, product=PRINT_5X7)
    add(shopper, shop, image=1)
    assert lines_of(ada) == [
        ("Print 8×10 in", "IMG_0001.jpg", 5),
        ("Print 5×7 in", "IMG_0001.jpg", 1),
        ("Print 8×10 in", "IMG_0002.jpg", 1),
    ]
    add(shopper, shop, image=0, quantity=99)
    assert lines_of(ada)[0][2] == 99  # never past the most one line holds
    assert add(shopper, shop, quantity=0).status_code == 400
    assert add(shopper, shop, quantity=100).status_code == 400


def test_the_cart_survives_signing_out_and_in(client: Client, ada: Account, shop) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, ada)
    add(client, shop, image=4, product=CANVAS)
    client.post("/s/northlight/logout/")
    assert client.get("/s/northlight/cart/")["Location"].startswith("/s/northlight/login/")
    sign_in(client, ada)
    page = client.get("/s/northlight/cart/").content.decode()
    assert "Gallery canvas 16×20 in" in page and "IMG_0005.jpg" in page and "$225.00" in page
    assert 'id="cart-count">1<' in page


def test_a_quantity_is_changed_and_a_line_removed_from_the_cart_page(
    shopper: Client, ada: Account, shop
) -> None:  # type: ignore[no-untyped-def]
    add(shopper, shop, image=0)
    add(shopper, shop, image=1)
    first, second = CartLine.objects.filter(cart__account=ada).order_by("pk")
    shopper.post(f"/s/northlight/cart/lines/{first.pk}/", {"quantity": "4"})
    shopper.post(f"/s/northlight/cart/lines/{second.pk}/remove/")
    assert lines_of(ada) == [("Print 8×10 in", "IMG_0001.jpg", 4)]
    shopper.post(f"/s/northlight/cart/lines/{first.pk}/", {"quantity": "0"})
    assert lines_of(ada) == []
    assert "Your cart is empty." in shopper.get("/s/northlight/cart/").content.decode()


def test_a_product_not_on_the_sessions_price_list_is_refused(
    shopper: Client, ada: Account, gallery_studio: Studio, shop
) -> None:  # type: ignore[no-untyped-def]
    other = price_list(gallery_studio)  # the same products, another list
    stranger = other.products.create(name="Mug", category="other", price=1, position=9)
    for product in (uuid.uuid4(), stranger.uuid):
        answer = add(shopper, shop, product=product)
        assert answer.status_code == 400
        assert answer.json()["error"] == "That product is not offered for this gallery."
    assert lines_of(ada) == []


def test_a_session_without_a_price_list_sells_nothing(
    shopper: Client, ada: Account, gallery_studio: Studio
) -> None:
    plain = publish(gallery_studio, ada, images=2, title="No prices")
    assert add(shopper, plain).status_code == 400
    page = shopper.get(f"/s/northlight/e/{plain.session.uuid}/").content.decode()
    assert "order-dialog" not in page and "cart-btn" not in page


def test_an_image_of_another_session_or_a_rival_studios_session_is_not_found(
    shopper: Client, ada: Account, gallery_studio: Studio, rival_studio: Studio, shop
) -> None:  # type: ignore[no-untyped-def]
    elsewhere = shop_session(gallery_studio, ada, title="Another day")
    data = {"product": str(PRINT_8X10), "image": str(elsewhere.images[0].uuid), "quantity": "1"}
    assert shopper.post(f"/s/northlight/e/{shop.session.uuid}/cart/add/", data).status_code == 404

    rex = make_client(rival_studio, first="Rex", last="Rival", email="rex@rival.example")
    theirs = shop_session(rival_studio, rex, title="Rival wedding")
    data = {"product": str(PRINT_8X10), "image": str(theirs.images[0].uuid), "quantity": "1"}
    assert shopper.post(f"/s/northlight/e/{theirs.session.uuid}/cart/add/", data).status_code == 404
    assert shopper.post(f"/s/rival/e/{theirs.session.uuid}/cart/add/", data).status_code == 404
    assert lines_of(ada) == [] and not CartLine.objects.exists()


def test_another_account_cannot_touch_a_line_of_the_cart(
    client: Client, ada: Account, gallery_studio: Studio, rival_studio: Studio, shop
) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, ada)
    add(client, shop)
    line = CartLine.objects.get(cart__account=ada)
    client.post("/s/northlight/logout/")
    bea = make_client(gallery_studio, first="Bea", last="Lind", email="bea@lind.example")
    sign_in(client, bea)
    assert client.post(f"/s/northlight/cart/lines/{line.pk}/", {"quantity": "9"}).status_code == 404
    assert "Print 8×10 in" not in client.get("/s/northlight/cart/").content.decode()
    rex = make_client(rival_studio, first="Rex", last="Rival", email="rex@rival.example")
    rival = Client()
    sign_in(rival, rex)
    assert rival.post(f"/s/rival/cart/lines/{line.pk}/remove/").status_code == 404
    assert lines_of(ada) == [("Print 8×10 in", "IMG_0001.jpg", 1)]


def test_tax_is_rounded_half_up_on_the_goods_and_shipping_is_the_studios_fee(
    shopper: Client, ada: Account, gallery_studio: Studio, shop
) -> None:  # type: ignore[no-untyped-def]
    terms(gallery_studio, tax_rate=825, shipping_fee=995)
    add(shopper, shop, product=PRINT_8X10)
    add(shopper, shop, product=PRINT_5X7)
    cart = the_cart(ada)
    shipped = cart_price(cart, Delivery.SHIP)
    assert (shipped.subtotal, shipped.tax, shipped.shipping, shipped.total) == (
        4000,
        330,
        995,
        5325,
    )
    picked_up = cart_price(cart, Delivery.PICKUP)
    assert (picked_up.tax, picked_up.shipping, picked_up.total) == (330, 0, 4330)
    assert shipped.deliveries == [Delivery.SHIP, Delivery.PICKUP]

    CartLine.objects.filter(cart=cart).delete()
    add(shopper, shop, product=PRINT_5X7)  # 8.25 % of 1500 is 123.75
    assert cart_price(cart).tax == 124
    assert (tax_on(200, 25), tax_on(199, 25), tax_on(0, 825)) == (1, 0, 0)

    page = shopper.get("/s/northlight/cart/").content.decode()
    assert "Sales tax" in page and "8.25 %" in page and "$1.24" in page


def test_a_cart_of_digital_products_only_is_not_delivered(
    shopper: Client, ada: Account, gallery_studio: Studio, shop
) -> None:  # type: ignore[no-untyped-def]
    terms(gallery_studio, shipping_fee=995)
    add(shopper, shop, product=DOWNLOAD, image=3)
    price = cart_price(the_cart(ada), Delivery.SHIP)
    assert (price.delivery, price.deliveries, price.shipping) == (Delivery.NONE, [Delivery.NONE], 0)
    page = shopper.get(f"/s/northlight/e/{shop.session.uuid}/checkout/").content.decode()
    assert 'name="delivery" value="none"' in page and "Ship to me" not in page


def test_only_the_deliveries_the_studio_offers_are_offered(
    shopper: Client, ada: Account, gallery_studio: Studio, shop
) -> None:  # type: ignore[no-untyped-def]
    terms(gallery_studio, offer_shipping=False, shipping_fee=995)
    add(shopper, shop)
    price = cart_price(the_cart(ada), Delivery.SHIP)
    assert (price.deliveries, price.delivery, price.shipping) == (
        [Delivery.PICKUP],
        Delivery.PICKUP,
        0,
    )
    page = shopper.get(f"/s/northlight/e/{shop.session.uuid}/checkout/").content.decode()
    assert "Pick up at the studio" in page and "Ship to me" not in page


def test_the_image_page_offers_the_price_list_to_whoever_may_order(shopper: Client, shop) -> None:  # type: ignore[no-untyped-def]
    image = shop.images[0].uuid
    page = shopper.get(f"/s/northlight/e/{shop.session.uuid}/i/{image}/").content.decode()
    assert "Order this photograph" in page
    assert "Print · 8×10 in — $25.00" in page and "Gallery canvas · 16×20 in — $225.00" in page
    assert f'name="image" value="{image}"' in page and "Add to cart" in page
    grid = shopper.get(f"/s/northlight/e/{shop.session.uuid}/").content.decode()
    assert 'id="order-dialog"' in grid and f'data-order="{image}"' in grid
    assert f'href="/s/northlight/e/{shop.session.uuid}/i/{image}/#order"' in grid  # without JS


def test_a_visitor_of_a_public_event_is_asked_to_sign_in_or_make_a_guest_login_to_order(
    client: Client, gallery_studio: Studio, ada: Account
) -> None:
    event = shop_session(gallery_studio, ada, event_type=EventType.PUBLIC, title="Open day")
    image = event.images[1].uuid
    page = client.get(f"/s/northlight/e/{event.session.uuid}/i/{image}/").content.decode()
    assert "Sign in or create a guest login to order." in page and "Add to cart" not in page
    assert f"/s/northlight/e/{event.session.uuid}/guest/" in page
    refused = add(client, event, image=1)
    assert refused.status_code == 401
    assert refused.json()["error"] == "Sign in or create a guest login to order."
    plain = client.post(
        f"/s/northlight/e/{event.session.uuid}/cart/add/",
        {"product": str(PRINT_8X10), "image": str(image), "quantity": "1"},
    )
    assert plain.status_code == 302 and plain["Location"].startswith("/s/northlight/login/")

    mia = make_guest(gallery_studio)
    sign_in(client, mia)
    assert add(client, event, image=1).status_code == 200
    assert lines_of(mia) == [("Print 8×10 in", "IMG_0002.jpg", 1)]


def test_only_its_client_orders_from_a_client_only_gallery(
    client: Client, gallery_studio: Studio, shop
) -> None:  # type: ignore[no-untyped-def]
    mia = make_guest(gallery_studio)
    sign_in(client, mia)
    assert add(client, shop).status_code == 404  # she may not even view it


def test_an_expired_gallery_takes_no_more_orders(
    shopper: Client, ada: Account, gallery_studio: Studio
) -> None:
    old = selling(
        publish(gallery_studio, ada, images=2, title="Old", expire_date=today()),
        price_list(gallery_studio),
    )
    assert add(shopper, old).status_code == 200
    from proofroom.gallery.events import OnlineSession

    OnlineSession.objects.filter(pk=old.session.pk).update(expire_date=today().replace(year=2000))
    assert add(shopper, old).status_code == 410
    page = shopper.get("/s/northlight/cart/").content.decode()
    assert "This gallery has expired" in page and "Checkout</a>" not in page


def test_the_studios_ordering_terms_arrive_with_its_profile(gallery_studio: Studio) -> None:
    from proofroom.gallery.publishing import studio_profile_put
    from proofroom.sync import protocol

    studio_profile_put(
        studio=gallery_studio,
        data=protocol.StudioProfile(
            name="Northlight Studio",
            currency="USD",
            ordering=protocol.OrderingTerms(
                tax_rate=825,
                tax_label="Sales tax",
                shipping_fee=995,
                offer_shipping=False,
                offer_pickup=True,
            ),
        ),
    )
    gallery_studio.refresh_from_db()
    assert (
        gallery_studio.tax_rate,
        gallery_studio.tax_label,
        gallery_studio.shipping_fee,
        gallery_studio.offer_shipping,
        gallery_studio.offer_pickup,
    ) == (825, "Sales tax", 995, False, True)
