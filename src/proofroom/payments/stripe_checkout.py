"""Card payments through Stripe Checkout: Stripe's hosted page takes the card, never us.

We create a Checkout Session for the order total (one line item, the order's
description), send the client to its URL, and learn the outcome from Stripe's
signed ``checkout.session.completed`` webhook or, when the client comes back
first, by retrieving the session. The order's uuid travels as the session's
``client_reference_id`` and ``metadata["order"]``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import stripe
from django.conf import settings
from stripe.params.checkout import SessionCreateParams

from proofroom.payments.base import (
    CheckoutRequest,
    CheckoutStart,
    GatewayError,
    PaymentEvent,
    PaymentGateway,
    WebhookRejected,
)

logger = logging.getLogger(__name__)

WEBHOOK_TOLERANCE = 300  # seconds; an older signed webhook may be a replay
PAID_EVENTS = frozenset({"checkout.session.completed", "checkout.session.async_payment_succeeded"})
UNREACHABLE = "The card service could not be reached; your order is saved, try again."
MISCONFIGURED = (
    "The studio's card payments are not set up correctly; your order is saved, "
    "please let the studio know."
)
BUSY = "The card service is busy; your order is saved, try again in a minute."
REFUSED = "The card service refused this payment; your order is saved, please contact the studio."


def _readable(error: stripe.StripeError) -> GatewayError:
    """A StripeError as a message for the client; the details go to the log for the operator."""
    logger.warning("Stripe request failed: %s (%s)", error, type(error).__name__)
    if isinstance(error, stripe.APIConnectionError):
        return GatewayError(UNREACHABLE)
    if isinstance(error, stripe.AuthenticationError | stripe.PermissionError):
        return GatewayError(MISCONFIGURED)
    if isinstance(error, stripe.RateLimitError | stripe.APIError):
        return GatewayError(BUSY)
    return GatewayError(REFUSED)


def _success_url(url: str) -> str:
    """Stripe fills in {CHECKOUT_SESSION_ID}: the return page knows which checkout to ask about."""
    if "{CHECKOUT_SESSION_ID}" in url:
        return url
    return url + ("&" if "?" in url else "?") + "checkout={CHECKOUT_SESSION_ID}"


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is not None:
        return value
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)


def _payment_event(session: Mapping[str, Any], *, event_id: str) -> PaymentEvent:
    payment_intent = session.get("payment_intent") or ""
    if isinstance(payment_intent, Mapping):  # when expanded
        payment_intent = payment_intent.get("id", "")
    metadata = session.get("metadata") or {}
    paid = session.get("payment_status") == "paid"
    return PaymentEvent(
        event_id=event_id,
        reference=session.get("client_reference_id") or metadata.get("order", ""),
        checkout_id=session["id"],
        payment_id=str(payment_intent) if paid else "",
        amount=int(session.get("amount_total") or 0),
        currency=str(session.get("currency") or "").upper(),
        paid=paid,
        open_url=str(session.get("url") or "") if session.get("status") == "open" else "",
        expired=session.get("status") == "expired",
    )


class StripeCheckout:
    """The Stripe gateway for one studio's account (its secret key and webhook secret)."""

    name = PaymentGateway.STRIPE
    takes_cards = True

    def __init__(
        self,
        *,
        secret_key: str,
        webhook_secret: str,
        api_base: str | None = None,
        max_network_retries: int = 2,
    ) -> None:
        self._secret_key = secret_key
        self._webhook_secret = webhook_secret
        self._client = stripe.StripeClient(
            secret_key or "sk_missing",
            base_addresses={"api": api_base or settings.STRIPE_API_BASE},
            # Retries are safe: every POST carries an idempotency key.
            max_network_retries=max_network_retries,
            http_client=stripe.RequestsClient(timeout=(5, 30)),
        )

    def _require_key(self) -> None:
        if not self._secret_key:
            raise GatewayError(MISCONFIGURED)

    def start_checkout(self, request: CheckoutRequest) -> CheckoutStart:
        self._require_key()
        params: SessionCreateParams = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": request.currency.lower(),
                        "unit_amount": request.amount,
                        "product_data": {"name": request.description},
                    },
                }
            ],
            "client_reference_id": request.reference,
            "metadata": {"order": request.reference},
            "success_url": _success_url(request.success_url),
            "cancel_url": request.cancel_url,
        }
        if request.customer_email:
            params["customer_email"] = request.customer_email
        try:
            session = self._client.v1.checkout.sessions.create(
                params, options={"idempotency_key": request.idempotency_key}
            )
        except stripe.StripeError as error:
            raise _readable(error) from error
        if not session.url:
            raise GatewayError(REFUSED)
        return CheckoutStart(checkout_id=session.id, redirect_url=session.url)

    def checkout_status(self, checkout_id: str) -> PaymentEvent:
        """The session as it is now; ``event_id`` is ``status:<checkout id>:<payment status>``."""
        self._require_key()
        try:
            session = self._client.v1.checkout.sessions.retrieve(checkout_id)
        except stripe.StripeError as error:
            raise _readable(error) from error
        data = session.to_dict()
        return _payment_event(data, event_id=f"status:{checkout_id}:{data.get('payment_status')}")

    def parse_webhook(self, payload: bytes, headers: Mapping[str, str]) -> PaymentEvent | None:
        """A paid (or async-paid) checkout of ours as a PaymentEvent; None for anything else."""
        try:
            event = self._client.construct_event(
                payload,
                _header(headers, "Stripe-Signature"),
                self._webhook_secret,
                tolerance=WEBHOOK_TOLERANCE,
            )
        except stripe.SignatureVerificationError as error:
            raise WebhookRejected(str(error)) from error
        except ValueError as error:  # signed, but not a Stripe event
            raise WebhookRejected("The webhook body is not a Stripe event.") from error
        if event.type not in PAID_EVENTS:
            return None
        session = event.to_dict()["data"]["object"]
        if session.get("object") != "checkout.session":
            return None
        found = _payment_event(session, event_id=event.id)
        # A checkout of another integration on the same Stripe account is none of ours.
        return found if found.reference else None
