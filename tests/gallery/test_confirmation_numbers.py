"""An order's confirmation number on the gallery (Issue 12, confirmation numbers): drawn and
stored in the protocol's one form, K7MQ-2XDA, and found however the client types it."""

from __future__ import annotations

import pytest
from django.test import Client

from proofroom.gallery.accounts import Account
from proofroom.gallery.store.models import Order
from proofroom.gallery.tenants import Studio
from proofroom.sync import protocol
from tests.cast import make_client, sign_in
from tests.gallery.shop import NUMBER, PICKUP, add, checkout_url, shop_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(client: Client, gallery_studio: Studio, ada: Account) -> Order:
    shop = shop_session(gallery_studio, ada)
    sign_in(client, ada)
    add(client, shop)
    client.post(checkout_url(shop), PICKUP)
    return Order.objects.get()


def test_a_new_order_is_stored_as_it_is_shown(order: Order) -> None:
    """Issue 12, confirmation numbers: the gallery stored K7MQ2XDA, the desk K7MQ-2XDA."""
    assert NUMBER.match(order.number)
    assert order.number == order.display_number == protocol.confirmation_normalize(order.number)


@pytest.mark.parametrize(
    "typed", ["K7MQ-1XD0", "k7mq-1xd0", "K7MQ1XD0", "K7MQ-1XDO", "k7mq-ixdo", "K7MQLXD0"]
)
def test_the_order_page_is_found_however_its_number_is_typed(
    client: Client, order: Order, typed: str
) -> None:
    Order.objects.filter(pk=order.pk).update(number="K7MQ-1XD0")
    page = client.get(f"/s/northlight/orders/{typed}/")
    assert page.status_code == 200
    assert '<p class="order-number" id="order-number">K7MQ-1XD0</p>' in page.content.decode()


def test_another_accounts_order_is_not_found_by_any_spelling(
    client: Client, gallery_studio: Studio, order: Order
) -> None:
    Order.objects.filter(pk=order.pk).update(number="K7MQ-1XD0")
    sign_in(client, make_client(gallery_studio, first="Bo", last="Berg", email="bo@example.com"))
    assert client.get("/s/northlight/orders/k7mq-ixdo/").status_code == 404
