"""Invoices' records: statuses, invoices, their lines, payments and deposits."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from proofroom.studio.clients import Client
from proofroom.studio.images import Image
from proofroom.studio.pricelists import Product
from proofroom.studio.sessions import Session


class StatusRole(models.TextChoices):
    """What the desk uses a status for, beyond showing the invoices there."""

    NONE = "", "—"
    OPEN = "open", "New invoices start here"
    WEB_ORDER = "web_order", "Downloaded web orders start here"


class InvoiceStatus(models.Model):
    """A configurable invoice status; set-up creates "Web Order Placed" and a few more."""

    name = models.CharField(max_length=60, unique=True)
    position = models.PositiveIntegerField(default=0)
    role = models.CharField(max_length=10, choices=StatusRole.choices, blank=True, default="")
    is_closed = models.BooleanField(
        "closed", default=False, help_text="Invoices at this status are finished."
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "invoice statuses"
        constraints = [
            models.UniqueConstraint(
                fields=["role"],
                condition=~Q(role=""),
                name="one_invoice_status_per_role",
                violation_error_message="Another status already has this role.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class PrepaidState(models.TextChoices):
    NONE = "", "—"
    PENDING = "pending", "pending"
    UPLOADED = "uploaded", "uploaded"
    WITHDRAWING = "withdrawing", "being taken off the gallery"


class Invoice(models.Model):
    """A bill to a client, numbered from 1; a downloaded web order carries its Web Order Number."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.PositiveIntegerField(unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="invoices")
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.PROTECT, related_name="invoices"
    )
    status = models.ForeignKey(InvoiceStatus, on_delete=models.PROTECT, related_name="invoices")
    date = models.DateField(help_text="In the studio's time zone.")
    currency = models.CharField(max_length=3, default="USD")
    tax_rate = models.PositiveIntegerField(
        default=0,
        validators=[MaxValueValidator(10_000)],
        help_text="Basis points on the subtotal, taken from the studio when the invoice is made.",
    )
    subtotal = models.PositiveIntegerField(default=0)
    tax = models.PositiveIntegerField(default=0)
    shipping = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    notes = models.TextField(blank=True)
    web_order_number = models.CharField(
        "web order number",
        max_length=20,
        blank=True,
        db_index=True,
        help_text="The order confirmation number the client was given online.",
    )
    web_order_uuid = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    web_order_account = models.UUIDField(null=True, blank=True, db_index=True, editable=False)
    prepaid_online = models.BooleanField(
        "This order is a prepaid order for online ordering", default=False
    )
    prepaid_needs_upload = models.BooleanField(default=False)
    prepaid_revision = models.PositiveIntegerField(
        default=0,
        help_text="Grows with every change; a sync clears the mark only for the one it sent.",
    )
    prepaid_uploaded_at = models.DateTimeField(null=True, blank=True)
    prepaid_problem = models.CharField(max_length=300, blank=True)
    prepaid_picks_submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-number"]
        permissions = [("change_web_order_invoice", "Can edit downloaded web-order invoices")]
        indexes = [
            models.Index(fields=["date", "number"], name="invoice_date"),
            models.Index(
                fields=["prepaid_needs_upload"],
                condition=Q(prepaid_needs_upload=True),
                name="invoice_prepaid_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"Invoice {self.number}"

    def clean(self) -> None:
        # A web order may be a guest's, on a public event of another client's session;
        # an invoice made at the desk is for the client whose session it is.
        session = self.session if self.session_id is not None else None
        if (
            session is not None
            and not self.is_web_order
            and self.client_id is not None
            and session.client_id != self.client_id
        ):
            raise ValidationError({"session": session_not_of_client(session)})

    @property
    def is_web_order(self) -> bool:
        return self.web_order_uuid is not None

    @property
    def prepaid_state(self) -> PrepaidState:
        """The Other tab's Uploaded indicator: pending, then uploaded after the next sync."""
        if self.prepaid_online:
            if self.prepaid_needs_upload or self.prepaid_uploaded_at is None:
                return PrepaidState.PENDING
            return PrepaidState.UPLOADED
        if self.prepaid_needs_upload:
            return PrepaidState.WITHDRAWING
        return PrepaidState.NONE


def session_not_of_client(session: Session) -> str:
    return (
        f"Session #{session.number} belongs to {session.client}: "
        "choose one of this client's sessions."
    )


class InvoiceLine(models.Model):
    """One line of an invoice: a product, optionally made from one of the session's images."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    image = models.ForeignKey(
        Image, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.CharField(max_length=200)
    size = models.CharField(max_length=40, blank=True)
    quantity = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    unit_price = models.PositiveIntegerField(help_text="Minor units.")
    total = models.PositiveIntegerField(help_text="Minor units.")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["invoice", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1),
                name="invoice_line_quantity_positive",
                violation_error_message="The quantity must be at least 1.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.description}"


class PaymentMethod(models.TextChoices):
    CASH = "cash", "Cash"
    CHECK = "check", "Check"
    CARD = "card", "Card"
    CARD_ONLINE = "card_online", "Card (online)"
    OTHER = "other", "Other"


class Deposit(models.Model):
    """Make a Deposit: the payments of one day taken to the bank together."""

    date = models.DateField()
    total = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"Deposit of {self.date:%d %b %Y}"


class Payment(models.Model):
    """Money received against an invoice; payments taken online carry the gateway's id."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = models.PositiveIntegerField(help_text="Minor units.")
    method = models.CharField(max_length=12, choices=PaymentMethod.choices)
    reference = models.CharField(
        max_length=120, blank=True, help_text="A check number, or the card gateway's payment id."
    )
    received_on = models.DateField(help_text="In the studio's time zone.")
    online = models.BooleanField(default=False, editable=False)
    deposit = models.ForeignKey(
        Deposit, null=True, blank=True, on_delete=models.SET_NULL, related_name="payments"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="payment_amount_positive",
                violation_error_message="A payment must be more than zero.",
            ),
            models.UniqueConstraint(
                fields=["reference"],
                condition=Q(online=True) & ~Q(reference=""),
                name="online_payment_once",
                violation_error_message="This online payment is already recorded.",
            ),
        ]
        indexes = [models.Index(fields=["received_on", "deposit"], name="payment_day")]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.amount} on {self.received_on}"
