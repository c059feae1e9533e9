"""The default gateway, "no merchant account": orders are placed unpaid."""

from __future__ import annotations

import pytest

from proofroom.payments import gateway_for
from proofroom.payments.base import CheckoutRequest, GatewayError


def test_the_manual_gateway_takes_no_cards() -> None:
    gateway = gateway_for("manual")

    assert (gateway.name, gateway.takes_cards) == ("manual", False)


def test_the_manual_gateway_refuses_to_start_a_card_checkout() -> None:
    request = CheckoutRequest(
        reference="r",
        idempotency_key="k",
        amount=100,
        currency="EUR",
        description="d",
        customer_email="",
        success_url="http://gallery.example/ok/",
        cancel_url="http://gallery.example/back/",
    )
    with pytest.raises(GatewayError, match="does not take card payments"):
        gateway_for("manual").start_checkout(request)


def test_an_unknown_gateway_name_is_an_error() -> None:
    with pytest.raises(GatewayError, match="Unknown payment gateway"):
        gateway_for("paypal")
