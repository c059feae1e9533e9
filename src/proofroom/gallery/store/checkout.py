"""Card payments: the client pays on the gateway's hosted page, and the gateway's word that
it is paid (a signed webhook, or the status query when the client comes back, whichever is
first) records one payment and places the order once (``order_payment_record``).
"""

from __future__ import annotations

import contextlib
import logging
import uuid

from django.db import IntegrityError
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from proofroom.core.sealing import UnsealError, unseal
from proofroom.gallery.db import atomic
from proofroom.gallery.store.models import Order, OrderPayment, OrderStatus, WebhookEvent
from proofroom.gallery.store.orders import order_mark_placed, order_tell_studio
from proofroom.gallery.tenants import Studio
from proofroom.payments import gateway_for
from proofroom.payments.base import (
    CheckoutRequest,
    CheckoutStart,
    Gateway,
    GatewayError,
    PaymentEvent,
)

log = logging.getLogger(__name__)


def studio_gateway(studio: Studio) -> Gateway:
    """The studio's gateway with its (unsealed) credentials. Raises GatewayError, without
    the details (they are logged), when its stored secrets cannot be opened."""
    try:
        secret_key = unseal(studio.stripe_secret_key)
        webhook_secret = unseal(studio.stripe_webhook_secret)
    except UnsealError as error:
        log.error("%s: card payments are off: %s", studio.slug, error)
        raise GatewayError("card payments are not set up correctly on this site") from error
    return gateway_for(studio.payment_gateway, secret_key=secret_key, webhook_secret=webhook_secret)


def order_checkout_start(*, order: Order, base_url: str) -> CheckoutStart | None:
    """Send the client to pay on the gateway's hosted page: the order's checkout while it is
    open, else a new one. The idempotency key is the order's (and its attempt's), so however
    often this runs (a double click, two tabs, "Pay now" again) the gateway makes one
    checkout per attempt. A checkout that expired unpaid (Stripe's last 24 hours) is
    replaced by the next attempt; one already paid (its webhook late) is recorded and
    None returned: nothing more to pay. Raises GatewayError when the gateway cannot be
    reached, or when the last payment is still being processed."""
    studio = order.studio
    gateway = studio_gateway(studio)
    if order.checkout_id:
        current = gateway.checkout_status(order.checkout_id)
        if current.reference != str(order.uuid):
            log.error("checkout %s is not order %s's", order.checkout_id, order.display_number)
            raise GatewayError("the payment provider's answer does not match this order")
        if current.paid:
            with contextlib.suppress(PaymentMismatch):
                order_payment_record(studio=studio, event=current)
            return None
        if current.open_url:
            return CheckoutStart(checkout_id=order.checkout_id, redirect_url=current.open_url)
        if not current.expired:
            raise GatewayError(
                "your payment is still being processed; this page shows it once it is confirmed"
            )
        # Expired unpaid: the next attempt. Only one tab moves the attempt on (the update
        # is conditional on the old checkout); the others read it and share its key.
        Order.objects.filter(pk=order.pk, checkout_id=order.checkout_id).update(
            checkout_attempt=F("checkout_attempt") + 1, checkout_id=""
        )
        order.refresh_from_db(fields=["checkout_attempt", "checkout_id"])
    page = base_url.rstrip("/") + reverse("gallery:order", args=[studio.slug, order.display_number])
    key = f"order-{order.uuid}" + (f"-{order.checkout_attempt}" if order.checkout_attempt else "")
    start = gateway.start_checkout(
        CheckoutRequest(
            reference=str(order.uuid),
            idempotency_key=key,
            amount=order.total,
            currency=order.currency,
            description=f"Order {order.display_number} at {studio.name}",
            customer_email=order.email,
            success_url=f"{page}?checkout={{CHECKOUT_SESSION_ID}}",
            cancel_url=f"{page}?cancelled=1",
        )
    )
    if order.checkout_id != start.checkout_id:
        Order.objects.filter(pk=order.pk).update(checkout_id=start.checkout_id)
        order.checkout_id = start.checkout_id
    return start


class PaymentMismatch(Exception):
    """The gateway reports a payment that is not this order's amount or currency."""


@atomic
def order_payment_record(*, studio: Studio, event: PaymentEvent) -> OrderPayment | None:
    """Believe a verified gateway event: record its payment once and, on the first one,
    place the order and tell the studio (with the payment). Idempotent: an event seen
    before, or a payment recorded before, changes nothing and returns None. An unknown
    order is logged and ignored; a payment of the wrong amount or currency is logged and
    refused (PaymentMismatch), the order left awaiting payment."""
    if not event.paid:
        return None
    try:
        order_uuid = uuid.UUID(event.reference)
    except ValueError:
        order_uuid = None
    order = (
        Order.objects.select_for_update().filter(studio=studio, uuid=order_uuid).first()
        if order_uuid
        else None
    )
    if order is None:
        log.warning(
            "%s payment %s for an unknown order %r of %s ignored",
            studio.payment_gateway,
            event.payment_id,
            event.reference,
            studio.slug,
        )
        return None
    try:
        with atomic():
            WebhookEvent.objects.create(
                studio=studio, gateway=order.gateway, event_id=event.event_id
            )
    except IntegrityError:
        return None  # a replayed event
    if event.amount != order.total or event.currency.upper() != order.currency.upper():
        log.error(
            "order %s: the gateway reports %s %s paid, the order is %s %s; not placed",
            order.display_number,
            event.amount,
            event.currency,
            order.total,
            order.currency,
        )
        raise PaymentMismatch(f"Order {order.display_number}: the amount paid differs.")
    reference = event.payment_id or event.checkout_id
    payment, created = OrderPayment.objects.get_or_create(
        studio=studio,
        gateway=order.gateway,
        reference=reference,
        defaults={
            "order": order,
            "checkout_id": event.checkout_id,
            "amount": event.amount,
            "currency": event.currency.upper(),
            "paid_at": timezone.now(),
        },
    )
    if not created:
        return None
    order.studio = studio
    if order.status == OrderStatus.AWAITING_PAYMENT:
        order_mark_placed(order)
    else:
        # Paid again (a second checkout after the first): the studio must hear of it.
        log.warning("order %s paid once more (%s)", order.display_number, reference)
        order_tell_studio(order)
    return payment


def order_payment_check(*, order: Order) -> OrderPayment | None:
    """The client came back from the hosted page: ask the gateway, in case its webhook is
    late, and record the payment the same idempotent way."""
    if order.status != OrderStatus.AWAITING_PAYMENT or not order.checkout_id:
        return None
    event = studio_gateway(order.studio).checkout_status(order.checkout_id)
    if event.reference != str(order.uuid):
        log.error("checkout %s is not order %s's", order.checkout_id, order.display_number)
        return None
    try:
        return order_payment_record(studio=order.studio, event=event)
    except PaymentMismatch:
        return None
