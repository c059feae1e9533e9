"""What clients see of their orders: the list and one order, each with its state."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Exists, OuterRef, QuerySet, Sum
from django.shortcuts import get_object_or_404

from proofroom.gallery.accounts import Account
from proofroom.gallery.feed import acked_upto
from proofroom.gallery.store.models import Order, OrderPayment, OrderStatus
from proofroom.sync import protocol


class OrderState(models.TextChoices):
    """What the client reads of an order: its status, or what came after it."""

    AWAITING_PAYMENT = OrderStatus.AWAITING_PAYMENT.value, OrderStatus.AWAITING_PAYMENT.label
    PLACED = OrderStatus.PLACED.value, OrderStatus.PLACED.label
    PAID = "paid", "Paid"
    RECEIVED = "received", "Received by the studio"


def _with_paid(orders: QuerySet[Order]) -> QuerySet[Order]:
    return orders.annotate(
        is_paid=Exists(OrderPayment.objects.filter(order=OuterRef("pk"))),
        item_count=Sum("lines__quantity"),
    )


def order_state(order: Order, acked: int) -> OrderState:
    """What the client reads of an order (``order.is_paid`` annotated by the selectors)."""
    if order.status == OrderStatus.AWAITING_PAYMENT:
        return OrderState.AWAITING_PAYMENT
    if order.change_id is not None and order.change_id <= acked:
        return OrderState.RECEIVED
    return OrderState.PAID if getattr(order, "is_paid", False) else OrderState.PLACED


@dataclass(frozen=True)
class OrderRow:
    order: Order
    state: OrderState


def orders_of(*, account: Account) -> list[OrderRow]:
    """The account's orders, newest first, each with what the client reads of it."""
    acked = acked_upto(studio_id=account.studio_id, kind=protocol.ChangeKind.ORDER)
    found = _with_paid(Order.objects.filter(studio_id=account.studio_id, account=account)).order_by(
        "-created_at", "-pk"
    )
    return [OrderRow(order=order, state=order_state(order, acked)) for order in found]


def order_of(*, account: Account, number: str) -> Order:
    """One of the account's orders by its confirmation number; Http404 for any other."""
    order = get_object_or_404(
        _with_paid(Order.objects.select_related("studio", "session")),
        studio_id=account.studio_id,
        account=account,
        number=protocol.confirmation_normalize(number),
    )
    return order


def order_view_state(order: Order) -> OrderState:
    return order_state(order, acked_upto(studio_id=order.studio_id, kind=protocol.ChangeKind.ORDER))
