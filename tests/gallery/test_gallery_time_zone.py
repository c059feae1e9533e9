"""Issue 12: the gallery shows a studio's orders in that studio's time zone, and its
"today" (for expire dates) is computed one way, from the zone the desk uploaded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from proofroom.gallery.accounts import Account
from proofroom.gallery.store.carts import cart_for
from proofroom.gallery.store.models import Order
from proofroom.gallery.store.orders import order_place
from proofroom.gallery.tenants import Studio
from tests.cast import sign_in
from tests.gallery.shop import add, shop_session

pytestmark = pytest.mark.django_db

# 23:30 UTC on 28 November is 12:30 on 29 November in Auckland.
MOMENT = dt.datetime(2026, 11, 28, 23, 30, tzinfo=dt.UTC)


@pytest.fixture
def auckland(gallery_studio: Studio) -> Studio:
    gallery_studio.time_zone = "Pacific/Auckland"
    gallery_studio.save()
    return gallery_studio


def test_order_history_and_order_page_show_the_studios_day_and_time(
    client: Client, auckland: Studio, ada: Account
) -> None:
    """Issue 12: an order placed at 23:30 UTC is an order of the 29th at 12:30 for a studio
    in Auckland, in the history and on the order's page."""
    shop = shop_session(auckland, ada)
    sign_in(client, ada)
    add(client, shop, image=0)
    order = order_place(cart=cart_for(account=ada, session=shop.session), delivery="pickup")
    Order.objects.filter(pk=order.pk).update(created_at=MOMENT)

    history = client.get("/s/northlight/orders/").content.decode()
    assert "29 November 2026" in history and "28 November 2026" not in history
    detail = client.get(f"/s/northlight/orders/{order.display_number}/").content.decode()
    assert "29 November 2026, 12:30" in detail


def test_the_studios_today_is_the_day_in_its_zone(
    auckland: Studio, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 12: the gallery's one "today" for a studio (expire dates are dates there)."""
    monkeypatch.setattr(timezone, "now", lambda: MOMENT)
    assert auckland.today() == dt.date(2026, 11, 29)
    auckland.time_zone = "Not/A_Zone"
    assert auckland.today() == dt.date(2026, 11, 28)


def test_a_zone_this_machine_does_not_know_shows_utc_not_nothing(
    client: Client, gallery_studio: Studio, ada: Account
) -> None:
    """Issue 12: pages read the studio's zone the one way "today" does (core.dates): a zone
    name the zone database lacks is UTC, where the template's own lookup showed no time."""
    gallery_studio.time_zone = "Not/A_Zone"
    gallery_studio.save()
    shop = shop_session(gallery_studio, ada)
    sign_in(client, ada)
    add(client, shop, image=0)
    order = order_place(cart=cart_for(account=ada, session=shop.session), delivery="pickup")
    Order.objects.filter(pk=order.pk).update(created_at=MOMENT)

    detail = client.get(f"/s/northlight/orders/{order.display_number}/").content.decode()
    assert "28 November 2026, 23:30" in detail
    history = client.get("/s/northlight/orders/").content.decode()
    assert "28 November 2026" in history
