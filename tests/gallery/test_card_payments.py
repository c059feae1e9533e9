"""Card payments through Stripe Checkout, against a fake of Stripe's HTTP API on loopback
(tests/fakes/stripe_api.py) and a live gallery it posts its signed webhooks to.

The card never reaches us: checkout sends the client to the hosted page. The payment is
recorded once, however it is learned (the webhook, a retried webhook, the client coming
back first) and however often the client clicks; a webhook that is not Stripe's, or is
stale, changes nothing."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from django.test import Client

from proofroom.gallery.feed import Change
from proofroom.gallery.store.models import Order, OrderPayment, OrderStatus, WebhookEvent
from proofroom.gallery.tenants import Studio, studio_payments_configure
from proofroom.sync import protocol
from proofroom.sync.protocol import ChangeKind
from tests.fakes.stripe_api import API_VERSION, FakeStripe
from tests.gallery.shop import PICKUP, add, checkout_url

pytestmark = [
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.usefixtures("sales_tax"),
]

WEBHOOK = "/s/northlight/payments/stripe/webhook/"


@pytest.fixture
def basket(shopper: Client, shop) -> Client:  # type: ignore[no-untyped-def]
    """Ada, signed in, with two 8x10 in prints in her cart."""
    add(shopper, shop, quantity=2)  # twice $25.00, plus 8.25 % = $54.13
    return shopper


def checkout(client: Client, shop, fake: FakeStripe) -> str:  # type: ignore[no-untyped-def]
    """Place the order; the hosted page's checkout id it redirects to."""
    answer = client.post(checkout_url(shop), PICKUP)
    assert answer.status_code == 302, answer.content.decode()[:400]
    location = answer["Location"]
    assert location.startswith(f"{fake.base_url}/pay/"), location
    return location.rsplit("/", 1)[1]


def order_changes() -> list[protocol.OrderChange]:
    return [
        protocol.OrderChange.model_validate(change.payload)
        for change in Change.objects.filter(kind=ChangeKind.ORDER).order_by("id")
    ]


def forged(fake: FakeStripe, checkout_id: str, **session_changes: object) -> bytes:
    """A checkout.session.completed event for this checkout, as Stripe would word it."""
    session = fake.session(checkout_id)
    session.update(status="complete", payment_status="paid", payment_intent="pi_3forged")
    session.update(session_changes)
    event = {
        "id": f"evt_1forged{int(time.time() * 1000)}",
        "object": "event",
        "api_version": API_VERSION,
        "created": int(time.time()),
        "data": {"object": session},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": "checkout.session.completed",
    }
    return json.dumps(event).encode()


def post_webhook(live_server, payload: bytes, signature: str) -> httpx.Response:  # type: ignore[no-untyped-def]
    return httpx.post(
        live_server.url + WEBHOOK,
        content=payload,
        headers={"Stripe-Signature": signature, "Content-Type": "application/json"},
    )


def test_the_client_pays_on_the_hosted_page_and_the_webhook_places_the_order_once(
    basket: Client, shop, stripe: FakeStripe
) -> None:  # type: ignore[no-untyped-def]
    checkout_id = checkout(basket, shop, stripe)
    order = Order.objects.get()
    assert (order.status, order.checkout_id, order.total) == (
        OrderStatus.AWAITING_PAYMENT,
        checkout_id,
        5413,
    )
    assert order_changes() == []  # the studio hears of it once it is paid
    (sent,) = stripe.requests
    assert sent["client_reference_id"] == str(order.uuid)
    assert sent["line_items"][0]["price_data"]["unit_amount"] == "5413"

    assert stripe.pay(checkout_id) is True
    assert stripe.deliveries == [200]
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED and order.placed_at is not None
    payment = OrderPayment.objects.get()
    assert (payment.order_id, payment.amount, payment.currency) == (order.pk, 5413, "USD")
    assert payment.reference.startswith("pi_")
    (change,) = order_changes()
    assert [(p.gateway, p.reference, p.amount, p.currency) for p in change.payments] == [
        ("stripe", payment.reference, 5413, "USD")
    ]
    assert change.number == order.display_number and change.total == 5413

    assert stripe.deliver_again() == 200  # Stripe retries: nothing more happens
    assert OrderPayment.objects.count() == 1 and len(order_changes()) == 1
    assert stripe.charges == 1

    page = basket.get(f"/s/northlight/orders/{order.display_number}/").content.decode()
    assert "Paid by card" in page and "Pay now" not in page


def test_a_double_click_or_two_tabs_make_one_checkout_and_one_charge(
    basket: Client, shop, stripe: FakeStripe
) -> None:  # type: ignore[no-untyped-def]
    first = checkout(basket, shop, stripe)
    second = checkout(basket, shop, stripe)
    assert first == second
    assert stripe.sessions_created == 1 and Order.objects.count() == 1
    assert stripe.pay(first) is True
    assert stripe.pay(second) is False  # the hosted page charges once
    assert stripe.charges == 1 and OrderPayment.objects.count() == 1 and len(order_changes()) == 1


def test_coming_back_before_the_webhook_records_the_payment_and_the_late_webhook_is_a_no_op(
    basket: Client, shop, stripe: FakeStripe, live_server
) -> None:  # type: ignore[no-untyped-def]
    checkout_id = checkout(basket, shop, stripe)
    order = Order.objects.get()
    stripe.webhook_url = None  # the webhook is late
    assert stripe.pay(checkout_id)
    back = basket.get(f"/s/northlight/orders/{order.display_number}/?checkout={checkout_id}")
    assert back.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED and OrderPayment.objects.count() == 1
    assert len(order_changes()) == 1
    assert basket.get(back["Location"]).status_code == 200

    stripe.webhook_url = live_server.url + WEBHOOK
    assert stripe.deliver_again() == 200
    assert OrderPayment.objects.count() == 1 and len(order_changes()) == 1
    assert WebhookEvent.objects.count() == 2  # the status query and the webhook, each once


def test_coming_back_unpaid_keeps_the_order_waiting(
    basket: Client, shop, stripe: FakeStripe
) -> None:  # type: ignore[no-untyped-def]
    checkout_id = checkout(basket, shop, stripe)
    order = Order.objects.get()
    basket.get(f"/s/northlight/orders/{order.display_number}/?checkout={checkout_id}")
    cancelled = basket.get(f"/s/northlight/orders/{order.display_number}/?cancelled=1")
    page = basket.get(cancelled["Location"]).content.decode()
    assert "Your payment was not completed" in page and "Pay now" in page
    assert OrderPayment.objects.count() == 0 and order_changes() == []
    stripe.pay(checkout_id)  # later, then the webhook
    assert Order.objects.get().status == OrderStatus.PLACED


def test_a_webhook_with_a_wrong_signature_is_refused_and_changes_nothing(
    basket: Client, shop, stripe: FakeStripe, live_server
) -> None:  # type: ignore[no-untyped-def]
    checkout_id = checkout(basket, shop, stripe)
    payload = forged(stripe, checkout_id)
    wrong = post_webhook(live_server, payload, stripe.sign(payload, secret="whsec_someone_else"))
    assert wrong.status_code == 400
    assert post_webhook(live_server, payload, "").status_code == 400
    tampered = payload.replace(b"5413", b"5414")
    assert post_webhook(live_server, tampered, stripe.sign(payload)).status_code == 400
    assert Order.objects.get().status == OrderStatus.AWAITING_PAYMENT
    assert OrderPayment.objects.count() == 0 and order_changes() == []
    assert WebhookEvent.objects.count() == 0


def test_a_stale_webhook_is_refused(basket: Client, shop, stripe: FakeStripe, live_server) -> None:  # type: ignore[no-untyped-def]
    checkout_id = checkout(basket, shop, stripe)
    payload = forged(stripe, checkout_id)
    stale = stripe.sign(payload, timestamp=int(time.time()) - 600)
    assert post_webhook(live_server, payload, stale).status_code == 400
    assert OrderPayment.objects.count() == 0 and order_changes() == []
    assert post_webhook(live_server, payload, stripe.sign(payload)).status_code == 200
    assert OrderPayment.objects.count() == 1  # the same event, freshly signed, is believed


def test_a_payment_of_another_amount_does_not_place_the_order(
    basket: Client, shop, stripe: FakeStripe, live_server
) -> None:  # type: ignore[no-untyped-def]
    checkout_id = checkout(basket, shop, stripe)
    for changes in ({"amount_total": 100}, {"currency": "eur"}):
        payload = forged(stripe, checkout_id, **changes)
        assert post_webhook(live_server, payload, stripe.sign(payload)).status_code == 200
    assert Order.objects.get().status == OrderStatus.AWAITING_PAYMENT
    assert OrderPayment.objects.count() == 0 and order_changes() == []


def test_a_webhook_about_an_order_we_do_not_know_is_acknowledged_and_ignored(
    basket: Client, shop, stripe: FakeStripe, live_server
) -> None:  # type: ignore[no-untyped-def]
    checkout_id = checkout(basket, shop, stripe)
    for reference in ("00000000-0000-4000-8000-000000000000", "not-a-uuid"):
        payload = forged(
            stripe, checkout_id, client_reference_id=reference, metadata={"order": reference}
        )
        assert post_webhook(live_server, payload, stripe.sign(payload)).status_code == 200
    assert OrderPayment.objects.count() == 0 and order_changes() == []


def test_a_studio_without_card_payments_has_no_webhook(gallery_studio: Studio, live_server) -> None:  # type: ignore[no-untyped-def]
    answer = post_webhook(live_server, b"{}", "t=1,v1=00")
    assert answer.status_code == 404
    assert httpx.post(live_server.url + "/s/nowhere/payments/stripe/webhook/").status_code == 404


def test_when_the_gateway_cannot_start_the_order_waits_with_a_pay_now_button(
    basket: Client, shop, stripe: FakeStripe, gallery_studio: Studio
) -> None:  # type: ignore[no-untyped-def]
    studio_payments_configure(
        studio=gallery_studio,
        gateway="stripe",
        secret_key="sk_live_not_accepted_here",
        webhook_secret="whsec_test",
    )
    answer = basket.post(checkout_url(shop), PICKUP)
    order = Order.objects.get()
    assert answer["Location"] == f"/s/northlight/orders/{order.display_number}/"
    page = basket.get(answer["Location"]).content.decode()
    assert "The card payment could not be started just now" in page
    assert "card payments are not set up correctly" in page
    assert "Pay now" in page and order.status == OrderStatus.AWAITING_PAYMENT
    assert stripe.sessions_created == 0

    studio_payments_configure(
        studio=gallery_studio,
        gateway="stripe",
        secret_key=stripe.api_key,
        webhook_secret="whsec_test",
    )
    pay = basket.post(f"/s/northlight/orders/{order.display_number}/pay/")
    assert pay["Location"].startswith(f"{stripe.base_url}/pay/")
    assert stripe.pay(pay["Location"].rsplit("/", 1)[1])
    assert Order.objects.get().status == OrderStatus.PLACED and len(order_changes()) == 1


def test_payment_settings_are_checked(gallery_studio: Studio) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Unknown payment gateway"):
        studio_payments_configure(studio=gallery_studio, gateway="paypal")
    with pytest.raises(ValidationError, match="secret key"):
        studio_payments_configure(studio=gallery_studio, gateway="stripe", webhook_secret="whsec_x")
    with pytest.raises(ValidationError, match="signing secret"):
        studio_payments_configure(studio=gallery_studio, gateway="stripe", secret_key="sk_test_x")
    studio_payments_configure(
        studio=gallery_studio, gateway="stripe", secret_key="sk_test_x", webhook_secret="whsec_x"
    )
    studio_payments_configure(studio=gallery_studio, gateway="manual", secret_key="sk_test_x")
    gallery_studio.refresh_from_db()
    assert (gallery_studio.payment_gateway, gallery_studio.stripe_secret_key) == ("manual", "")


def test_on_a_server_without_the_key_that_sealed_them_payments_stop_cleanly_and_resume(
    basket: Client, shop, stripe: FakeStripe, live_server, settings, caplog
) -> None:  # type: ignore[no-untyped-def]
    """The database moved to a server with another secrets key (a restore without the
    key): the client is told card payments are unavailable and keeps the order; the webhook
    asks Stripe to retry; nothing is lost once the right key is back."""
    from cryptography.fernet import Fernet

    checkout_id = checkout(basket, shop, stripe)
    order = Order.objects.get()
    right_keys = settings.SECRETS_KEYS
    settings.SECRETS_KEYS = [Fernet.generate_key().decode()]
    stripe.webhook_url = None
    assert stripe.pay(checkout_id)
    payload = forged(stripe, checkout_id)
    refused = post_webhook(live_server, payload, stripe.sign(payload))
    assert refused.status_code == 503  # Stripe keeps the event and retries it
    assert "sk_" not in refused.text and "sealed" not in refused.text

    back = basket.get(f"/s/northlight/orders/{order.display_number}/?checkout={checkout_id}")
    page = basket.get(back["Location"] if back.status_code == 302 else "").content.decode()
    assert "card payments are not set up correctly on this site" in page
    assert Order.objects.get().status == OrderStatus.AWAITING_PAYMENT
    assert "card payments are off" in caplog.text and "PROOFROOM_SECRETS_KEY" in caplog.text

    settings.SECRETS_KEYS = right_keys
    assert post_webhook(live_server, payload, stripe.sign(payload)).status_code == 200
    assert Order.objects.get().status == OrderStatus.PLACED
    assert OrderPayment.objects.count() == 1 and len(order_changes()) == 1


def pay_now(client: Client, order: Order) -> str:
    """Press "Pay now" on the order's page; where it leads."""
    answer = client.post(f"/s/northlight/orders/{order.display_number}/pay/")
    assert answer.status_code == 302
    return str(answer["Location"])


def test_pay_now_resumes_the_open_checkout_and_replaces_one_that_expired_unpaid(
    basket: Client, shop, stripe: FakeStripe
) -> None:  # type: ignore[no-untyped-def]
    first = checkout(basket, shop, stripe)
    order = Order.objects.get()
    assert pay_now(basket, order) == f"{stripe.base_url}/pay/{first}"  # still open: the same
    assert stripe.sessions_created == 1

    stripe.expire(first)  # the client came back two days later
    again = pay_now(basket, order)
    second = again.rsplit("/", 1)[1]
    assert again.startswith(f"{stripe.base_url}/pay/") and second != first
    assert pay_now(basket, order) == again  # a double click on the new one: no third
    assert stripe.sessions_created == 2
    assert stripe.pay(first) is False  # the expired page takes no money
    assert stripe.pay(second) is True
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED and order.checkout_id == second
    assert stripe.charges == 1 and OrderPayment.objects.count() == 1 and len(order_changes()) == 1


def test_pay_now_on_an_order_paid_whose_webhook_is_late_records_it_and_charges_nothing_more(
    basket: Client, shop, stripe: FakeStripe
) -> None:  # type: ignore[no-untyped-def]
    checkout_id = checkout(basket, shop, stripe)
    order = Order.objects.get()
    stripe.webhook_url = None  # paid in another tab; the webhook has not come yet
    assert stripe.pay(checkout_id)
    landed = pay_now(basket, order)
    assert landed == f"/s/northlight/orders/{order.display_number}/"
    assert "Your payment has been received" in basket.get(landed).content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED and OrderPayment.objects.count() == 1
    assert stripe.sessions_created == 1 and stripe.charges == 1 and len(order_changes()) == 1
