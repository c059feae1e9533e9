"""No merchant account: orders are placed unpaid and the studio settles with the client."""

from __future__ import annotations

from collections.abc import Mapping

from proofroom.payments.base import (
    CheckoutRequest,
    CheckoutStart,
    GatewayError,
    PaymentEvent,
    PaymentGateway,
)

NO_CARDS = "This studio does not take card payments online; your order is placed unpaid."


class ManualGateway:
    """The default gateway: it takes no cards, so checkout never sends anyone to pay.

    The checkout asks ``takes_cards`` first; the card methods exist only to fit the
    interface and refuse, so a wrong call is loud instead of silently "paid".
    """

    name = PaymentGateway.MANUAL
    takes_cards = False

    def start_checkout(self, request: CheckoutRequest) -> CheckoutStart:
        raise GatewayError(NO_CARDS)

    def checkout_status(self, checkout_id: str) -> PaymentEvent:
        raise GatewayError(NO_CARDS)

    def parse_webhook(self, payload: bytes, headers: Mapping[str, str]) -> PaymentEvent | None:
        raise GatewayError(NO_CARDS)
