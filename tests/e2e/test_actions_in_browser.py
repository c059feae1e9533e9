"""Issue 12: forms whose buttons each post to their own URL, in a real browser: the prepaid
order's "Save for later" and "Submit my choices" (one form, the second button's
``formaction``), the account's two forms, and a cart line's Remove."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from proofroom.gallery.accounts import Account
from proofroom.gallery.prepaid import PrepaidItem, PrepaidOrder, prepaid_put
from proofroom.gallery.store.carts import CartLine, cart_add, cart_for
from proofroom.gallery.tenants import Studio
from proofroom.sync import protocol
from tests.cast import Published
from tests.e2e.conftest import sign_in_in_browser
from tests.gallery.shop import PRINT_8X10, shop_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases="__all__")]

PRINTS = uuid.UUID("22222222-2222-4222-8222-222222222222")
CANVAS = uuid.UUID("33333333-3333-4333-8333-333333333333")


def chosen(order: PrepaidOrder) -> dict[uuid.UUID, uuid.UUID | None]:
    items = PrepaidItem.objects.filter(order=order).select_related("image")
    return {item.uuid: item.image.uuid if item.image else None for item in items}


def test_prepaid_choices_are_saved_then_submitted(  # type: ignore[no-untyped-def]
    live_server, page: Page, gallery_studio: Studio, ada: Account, published: Published
) -> None:
    order = prepaid_put(
        studio=gallery_studio,
        data=protocol.PrepaidOrder(
            uuid=uuid.uuid4(),
            number=1042,
            client=ada.client_uuid,
            session=published.session.uuid,
            currency="USD",
            total=18000,
            paid=18000,
            items=[
                protocol.PrepaidItem(uuid=PRINTS, name="Print", quantity=2),
                protocol.PrepaidItem(uuid=CANVAS, name="Gallery canvas", quantity=1),
            ],
        ),
    )
    sign_in_in_browser(page, live_server.url, ada)
    page.goto(f"{live_server.url}/s/northlight/prepaid/{order.uuid}/")
    first, third = published.images[0], published.images[2]

    page.locator(f'input[name="item-{PRINTS}"][value="{first.uuid}"]').check()
    page.get_by_role("button", name="Save for later").click()
    expect(page.locator("body")).to_contain_text("Your choices are kept")
    assert chosen(order) == {PRINTS: first.uuid, CANVAS: None}

    page.locator(f'input[name="item-{CANVAS}"][value="{third.uuid}"]').check()
    page.get_by_role("button", name="Submit my choices").click()
    expect(page.locator("body")).to_contain_text("Your choices are sent to the studio")
    order.refresh_from_db()
    assert order.submitted_at is not None
    assert chosen(order) == {PRINTS: first.uuid, CANVAS: third.uuid}


def test_the_account_forms_and_a_cart_lines_remove_post_to_their_own_urls(  # type: ignore[no-untyped-def]
    live_server, page: Page, gallery_studio: Studio, ada: Account
) -> None:
    shop = shop_session(gallery_studio, ada)
    cart_add(
        account=ada,
        session=shop.session,
        product_uuid=PRINT_8X10,
        image=shop.session.images.get(uuid=shop.images[0].uuid),
    )
    sign_in_in_browser(page, live_server.url, ada)

    page.goto(f"{live_server.url}/s/northlight/account/")
    name_form = page.locator("form", has_text="User name")
    name_form.get_by_label("New user name").fill("ada.s")
    name_form.get_by_label("Current password").fill("wrong")
    name_form.get_by_role("button", name="Change user name").click()
    expect(page.locator("body")).to_contain_text("That is not your current password.")
    assert page.url.endswith("/s/northlight/account/username/")

    page.goto(f"{live_server.url}/s/northlight/cart/")
    page.get_by_role("button", name="Remove").click()
    expect(page.locator("body")).to_contain_text("removed")
    assert not CartLine.objects.filter(cart=cart_for(account=ada, session=shop.session)).exists()
