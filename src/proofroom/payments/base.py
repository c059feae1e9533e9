"""The gateway interface the gallery's checkout talks to.

A gateway never sees our database and we never see a card number: checkout
hands the gateway an amount and a reference (our order's uuid) and sends the
client to the gateway's hosted page; the gateway tells us the outcome by a
signed webhook (and, as a fallback when the client comes back, by a status
query). Amounts are integer minor units with an ISO 4217 currency.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from django.db import models


class PaymentGateway(models.TextChoices):
    """The gateways a studio may choose; each gateway's ``name`` is one of these."""

    MANUAL = "manual", "No merchant account (the studio contacts the client)"
    STRIPE = "stripe", "Card payments with Stripe Checkout"


class GatewayError(Exception):
    """The gateway could not be reached or refused the request; the message is for people."""


class WebhookRejected(Exception):
    """A webhook that must not be believed: bad or missing signature, stale timestamp."""


@dataclass(frozen=True)
class CheckoutRequest:
    reference: str  # our order's uuid; the gateway echoes it back
    idempotency_key: str  # the same key never starts a second checkout
    amount: int
    currency: str
    description: str
    customer_email: str
    success_url: str
    cancel_url: str


@dataclass(frozen=True)
class CheckoutStart:
    checkout_id: str  # the gateway's id of the hosted checkout
    redirect_url: str  # where the client pays


@dataclass(frozen=True)
class PaymentEvent:
    """What the gateway says about one checkout."""

    event_id: str  # unique per event; a replayed webhook repeats it
    reference: str  # our order's uuid, as given in the CheckoutRequest
    checkout_id: str
    payment_id: str  # the gateway's id of the captured payment ("" while unpaid)
    amount: int
    currency: str
    paid: bool
    # Where the client can still pay this checkout ("" once it is complete or expired),
    # and whether it expired unpaid (a new checkout is then needed to pay).
    open_url: str = ""
    expired: bool = False


class Gateway(Protocol):
    name: PaymentGateway
    takes_cards: bool  # False: orders are placed unpaid and the studio contacts the client

    def start_checkout(self, request: CheckoutRequest) -> CheckoutStart: ...

    def checkout_status(self, checkout_id: str) -> PaymentEvent: ...

    def parse_webhook(self, payload: bytes, headers: Mapping[str, str]) -> PaymentEvent | None:
        """Verify and read a webhook; None for an event kind we do not act on.
        Raises WebhookRejected when it must not be believed."""
        ...
