"""Card payments through Stripe Checkout, against the fake Stripe over real HTTP.

The real ``stripe`` library makes the requests; only the server is ours.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from proofroom.payments import gateway_for
from proofroom.payments.base import CheckoutRequest, Gateway, GatewayError, WebhookRejected
from tests.fakes.stripe_api import FakeStripe

ORDER = "6f1c2a7e-5b8d-4c1e-9f3a-2d4b6c8e0a11"
REQUEST = CheckoutRequest(
    reference=ORDER,
    idempotency_key=f"order-{ORDER}",
    amount=4250,
    currency="EUR",
    description="Northlight Studio order K7MQ-2XDA",
    customer_email="ada@example.com",
    success_url="http://gallery.example/s/northlight/orders/K7MQ-2XDA/paid/",
    cancel_url="http://gallery.example/s/northlight/orders/K7MQ-2XDA/",
)


@pytest.fixture
def fake(settings: Any) -> Iterator[FakeStripe]:
    with FakeStripe(webhook_secret="whsec_test") as fake:
        settings.STRIPE_API_BASE = fake.base_url
        yield fake


@pytest.fixture
def gateway(fake: FakeStripe) -> Gateway:
    return gateway_for("stripe", secret_key=fake.api_key, webhook_secret=fake.webhook_secret)


def test_start_checkout_sends_the_client_to_the_hosted_page(
    fake: FakeStripe, gateway: Gateway
) -> None:
    start = gateway.start_checkout(REQUEST)

    assert start.checkout_id.startswith("cs_test_")
    assert start.redirect_url == f"{fake.base_url}/pay/{start.checkout_id}"
    page = httpx.get(start.redirect_url)
    assert page.status_code == 200
    assert "42.50 EUR" in page.text


def test_the_same_idempotency_key_starts_one_checkout(fake: FakeStripe, gateway: Gateway) -> None:
    first = gateway.start_checkout(REQUEST)
    again = gateway.start_checkout(REQUEST)

    assert again == first
    assert fake.sessions_created == 1

    gateway.start_checkout(replace(REQUEST, idempotency_key="order-other"))
    assert fake.sessions_created == 2


def test_amount_currency_and_reference_reach_the_gateway_as_sent(
    fake: FakeStripe, gateway: Gateway
) -> None:
    start = gateway.start_checkout(REQUEST)

    (sent,) = fake.requests
    assert sent["mode"] == "payment"
    assert sent["line_items"] == [
        {
            "quantity": "1",
            "price_data": {
                "currency": "eur",
                "unit_amount": "4250",
                "product_data": {"name": "Northlight Studio order K7MQ-2XDA"},
            },
        }
    ]
    assert sent["client_reference_id"] == ORDER
    assert sent["metadata"] == {"order": ORDER}
    assert sent["customer_email"] == "ada@example.com"
    assert sent["success_url"] == REQUEST.success_url + "?checkout={CHECKOUT_SESSION_ID}"
    assert sent["cancel_url"] == REQUEST.cancel_url
    session = fake.session(start.checkout_id)
    assert (session["amount_total"], session["currency"]) == (4250, "eur")


def test_a_wrong_api_key_is_a_readable_gateway_error(fake: FakeStripe) -> None:
    for key in ("sk_live_not_this_one", ""):
        gateway = gateway_for("stripe", secret_key=key, webhook_secret=fake.webhook_secret)
        with pytest.raises(GatewayError, match="card payments are not set up correctly"):
            gateway.start_checkout(REQUEST)
    assert fake.sessions_created == 0


def test_an_unreachable_gateway_is_a_readable_gateway_error(settings: Any) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{port}"
    gateway = gateway_for("stripe", secret_key="sk_test_fake", webhook_secret="whsec_test")

    with pytest.raises(GatewayError) as raised:
        gateway.start_checkout(REQUEST)
    assert str(raised.value) == (
        "The card service could not be reached; your order is saved, try again."
    )
    with pytest.raises(GatewayError, match="could not be reached"):
        gateway.checkout_status("cs_test_anything")


def test_an_unknown_checkout_is_a_gateway_error(gateway: Gateway) -> None:
    with pytest.raises(GatewayError, match="refused"):
        gateway.checkout_status("cs_test_nosuchsession")


def test_checkout_status_is_unpaid_until_the_client_pays(
    fake: FakeStripe, gateway: Gateway
) -> None:
    start = gateway.start_checkout(REQUEST)

    before = gateway.checkout_status(start.checkout_id)
    assert (before.paid, before.payment_id, before.reference) == (False, "", ORDER)

    assert fake.pay(start.checkout_id)

    after = gateway.checkout_status(start.checkout_id)
    assert after.paid
    assert after.payment_id == fake.session(start.checkout_id)["payment_intent"]
    assert after.payment_id.startswith("pi_")
    assert (after.reference, after.checkout_id) == (ORDER, start.checkout_id)
    assert (after.amount, after.currency) == (4250, "EUR")


def test_paying_on_the_hosted_page_returns_the_client_to_the_success_url(
    fake: FakeStripe, gateway: Gateway
) -> None:
    start = gateway.start_checkout(REQUEST)

    response = httpx.post(start.redirect_url)

    assert response.status_code == 303
    assert response.headers["Location"] == f"{REQUEST.success_url}?checkout={start.checkout_id}"
    assert gateway.checkout_status(start.checkout_id).paid


def test_paying_twice_charges_once(fake: FakeStripe, gateway: Gateway) -> None:
    start = gateway.start_checkout(REQUEST)

    assert fake.pay(start.checkout_id)
    assert not fake.pay(start.checkout_id)
    assert fake.charges == 1


def test_parse_webhook_reads_the_signed_payment(fake: FakeStripe, gateway: Gateway) -> None:
    start = gateway.start_checkout(REQUEST)
    fake.pay(start.checkout_id)
    assert fake.last_webhook is not None
    payload, signature = fake.last_webhook

    # Header names arrive in any case (Django's request.headers does not care either).
    event = gateway.parse_webhook(payload, {"stripe-signature": signature})

    assert event is not None
    assert event.event_id == json.loads(payload)["id"]
    assert event.paid
    assert (event.reference, event.checkout_id) == (ORDER, start.checkout_id)
    assert event.payment_id == fake.session(start.checkout_id)["payment_intent"]
    assert (event.amount, event.currency) == (4250, "EUR")


def test_an_async_payment_that_succeeds_is_read_as_paid(fake: FakeStripe, gateway: Gateway) -> None:
    start = gateway.start_checkout(REQUEST)
    fake.pay(start.checkout_id)
    payload, signature = fake.send_event(
        "checkout.session.async_payment_succeeded", fake.session(start.checkout_id)
    )

    event = gateway.parse_webhook(payload, {"Stripe-Signature": signature})

    assert event is not None and event.paid and event.reference == ORDER


def _tampered(payload: bytes) -> bytes:
    event = json.loads(payload)
    event["data"]["object"]["amount_total"] = 1
    return json.dumps(event, indent=2).encode()


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda fake, p, s: (p, fake.sign(p, secret="whsec_other")), id="wrong-secret"),
        pytest.param(lambda fake, p, s: (_tampered(p), s), id="tampered-payload"),
        pytest.param(lambda fake, p, s: (p, None), id="missing-header"),
        pytest.param(lambda fake, p, s: (p, "t=,v1="), id="garbled-header"),
        pytest.param(
            lambda fake, p, s: (p, fake.sign(p, timestamp=int(time.time()) - 600)),
            id="ten-minutes-old",
        ),
    ],
)
def test_a_webhook_that_must_not_be_believed_is_rejected(
    fake: FakeStripe, gateway: Gateway, forge: Any
) -> None:
    start = gateway.start_checkout(REQUEST)
    fake.pay(start.checkout_id)
    assert fake.last_webhook is not None
    payload, signature = forge(fake, *fake.last_webhook)
    headers = {} if signature is None else {"Stripe-Signature": signature}

    with pytest.raises(WebhookRejected):
        gateway.parse_webhook(payload, headers)


def test_a_webhook_with_no_secret_configured_is_rejected(fake: FakeStripe) -> None:
    gateway = gateway_for("stripe", secret_key=fake.api_key, webhook_secret="")
    start = gateway.start_checkout(REQUEST)
    fake.pay(start.checkout_id)
    assert fake.last_webhook is not None
    payload, signature = fake.last_webhook

    with pytest.raises(WebhookRejected):
        gateway.parse_webhook(payload, {"Stripe-Signature": signature})


@pytest.mark.parametrize(
    "event_type", ["checkout.session.expired", "checkout.session.async_payment_failed"]
)
def test_an_event_we_do_not_act_on_is_none(
    fake: FakeStripe, gateway: Gateway, event_type: str
) -> None:
    start = gateway.start_checkout(REQUEST)
    payload, signature = fake.send_event(event_type, fake.session(start.checkout_id))

    assert gateway.parse_webhook(payload, {"Stripe-Signature": signature}) is None


def test_a_checkout_of_another_integration_is_none(fake: FakeStripe, gateway: Gateway) -> None:
    foreign = {"id": "cs_test_foreign", "object": "checkout.session", "payment_status": "paid"}
    payload, signature = fake.send_event("checkout.session.completed", foreign)

    assert gateway.parse_webhook(payload, {"Stripe-Signature": signature}) is None


class _Receiver(BaseHTTPRequestHandler):
    received: list[tuple[bytes, str]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((body, self.headers["Stripe-Signature"]))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_the_fake_posts_the_signed_webhook_and_can_retry_it_byte_for_byte(
    fake: FakeStripe, gateway: Gateway
) -> None:
    received: list[tuple[bytes, str]] = []
    handler = type("Receiver", (_Receiver,), {"received": received})
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as receiver:
        thread = threading.Thread(
            target=receiver.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        thread.start()
        try:
            fake.webhook_url = f"http://127.0.0.1:{receiver.server_address[1]}/hook/"
            start = gateway.start_checkout(REQUEST)
            fake.pay(start.checkout_id)
            assert fake.deliver_again() == 200
        finally:
            receiver.shutdown()

    assert len(received) == 2
    assert received[0] == received[1] == fake.last_webhook
    event = gateway.parse_webhook(received[1][0], {"Stripe-Signature": received[1][1]})
    assert event is not None and event.paid
    assert fake.charges == 1
