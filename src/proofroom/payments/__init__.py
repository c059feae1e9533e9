"""Taking payments online, behind one gateway interface (see ``base``)."""

from __future__ import annotations

from proofroom.payments.base import Gateway, GatewayError, PaymentGateway
from proofroom.payments.manual import ManualGateway
from proofroom.payments.stripe_checkout import StripeCheckout

GATEWAYS = tuple(PaymentGateway.values)


def gateway_for(name: str, *, secret_key: str = "", webhook_secret: str = "") -> Gateway:
    """The gateway a studio chose, with its credentials; "manual" needs none."""
    if name == PaymentGateway.MANUAL:
        return ManualGateway()
    if name == PaymentGateway.STRIPE:
        return StripeCheckout(secret_key=secret_key, webhook_secret=webhook_secret)
    raise GatewayError(f"Unknown payment gateway {name!r}.")


__all__ = ["GATEWAYS", "PaymentGateway", "gateway_for"]
