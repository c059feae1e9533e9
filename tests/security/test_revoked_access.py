"""Issue 13, attacker's pass: a cart line outlives the visitor's right to view its gallery.

A guest puts a package in her cart on a public event; the studio then makes the event
client-only. The package's chooser must not go on listing the session's photographs to
her (nor let her pick among them): it answers like the gallery itself, a 404.
"""

from __future__ import annotations

import pytest
from django.test import Client

from proofroom.gallery.events import OnlineSession
from proofroom.gallery.store.carts import CartLine
from proofroom.gallery.tenants import Studio
from proofroom.sync import protocol
from tests.cast import make_client, make_guest, sign_in
from tests.gallery.shop import PACKAGE, PRINT_5X7, add, shop_session

pytestmark = pytest.mark.django_db


def test_a_guest_cut_off_from_a_gallery_no_longer_sees_its_photographs_in_her_cart(
    gallery_studio: Studio,
) -> None:
    """Issue 13 (attacker): the package chooser checks who may view the session now."""
    ada = make_client(gallery_studio)
    event = shop_session(gallery_studio, ada, event_type=protocol.EventType.PUBLIC)
    mia = make_guest(gallery_studio)
    browser = Client()
    sign_in(browser, mia)
    assert add(browser, event, image=1, product=PACKAGE).status_code == 200
    line = CartLine.objects.get(product_uuid=PACKAGE, cart__account=mia)
    page = f"/s/northlight/cart/lines/{line.pk}/package/"
    assert browser.get(page).status_code == 200  # while the event is public
    OnlineSession.objects.filter(pk=event.session.pk).update(event_type=protocol.EventType.NONE)
    answer = browser.get(page)
    assert answer.status_code == 404
    for image in event.images:
        assert str(image.uuid) not in answer.content.decode()
    picked = browser.post(page, {f"slot-{PRINT_5X7}:1": str(event.images[4].uuid)})
    assert picked.status_code == 404
    line.refresh_from_db()
    assert line.picks == {}
