"""A package is made of several pieces; the client chooses the photograph of each one in
the cart (a piece left alone is made from the photograph the package was added from),
and the order keeps every piece with its photograph."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from proofroom.gallery.accounts import Account
from proofroom.gallery.events import OnlineSession
from proofroom.gallery.store.carts import CartLine
from proofroom.gallery.store.models import Order
from proofroom.gallery.tenants import Studio
from tests.cast import make_client, publish, sign_in
from tests.gallery.shop import (
    PACKAGE,
    PICKUP,
    PRINT_5X7,
    PRINT_8X10,
    add,
    checkout_url,
    price_list,
    selling,
)

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def package_line(client: Client, ada: Account, shop) -> CartLine:  # type: ignore[no-untyped-def]
    sign_in(client, ada)
    assert add(client, shop, image=1, product=PACKAGE).status_code == 200
    return CartLine.objects.get(product_uuid=PACKAGE)


def page_of(line: CartLine) -> str:
    return f"/s/northlight/cart/lines/{line.pk}/package/"


def test_each_piece_starts_with_the_photograph_the_package_was_added_from(
    client: Client, shop, package_line: CartLine
) -> None:  # type: ignore[no-untyped-def]
    cart = client.get("/s/northlight/cart/").content.decode()
    assert "Choose a photograph for each piece" in cart and page_of(package_line) in cart
    page = client.get(page_of(package_line)).content.decode()
    slots = re.findall(r'name="slot-([^"]+)"', page)
    assert sorted(set(slots)) == sorted([f"{PRINT_8X10}:1", f"{PRINT_5X7}:1", f"{PRINT_5X7}:2"])
    assert page.count(f"Chosen: {shop.images[1].file_name}") == 3
    assert "Print 5×7 in (1 of 2)" in page and "Print 5×7 in (2 of 2)" in page
    assert page.count("checked") == 3  # one photograph per piece, the package's own


def test_the_client_chooses_a_photograph_per_piece_and_the_order_keeps_them(
    client: Client, shop, package_line: CartLine
) -> None:  # type: ignore[no-untyped-def]
    chosen = client.post(
        page_of(package_line),
        {
            f"slot-{PRINT_5X7}:1": str(shop.images[3].uuid),
            f"slot-{PRINT_5X7}:2": str(shop.images[4].uuid),
        },
    )
    assert chosen.status_code == 302 and chosen["Location"] == "/s/northlight/cart/"
    page = client.get(page_of(package_line)).content.decode()
    assert (
        f"Chosen: {shop.images[3].file_name}" in page
        and f"Chosen: {shop.images[4].file_name}" in page
    )
    # Changing one piece later keeps the other choices.
    client.post(page_of(package_line), {f"slot-{PRINT_5X7}:2": str(shop.images[5].uuid)})
    assert client.post(checkout_url(shop), PICKUP).status_code == 302
    line = Order.objects.get().lines.get()
    assert [(p["name"], p["size"], p["image_file_name"]) for p in line.picks] == [
        ("Print", "8×10 in", shop.images[1].file_name),
        ("Print", "5×7 in", shop.images[3].file_name),
        ("Print", "5×7 in", shop.images[5].file_name),
    ]
    assert line.total == 9900  # the package's price, whatever the photographs
    order_page = client.get(f"/s/northlight/orders/{line.order.display_number}/").content.decode()
    assert f"Print 5×7 in — {shop.images[5].file_name}" in order_page


def test_a_photograph_of_another_gallery_is_refused_and_nothing_changes(
    client: Client, gallery_studio: Studio, ada: Account, shop, package_line: CartLine
) -> None:  # type: ignore[no-untyped-def]
    other = selling(publish(gallery_studio, ada, images=2), price_list(gallery_studio))
    refused = client.post(
        page_of(package_line), {f"slot-{PRINT_5X7}:1": str(other.images[0].uuid)}, follow=True
    )
    assert "That photograph is not in this gallery." in refused.content.decode()
    assert (
        client.post(
            page_of(package_line), {f"slot-{PRINT_5X7}:1": "not-a-uuid"}, follow=True
        ).status_code
        == 200
    )
    package_line.refresh_from_db()
    assert package_line.picks == {}


def test_a_piece_the_package_does_not_have_is_refused(
    client: Client, shop, package_line: CartLine
) -> None:  # type: ignore[no-untyped-def]
    from proofroom.gallery.store.carts import OrderRefused
    from proofroom.gallery.store.packages import cart_line_pick

    with pytest.raises(OrderRefused, match="choose its photographs again"):
        cart_line_pick(line=package_line, picks={f"{PRINT_8X10}:9": str(shop.images[0].uuid)})
    package_line.refresh_from_db()
    assert package_line.picks == {}


def test_another_accounts_line_is_not_found_and_a_print_has_no_pieces(
    client: Client, gallery_studio: Studio, shop, package_line: CartLine
) -> None:  # type: ignore[no-untyped-def]
    add(client, shop, image=0, product=PRINT_8X10)
    a_print = CartLine.objects.get(product_uuid=PRINT_8X10)
    not_a_package = client.get(page_of(a_print), follow=True).content.decode()
    assert "That is not a package of this gallery" in not_a_package
    stranger = Client()
    sign_in(stranger, make_client(gallery_studio, first="Bo", last="Lind", email="bo@lind.example"))
    assert stranger.get(page_of(package_line)).status_code == 404
    assert (
        stranger.post(
            page_of(package_line), {f"slot-{PRINT_5X7}:1": str(shop.images[0].uuid)}
        ).status_code
        == 404
    )
    package_line.refresh_from_db()
    assert package_line.picks == {}


def test_an_expired_gallery_takes_no_more_choices(
    client: Client, shop, package_line: CartLine
) -> None:  # type: ignore[no-untyped-def]
    OnlineSession.objects.filter(pk=shop.session.pk).update(
        expire_date=timezone.localdate() - dt.timedelta(days=1)
    )
    answer = client.post(
        page_of(package_line), {f"slot-{PRINT_5X7}:1": str(shop.images[0].uuid)}, follow=True
    )
    assert "can no longer be ordered from" in answer.content.decode()
    package_line.refresh_from_db()
    assert package_line.picks == {}
