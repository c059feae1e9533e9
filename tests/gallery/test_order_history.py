"""Order history: a client's orders, newest first, each with what became of it: awaiting
payment, placed, paid, and received by the studio once the studio acknowledged it."""

from __future__ import annotations

import pytest
from django.test import Client

from proofroom.gallery.accounts import Account
from proofroom.gallery.feed import changes_ack, feed_head
from proofroom.gallery.store.carts import cart_for
from proofroom.gallery.store.checkout import order_payment_record
from proofroom.gallery.store.models import Order
from proofroom.gallery.store.orders import order_place
from proofroom.gallery.tenants import Studio, studio_payments_configure
from proofroom.payments.base import PaymentEvent
from proofroom.sync.protocol import ChangeKind
from tests.cast import make_client, queries_for, sign_in
from tests.gallery.shop import add

pytestmark = pytest.mark.django_db


def place(client: Client, ada: Account, shop, image: int = 0) -> Order:  # type: ignore[no-untyped-def]
    add(client, shop, image=image)
    return order_place(cart=cart_for(account=ada, session=shop.session), delivery="pickup")


def paid(studio: Studio, order: Order) -> None:
    order_payment_record(
        studio=studio,
        event=PaymentEvent(
            event_id=f"evt_{order.number}",
            reference=str(order.uuid),
            checkout_id=f"cs_{order.number}",
            payment_id=f"pi_{order.number}",
            amount=order.total,
            currency=order.currency,
            paid=True,
        ),
    )


def rows(page: str) -> list[tuple[str, str]]:
    import re

    found = re.findall(
        r'order-row-number">([^<]+)</span>.*?class="status status-[a-z_]+">([^<]+)</span>',
        page,
        flags=re.S,
    )
    return [(number, status) for number, status in found]


def test_the_history_shows_each_orders_status_and_when_the_studio_received_it(
    shopper: Client, ada: Account, gallery_studio: Studio, shop
) -> None:  # type: ignore[no-untyped-def]
    placed = place(shopper, ada, shop, image=0)
    studio_payments_configure(
        studio=gallery_studio, gateway="stripe", secret_key="sk_test_x", webhook_secret="whsec_x"
    )
    waiting = place(shopper, ada, shop, image=1)
    card = place(shopper, ada, shop, image=2)
    paid(gallery_studio, card)

    page = shopper.get("/s/northlight/orders/").content.decode()
    assert rows(page) == [
        (card.display_number, "Paid"),
        (waiting.display_number, "Awaiting payment"),
        (placed.display_number, "Placed"),
    ]
    changes_ack(
        studio_id=gallery_studio.pk,
        kind=ChangeKind.ORDER,
        upto=feed_head(studio_id=gallery_studio.pk),
    )
    page = shopper.get("/s/northlight/orders/").content.decode()
    assert rows(page) == [
        (card.display_number, "Received by the studio"),
        (waiting.display_number, "Awaiting payment"),
        (placed.display_number, "Received by the studio"),
    ]
    detail = shopper.get(f"/s/northlight/orders/{placed.display_number}/").content.decode()
    assert "Received by the studio" in detail


def test_an_acknowledgement_of_another_kind_does_not_count(
    shopper: Client, ada: Account, gallery_studio: Studio, shop
) -> None:  # type: ignore[no-untyped-def]
    order = place(shopper, ada, shop)
    changes_ack(studio_id=gallery_studio.pk, kind=ChangeKind.FAVOURITES, upto=10**6)
    assert rows(shopper.get("/s/northlight/orders/").content.decode()) == [
        (order.display_number, "Placed")
    ]


def test_the_history_is_linked_from_the_clients_pages_and_empty_at_first(
    shopper: Client,
) -> None:
    for page in ("home", "account"):
        assert (
            'href="/s/northlight/orders/"' in shopper.get(f"/s/northlight/{page}/").content.decode()
        )
    assert "No orders yet." in shopper.get("/s/northlight/orders/").content.decode()


def test_the_history_shows_only_the_accounts_own_orders(
    client: Client, ada: Account, gallery_studio: Studio, rival_studio: Studio, shop
) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, ada)
    mine = place(client, ada, shop)
    bea = make_client(gallery_studio, first="Bea", last="Lind", email="bea@lind.example")
    other = Client()
    sign_in(other, bea)
    assert mine.display_number not in other.get("/s/northlight/orders/").content.decode()
    rex = make_client(rival_studio, first="Rex", last="Rival", email="rex@rival.example")
    rival = Client()
    sign_in(rival, rex)
    assert mine.display_number not in rival.get("/s/rival/orders/").content.decode()


def test_the_history_makes_as_many_queries_for_twelve_orders_as_for_two(
    shopper: Client, ada: Account, shop
) -> None:  # type: ignore[no-untyped-def]
    for image in range(2):
        place(shopper, ada, shop, image=image)
    few = queries_for(shopper, "/s/northlight/orders/")
    for n in range(10):
        place(shopper, ada, shop, image=n % 6)
    assert queries_for(shopper, "/s/northlight/orders/") == few
