"""The records of the store: orders as placed, their lines, payments and the gateway events
acted on (the carts' are in ``store.carts``)."""

from __future__ import annotations

import uuid

from django.db import models

from proofroom.core.money import format_money
from proofroom.gallery.accounts import Account
from proofroom.gallery.events import OnlineImage, OnlineSession
from proofroom.gallery.tenants import Studio
from proofroom.payments.base import PaymentGateway
from proofroom.sync import protocol
from proofroom.sync.protocol import Delivery, ProductCategory

# --------------------------------------------------------------------------- orders


class OrderStatus(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", "Awaiting payment"
    PLACED = "placed", "Placed"


class Order(models.Model):
    """An order as the client placed it: the priced lines, copied, and how it is delivered."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="orders")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(
        max_length=protocol.CONFIRMATION_LENGTH,
        help_text="As the client is told it, with its dash: K7MQ-2XDA.",
    )
    account = models.ForeignKey(
        Account, null=True, on_delete=models.SET_NULL, related_name="orders"
    )
    account_uuid = models.UUIDField()
    client_uuid = models.UUIDField(null=True, blank=True)
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    session = models.ForeignKey(
        OnlineSession, null=True, on_delete=models.SET_NULL, related_name="orders"
    )
    session_uuid = models.UUIDField()
    session_title = models.CharField(max_length=200)
    currency = models.CharField(max_length=3)
    subtotal = models.PositiveIntegerField()
    tax = models.PositiveIntegerField()
    tax_label = models.CharField(max_length=40, default="Tax")
    tax_rate = models.PositiveIntegerField(default=0)
    shipping = models.PositiveIntegerField()
    total = models.PositiveIntegerField()
    delivery = models.CharField(max_length=8, choices=[(d.value, d.name.title()) for d in Delivery])
    ship_to = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    status = models.CharField(max_length=20, choices=OrderStatus.choices)
    gateway = models.CharField(
        max_length=20, choices=PaymentGateway.choices, default=PaymentGateway.MANUAL
    )
    checkout_id = models.CharField(max_length=255, blank=True)
    # Checkouts replaced after they expired unpaid; part of the gateway's idempotency key.
    checkout_attempt = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    placed_at = models.DateTimeField(null=True, blank=True)
    change_id = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="The sequence number of the feed entry that told the studio.",
    )

    class Meta:
        ordering = ["studio", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["studio", "number"],
                name="order_number_once",
                violation_error_message="This confirmation number is taken.",
            )
        ]
        indexes = [models.Index(fields=["account", "-created_at"])]

    def __str__(self) -> str:
        return f"Order {self.display_number}"

    @property
    def display_number(self) -> str:
        return protocol.confirmation_display(self.number)

    @property
    def customer_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    uuid = models.UUIDField(default=uuid.uuid4, editable=False)
    position = models.PositiveIntegerField(default=0)
    product_uuid = models.UUIDField()
    name = models.CharField(max_length=120)
    size = models.CharField(max_length=40, blank=True)
    category = models.CharField(
        max_length=10, choices=[(c.value, c.name.title()) for c in ProductCategory]
    )
    image = models.ForeignKey(OnlineImage, null=True, on_delete=models.SET_NULL, related_name="+")
    image_uuid = models.UUIDField()
    image_file_name = models.CharField(max_length=255)
    quantity = models.PositiveSmallIntegerField()
    unit_price = models.PositiveIntegerField()
    total = models.PositiveIntegerField()
    picks = models.JSONField(
        default=list,
        blank=True,
        help_text="A package's pieces: [{product, name, size, image, image_file_name}]",
    )

    class Meta:
        ordering = ["order", "position"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.label} of {self.image_file_name}"

    @property
    def label(self) -> str:
        return f"{self.name} {self.size}".strip()


class OrderPayment(models.Model):
    """Money the studio's card gateway took for an order; recorded once per payment."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="payments")
    uuid = models.UUIDField(default=uuid.uuid4, editable=False)
    gateway = models.CharField(max_length=20, choices=PaymentGateway.choices)
    reference = models.CharField(max_length=255, help_text="The gateway's id of the payment.")
    checkout_id = models.CharField(max_length=255, blank=True)
    amount = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    paid_at = models.DateTimeField()

    class Meta:
        ordering = ["order", "paid_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["studio", "gateway", "reference"], name="order_payment_once"
            )
        ]

    def __str__(self) -> str:
        return f"{format_money(self.amount, self.currency)} for {self.order}"


class WebhookEvent(models.Model):
    """A gateway event already acted on: the same event again is a no-op."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="+")
    gateway = models.CharField(max_length=20, choices=PaymentGateway.choices)
    event_id = models.CharField(max_length=255)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["studio", "-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["studio", "event_id"], name="webhook_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.gateway} {self.event_id}"
