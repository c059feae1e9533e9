"""Checkout raced by real requests: two tabs and a double click post at the same moment.

The posts go to a live server (one thread per request, as in production), from real
threads, so the database sees them overlap; run on PostgreSQL to see the race.
"""

from __future__ import annotations

import threading

import httpx
import pytest
from django.test import Client

from proofroom.gallery.accounts import Account
from proofroom.gallery.store.models import Order, OrderPayment
from tests.cast import CSRF_TOKEN, sign_in
from tests.conftest import needs_postgresql
from tests.fakes.stripe_api import FakeStripe
from tests.gallery.shop import PICKUP, add, checkout_url

pytestmark = [
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.usefixtures("sales_tax"),
]

POSTS = 4
# The race needs a database that lets writers overlap; the test run's in-memory SQLite
# refuses a second writer outright ("table is locked"), whatever the code does.


def race_checkout(live_server, client: Client, shop) -> list[httpx.Response]:  # type: ignore[no-untyped-def]
    """POSTS checkout posts of one signed-in browser, released together."""
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    url = live_server.url + checkout_url(shop)
    with httpx.Client(cookies=cookies) as browser:
        page = browser.get(url)
        assert page.status_code == 200, page.text[:400]
        token = CSRF_TOKEN.search(page.text)
        assert token is not None
        cookies = dict(browser.cookies.items())
    form = {**PICKUP, "csrfmiddlewaretoken": token.group(1)}
    start = threading.Barrier(POSTS)
    answers: list[httpx.Response] = []

    def post() -> None:
        with httpx.Client(cookies=cookies, headers={"Referer": url}, timeout=60) as tab:
            start.wait()
            answers.append(tab.post(url, data=form))

    threads = [threading.Thread(target=post) for _ in range(POSTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == POSTS
    return answers


def order_page(live_server, order: Order) -> str:  # type: ignore[no-untyped-def]
    return f"{live_server.url}/s/northlight/orders/{order.display_number}/"


@needs_postgresql
def test_four_simultaneous_checkout_posts_land_on_one_order_without_an_error(
    live_server, client: Client, ada: Account, shop
) -> None:  # type: ignore[no-untyped-def]
    """Issue 13, defect 14: two tabs and a double click post the checkout at once (no card
    gateway): one order, and every post lands on its confirmation, none on a 500."""
    sign_in(client, ada)
    add(client, shop, quantity=2)
    answers = race_checkout(live_server, client, shop)
    order = Order.objects.get()
    assert [a.status_code for a in answers] == [302] * POSTS, [a.text[:300] for a in answers]
    assert {a.headers["Location"] for a in answers} == {
        f"/s/northlight/orders/{order.display_number}/"
    }


@needs_postgresql
def test_four_simultaneous_card_checkouts_charge_once_and_all_reach_the_hosted_page(
    live_server, client: Client, ada: Account, shop, stripe: FakeStripe
) -> None:  # type: ignore[no-untyped-def]
    """Issue 13, defect 14: with card payments, four simultaneous checkout posts make one
    order, one checkout and one charge, and each of them goes on to the hosted page."""
    sign_in(client, ada)
    add(client, shop, quantity=2)
    answers = race_checkout(live_server, client, shop)
    assert [a.status_code for a in answers] == [302] * POSTS, [a.text[:300] for a in answers]
    order = Order.objects.get()
    assert {a.headers["Location"] for a in answers} == {
        f"{stripe.base_url}/pay/{order.checkout_id}"
    }
    assert stripe.sessions_created == 1
    assert stripe.pay(order.checkout_id) is True
    assert stripe.charges == 1 and OrderPayment.objects.count() == 1
