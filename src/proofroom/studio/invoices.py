"""Invoices: lines, totals, payments and statuses; web orders and prepaid orders meet them here.

The studio is the system of record. A web order downloaded from the gallery
becomes one invoice, keyed by the order's uuid so a rerun sync never makes it
twice; edits to it stay on the desk (they are never pushed back) and only staff
whose security group has ``studio.change_web_order_invoice`` may make them.
A prepaid invoice is marked for upload with a revision, like a session's
online settings, so a change made while a sync uploads it is not lost.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, PermissionsMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, validate_email
from django.db import IntegrityError, models, transaction
from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from proofroom.studio.clients import Client
from proofroom.studio.dates import local, studio_date, studio_today
from proofroom.studio.images import Image
from proofroom.studio.pricelists import Product
from proofroom.studio.sessions import Session
from proofroom.studio.studios import Studio, studio_get
from proofroom.sync import protocol

Actor = AbstractBaseUser | AnonymousUser | None

WEB_ORDER_PERMISSION = "studio.change_web_order_invoice"
WEB_ORDER_REFUSAL = (
    "This invoice is a downloaded web order. Your security group does not allow "
    "editing web-order invoices, so nothing was changed; ask the studio owner."
)
WEB_ORDER_NOTICE = (
    "Changes you make here are not sent back to the gallery; "
    "the client's online order history keeps what they ordered."
)


# --- Statuses ---------------------------------------------------------------------


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


WEB_ORDER_PLACED = "Web Order Placed"
DEFAULT_STATUSES: list[tuple[str, str, bool]] = [
    ("Open", StatusRole.OPEN, False),
    (WEB_ORDER_PLACED, StatusRole.WEB_ORDER, False),
    ("In Production", "", False),
    ("Ready", "", False),
    ("Completed", "", True),
]


def invoice_statuses_ensure() -> None:
    """The default statuses on a new desk; later, only the two the desk relies on come back."""
    roles = set(InvoiceStatus.objects.values_list("role", flat=True))
    if not roles:
        InvoiceStatus.objects.bulk_create(
            InvoiceStatus(name=name, role=role, is_closed=closed, position=(i + 1) * 10)
            for i, (name, role, closed) in enumerate(DEFAULT_STATUSES)
        )
        return
    for name, role, _closed in DEFAULT_STATUSES:
        if role and role not in roles:
            # A studio that renamed a status keeps its name; one that deleted it gets it back.
            status, _ = InvoiceStatus.objects.get_or_create(
                name=name, defaults={"position": _next_status_position()}
            )
            status.role = role
            status.save(update_fields=["role"])


def _next_status_position() -> int:
    return (InvoiceStatus.objects.aggregate(p=Max("position"))["p"] or 0) + 10


def status_for_role(role: StatusRole) -> InvoiceStatus:
    status = InvoiceStatus.objects.filter(role=role).first()
    if status is None:
        invoice_statuses_ensure()
        status = InvoiceStatus.objects.get(role=role)
    return status


def statuses_with_counts() -> QuerySet[InvoiceStatus]:
    # An aggregate drops Meta.ordering: say it again.
    return InvoiceStatus.objects.annotate(invoice_count=Count("invoices")).order_by(
        "position", "pk"
    )


@transaction.atomic
def invoice_status_add(*, name: str, is_closed: bool = False) -> InvoiceStatus:
    status = InvoiceStatus(name=name.strip(), is_closed=is_closed, position=_next_status_position())
    status.full_clean()
    status.save()
    return status


@transaction.atomic
def invoice_status_update(
    *, status: InvoiceStatus, name: str, is_closed: bool | None = None
) -> InvoiceStatus:
    status.name = name.strip()
    if is_closed is not None:
        status.is_closed = is_closed
    status.full_clean()
    status.save()
    return status


# --- Invoices, lines, payments, deposits -----------------------------------------


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
    def prepaid_state(self) -> str:
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


# --- Helpers ----------------------------------------------------------------------


def tax_on(subtotal: int, rate_bp: int) -> int:
    """Tax in minor units on a subtotal at a rate in basis points, half up: 1000 at 825 → 83."""
    return (subtotal * rate_bp + 5_000) // 10_000


def may_edit(*, invoice: Invoice, actor: Actor) -> bool:
    """Whether this person may change the invoice (None is the desk itself, e.g. the sync)."""
    if actor is None or not invoice.is_web_order:
        return True
    if isinstance(actor, PermissionsMixin | AnonymousUser):
        return bool(actor.has_perm(WEB_ORDER_PERMISSION))
    return False


def _check_may_edit(invoice: Invoice, actor: Actor) -> None:
    if not may_edit(invoice=invoice, actor=actor):
        raise PermissionDenied(WEB_ORDER_REFUSAL)


def _staff(actor: Actor) -> Any:
    from django.contrib.auth.models import User

    return actor if isinstance(actor, User) else None


def _next_number() -> int:
    highest = Invoice.objects.aggregate(n=Max("number"))["n"]
    return 1 if highest is None else highest + 1


def _numbered_save(invoice: Invoice) -> None:
    """Save a new invoice under the next number; a number taken meanwhile means try the next."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                invoice.number = _next_number()
                invoice.save(force_insert=True)
                return
        except IntegrityError:
            invoice.pk = None
            if (
                invoice.web_order_uuid
                and Invoice.objects.filter(web_order_uuid=invoice.web_order_uuid).exists()
            ):
                raise
            continue
    raise ValidationError("Could not number the invoice; please try again.")


def _paid_subquery() -> Subquery:
    return Subquery(
        Payment.objects.filter(invoice=OuterRef("pk"))
        .order_by()
        .values("invoice")
        .annotate(s=Sum("amount"))
        .values("s"),
        output_field=IntegerField(),
    )


def invoice_paid(invoice: Invoice) -> int:
    return int(Payment.objects.filter(invoice=invoice).aggregate(s=Sum("amount"))["s"] or 0)


def invoice_balance(invoice: Invoice) -> int:
    """What the client still owes (negative when they paid more)."""
    return invoice.total - invoice_paid(invoice)


def _prepaid_touch(invoice: Invoice) -> None:
    """What the client sees of a prepaid order changed: send it again at the next sync."""
    if invoice.prepaid_online:
        Invoice.objects.filter(pk=invoice.pk).update(
            prepaid_needs_upload=True, prepaid_revision=F("prepaid_revision") + 1
        )
        invoice.refresh_from_db(fields=["prepaid_needs_upload", "prepaid_revision"])


# --- Invoice services ---------------------------------------------------------------


def invoice_create(
    *,
    client: Client,
    session: Session | None = None,
    date: dt.date | None = None,
    notes: str = "",
) -> Invoice:
    """A new invoice at the "Open" status, numbered after the last one."""
    studio = studio_get()
    invoice = Invoice(
        client=client,
        session=session,
        status=status_for_role(StatusRole.OPEN),
        date=date or studio_today(studio),
        currency=studio.currency if studio else "USD",
        tax_rate=studio.tax_rate if studio else 0,
        notes=notes,
    )
    invoice.full_clean(exclude=["number"])
    with transaction.atomic():
        _numbered_save(invoice)
    return invoice


@transaction.atomic
def invoice_recalculate(*, invoice: Invoice) -> Invoice:
    """Subtotal from the lines, tax at the invoice's rate (half up), plus shipping."""
    subtotal = int(invoice.lines.aggregate(s=Sum("total"))["s"] or 0)
    invoice.subtotal = subtotal
    invoice.tax = tax_on(subtotal, invoice.tax_rate)
    invoice.total = subtotal + invoice.tax + invoice.shipping
    invoice.save(update_fields=["subtotal", "tax", "total", "updated_at"])
    return invoice


INVOICE_FIELDS = ("date", "notes", "shipping", "status", "client", "session")


@transaction.atomic
def invoice_update(*, invoice: Invoice, actor: Actor, **fields: Any) -> Invoice:
    """Change an invoice's own fields; a web order only for staff allowed to edit web orders."""
    _check_may_edit(invoice, actor)
    before = {name: getattr(invoice, name) for name in INVOICE_FIELDS}
    for name, value in fields.items():
        if name in INVOICE_FIELDS:
            setattr(invoice, name, value)
    changed = {name for name in INVOICE_FIELDS if getattr(invoice, name) != before[name]}
    if invoice.prepaid_online and invoice.session_id is None:
        raise ValidationError({"session": "A prepaid order needs the session to choose from."})
    invoice.full_clean()
    invoice.save()
    # Only a change of shipping touches the totals: a web order keeps the tax it was sold with.
    if "shipping" in changed:
        invoice_recalculate(invoice=invoice)
    if {"client", "session"} & changed:
        _prepaid_touch(invoice)
    return invoice


@transaction.atomic
def invoice_set_status(*, invoice: Invoice, status: InvoiceStatus, actor: Actor) -> Invoice:
    _check_may_edit(invoice, actor)
    invoice.status = status
    invoice.save(update_fields=["status", "updated_at"])
    return invoice


def _check_image(invoice: Invoice, image: Image | None) -> None:
    if image is not None and image.session_id != invoice.session_id:
        raise ValidationError({"image": "Choose an image of the invoice's session."})


@transaction.atomic
def invoice_line_add(
    *,
    invoice: Invoice,
    actor: Actor,
    product: Product | None = None,
    quantity: int = 1,
    image: Image | None = None,
    description: str = "",
    size: str = "",
    unit_price: int | None = None,
) -> InvoiceLine:
    """Add a line, by default a product at its price-list price; the totals follow."""
    _check_may_edit(invoice, actor)
    _check_image(invoice, image)
    if product is not None:
        description = description or str(product)
        size = size or product.size
        unit_price = product.price if unit_price is None else unit_price
    if unit_price is None:
        raise ValidationError({"unit_price": "Give the line a price."})
    position = (invoice.lines.aggregate(p=Max("position"))["p"] or 0) + 10
    line = InvoiceLine(
        invoice=invoice,
        product=product,
        image=image,
        description=description[:200],
        size=size[:40],
        quantity=quantity,
        unit_price=unit_price,
        total=quantity * unit_price,
        position=position,
    )
    line.full_clean()
    line.save()
    invoice_recalculate(invoice=invoice)
    _prepaid_touch(invoice)
    return line


LINE_FIELDS = ("description", "size", "quantity", "unit_price", "image")


@transaction.atomic
def invoice_line_update(*, line: InvoiceLine, actor: Actor, **fields: Any) -> InvoiceLine:
    invoice = line.invoice
    _check_may_edit(invoice, actor)
    if "image" in fields:
        _check_image(invoice, fields["image"])
    for name, value in fields.items():
        if name in LINE_FIELDS:
            setattr(line, name, value)
    line.total = line.quantity * line.unit_price
    line.full_clean()
    line.save()
    invoice_recalculate(invoice=invoice)
    _prepaid_touch(invoice)
    return line


@transaction.atomic
def invoice_line_remove(*, line: InvoiceLine, actor: Actor) -> None:
    invoice = line.invoice
    _check_may_edit(invoice, actor)
    line.delete()
    invoice_recalculate(invoice=invoice)
    _prepaid_touch(invoice)


@transaction.atomic
def payment_add(
    *,
    invoice: Invoice,
    amount: int,
    method: str,
    received_on: dt.date | None = None,
    reference: str = "",
    actor: Actor = None,
) -> Payment:
    """Record money received at the desk. Taking a payment is not an edit of a web order,
    so staff who may not edit web orders may still record what the client paid."""
    payment = Payment(
        invoice=invoice,
        amount=amount,
        method=method,
        reference=reference.strip(),
        received_on=received_on or studio_today(),
        created_by=_staff(actor),
    )
    payment.full_clean()
    payment.save()
    _prepaid_touch(invoice)
    return payment


def invoices_search(
    *,
    status: InvoiceStatus | None = None,
    client_query: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    web_order_number: str = "",
) -> QuerySet[Invoice]:
    """The Invoices hub: newest first, with what each invoice has been paid (``paid``)."""
    invoices = (
        Invoice.objects.select_related("client", "status")
        .annotate(paid=Coalesce(_paid_subquery(), 0))
        .annotate(balance=ExpressionWrapper(F("total") - F("paid"), output_field=IntegerField()))
        .order_by("-date", "-number")
    )
    if status is not None:
        invoices = invoices.filter(status=status)
    for word in client_query.split():
        condition = Q(client__first_name__icontains=word) | Q(client__last_name__icontains=word)
        if word.lstrip("#").isdigit():
            condition |= Q(number=int(word.lstrip("#")))
        invoices = invoices.filter(condition)
    if date_from is not None:
        invoices = invoices.filter(date__gte=date_from)
    if date_to is not None:
        invoices = invoices.filter(date__lte=date_to)
    if web_order_number.strip():
        invoices = invoices.filter(
            web_order_number=protocol.confirmation_normalize(web_order_number)
        )
    return invoices


# --- Web orders (called by the synchronizer inside its transaction) ----------------


def _email_or_blank(email: str) -> str:
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        return ""
    return email[:254]


def _web_order_notes(data: protocol.OrderChange, client: Client, studio: Studio | None) -> str:
    placed = local(data.placed_at, studio)
    lines = [f"Web order {data.number}, placed online {placed:%d %b %Y %H:%M}."]
    who = " ".join(p for p in (data.first_name, data.last_name) if p).strip()
    contact = ", ".join(p for p in (who, data.email, data.phone) if p)
    if contact and (who != client.full_name or data.email.lower() != client.email.lower()):
        lines.append(f"Ordered by: {contact}")
    if data.delivery == protocol.Delivery.SHIP:
        address = data.ship_to or protocol.Address()
        place = " ".join(p for p in (address.city, address.region, address.postal_code) if p)
        parts = [p for p in (address.street, place, address.country) if p]
        lines.append("Delivery: ship to " + (", ".join(parts) or "(no address given)"))
    elif data.delivery == protocol.Delivery.PICKUP:
        lines.append("Delivery: pick up at the studio")
    else:
        lines.append("Delivery: none (digital products only)")
    if data.note.strip():
        lines.append(f"Client's note: {data.note.strip()}")
    return "\n".join(lines)


def invoice_from_web_order(data: protocol.OrderChange) -> Invoice:
    """One invoice per web order, exactly as the client ordered it, at "Web Order Placed".

    Idempotent by the order's uuid, and a fixed number of indexed queries per
    order however many invoices the desk holds.
    """
    with transaction.atomic():
        invoices_from_web_orders([data])
        return Invoice.objects.get(web_order_uuid=data.uuid)


def invoices_from_web_orders(orders: list[protocol.OrderChange]) -> int:
    """A page of web orders as invoices, as ``invoice_from_web_order`` would make them one by
    one, in a fixed number of queries per page (plus one insert per client made new).

    Idempotent by each order's uuid (within the page too). Returns how many were made.
    """
    from proofroom.studio.downloads import GuestLink

    # An order comes again when a later payment is taken: its invoice gains the payment.
    known: dict[uuid.UUID, Invoice] = {
        invoice.web_order_uuid: invoice
        for invoice in Invoice.objects.filter(web_order_uuid__in=[o.uuid for o in orders])
        if invoice.web_order_uuid is not None
    }
    todo: list[protocol.OrderChange] = []
    firsts: set[uuid.UUID] = set(known)
    for order in orders:
        if order.uuid not in firsts:
            firsts.add(order.uuid)
            todo.append(order)
    if not todo:
        _web_order_payments_add(orders, known, studio_get())
        return 0
    studio = studio_get()
    status = status_for_role(StatusRole.WEB_ORDER)
    sessions = {s.uuid: s for s in Session.objects.filter(uuid__in={o.session for o in todo})}
    by_uuid = {
        c.uuid: c
        for c in Client.objects.filter(uuid__in={o.client for o in todo if o.client is not None})
    }
    accounts = {o.account for o in todo}
    by_account: dict[uuid.UUID, Client] = {
        link.account_uuid: link.client
        for link in GuestLink.objects.filter(account_uuid__in=accounts).select_related("client")
    }
    for earlier in (
        Invoice.objects.filter(web_order_account__in=accounts)
        .select_related("client")
        .order_by("pk")
    ):
        if earlier.web_order_account is not None:
            by_account.setdefault(earlier.web_order_account, earlier.client)
    emails = {e.lower() for o in todo if (e := _email_or_blank(o.email))}
    by_email: dict[str, Client] = {}
    if emails:
        for match in Client.objects.annotate(e=Lower("email")).filter(e__in=emails).order_by("pk"):
            by_email.setdefault(match.email.lower(), match)

    invoices: list[Invoice] = []
    new_clients: list[Client] = []
    for order in todo:
        email = _email_or_blank(order.email)
        client = (
            (by_uuid.get(order.client) if order.client is not None else None)
            or by_account.get(order.account)
            or (by_email.get(email.lower()) if email else None)
        )
        if client is None:
            client = _web_order_client_new(order, email)
            new_clients.append(client)
            if email:
                by_email[email.lower()] = client
        by_account.setdefault(order.account, client)
        invoices.append(
            Invoice(
                client=client,
                session=sessions.get(order.session),
                status=status,
                date=studio_date(order.placed_at, studio),
                currency=order.currency,
                tax_rate=studio.tax_rate if studio else 0,
                subtotal=order.subtotal,
                tax=order.tax,
                shipping=order.shipping,
                total=order.total,
                notes=_web_order_notes(order, client, studio),
                web_order_number=protocol.confirmation_normalize(order.number)[:20],
                web_order_uuid=order.uuid,
                web_order_account=order.account,
            )
        )
    Client.objects.bulk_create(new_clients)  # the invoices take their ids on insert
    _numbered_bulk_create(invoices)

    products = {
        p.uuid: p
        for p in Product.objects.filter(
            uuid__in={line.product for o in todo for line in o.lines}
            | {pick.product for o in todo for line in o.lines for pick in line.picks}
        )
    }
    wanted = {line.image for o in todo for line in o.lines if line.image is not None} | {
        pick.image for o in todo for line in o.lines for pick in line.picks
    }
    images = {i.uuid: i for i in Image.objects.filter(uuid__in=wanted)} if wanted else {}
    InvoiceLine.objects.bulk_create(
        [
            new_line
            for invoice, order in zip(invoices, todo, strict=True)
            for index, line in enumerate(order.lines)
            for new_line in _web_order_lines(invoice, index, line, products, images)
        ]
    )
    known.update(
        {invoice.web_order_uuid: invoice for invoice in invoices if invoice.web_order_uuid}
    )
    _web_order_payments_add(orders, known, studio)
    return len(invoices)


PACKAGE_PIECE = uuid.UUID("5f1d2c3b-7a4e-4f60-9b8a-2c1e0d9f8a7b")


def _web_order_lines(
    invoice: Invoice,
    index: int,
    line: protocol.OrderLine,
    products: dict[uuid.UUID, Product],
    images: dict[uuid.UUID, Image],
) -> list[InvoiceLine]:
    """An ordered line as the invoice's line; a package's line is followed by one line per
    piece at no charge, each with the photograph the client chose, for production."""
    made = [
        InvoiceLine(
            uuid=line.uuid,
            invoice=invoice,
            product=products.get(line.product),
            image=images.get(line.image) if line.image is not None else None,
            description=f"{line.name} {line.size}".strip()[:200],
            size=line.size[:40],
            quantity=line.quantity,
            unit_price=line.unit_price,
            total=line.total,
            position=(index + 1) * 1000,
        )
    ]
    for n, pick in enumerate(line.picks, start=1):
        made.append(
            InvoiceLine(
                # Stable, so a page downloaded again makes the same lines.
                uuid=uuid.uuid5(PACKAGE_PIECE, f"{line.uuid}:{n}"),
                invoice=invoice,
                product=products.get(pick.product),
                image=images.get(pick.image),
                description=f"In {line.name}: {pick.name} {pick.size}".strip()[:200],
                size=pick.size[:40],
                quantity=line.quantity,
                unit_price=0,
                total=0,
                position=(index + 1) * 1000 + n,
            )
        )
    return made


def _web_order_payments_add(
    orders: list[protocol.OrderChange], invoices: dict[uuid.UUID, Invoice], studio: Studio | None
) -> None:
    """Card payments taken online, as "Card (online)" payments on the day they were taken;
    each gateway reference once, however often an order comes."""
    taken = [
        (invoices[order.uuid], (payment.reference.strip() or str(payment.uuid))[:120], payment)
        for order in orders
        for payment in order.payments
        if payment.amount > 0 and order.uuid in invoices
    ]
    if not taken:
        return
    recorded = set(
        Payment.objects.filter(online=True, reference__in=[ref for _, ref, _ in taken]).values_list(
            "reference", flat=True
        )
    )
    new = []
    for invoice, reference, payment in taken:
        if reference in recorded:
            continue
        recorded.add(reference)
        new.append(
            Payment(
                invoice=invoice,
                amount=payment.amount,
                method=PaymentMethod.CARD_ONLINE,
                reference=reference,
                received_on=studio_date(payment.paid_at, studio),
                online=True,
            )
        )
    Payment.objects.bulk_create(new)


def _numbered_bulk_create(invoices: list[Invoice]) -> None:
    """Number new invoices one after the other from the next free number and insert them in
    one statement; a number taken meanwhile (staff made an invoice) means try again."""
    for _attempt in range(5):
        first = _next_number()
        for offset, invoice in enumerate(invoices):
            invoice.number = first + offset
        try:
            with transaction.atomic():
                Invoice.objects.bulk_create(invoices)
                return
        except IntegrityError:
            for invoice in invoices:
                invoice.pk = None
    raise ValidationError("Could not number the web orders' invoices; please sync again.")


def _web_order_client_new(data: protocol.OrderChange, email: str) -> Client:
    """A client record for someone who ordered online, checked like any client, not saved
    (the page's new clients are inserted together)."""
    address = data.ship_to or protocol.Address()
    client = Client(
        first_name=data.first_name.strip()[:80] or "Web",
        last_name=data.last_name.strip()[:80] or "customer",
        email=email,
        phone=data.phone.strip()[:40],
        street=address.street[:200],
        city=address.city[:100],
        region=address.region[:100],
        postal_code=address.postal_code[:20],
        country=address.country[:100],
        notes=f"Made from web order {data.number}.",
    )
    client.full_clean(validate_unique=False)  # a new uuid4 is unique
    return client


# --- Prepaid orders --------------------------------------------------------------------


@transaction.atomic
def prepaid_set(*, invoice: Invoice, flag: bool, actor: Actor) -> Invoice:
    """The Other tab's "prepaid order for online ordering": ticking it marks the invoice for
    upload; unticking one that is online marks it to be taken off the gallery."""
    _check_may_edit(invoice, actor)
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if locked.prepaid_online == flag:
        return invoice
    if flag and locked.is_web_order:
        raise ValidationError("A web order was placed online already; it cannot be prepaid too.")
    if flag and locked.session_id is None:
        raise ValidationError(
            "Choose the invoice's session first: the client picks images of that session online."
        )
    if flag:
        locked.clean()
    locked.prepaid_online = flag
    locked.prepaid_problem = ""
    if flag or locked.prepaid_uploaded_at is not None:
        locked.prepaid_needs_upload = True
        locked.prepaid_revision += 1
    else:
        locked.prepaid_needs_upload = False
    locked.save(
        update_fields=[
            "prepaid_online",
            "prepaid_problem",
            "prepaid_needs_upload",
            "prepaid_revision",
            "updated_at",
        ]
    )
    for name in ("prepaid_online", "prepaid_problem", "prepaid_needs_upload", "prepaid_revision"):
        setattr(invoice, name, getattr(locked, name))
    return invoice


def prepaid_pending() -> QuerySet[Invoice]:
    """Invoices the next sync must upload (or take off the gallery), oldest first."""
    return (
        Invoice.objects.filter(prepaid_needs_upload=True)
        .select_related("client", "session")
        .order_by("number")
    )


def prepaid_manifest(invoice: Invoice) -> protocol.PrepaidOrder:
    """What the gallery shows the client. A pydantic ValidationError says it cannot go yet
    (no lines, or no session)."""
    lines = list(invoice.lines.select_related("product", "image"))
    items = [
        {
            "uuid": line.uuid,
            "name": (line.product.name if line.product else line.description)[:200],
            "size": line.size[:40],
            "quantity": line.quantity,
            "image": line.image.uuid if line.image else None,
        }
        for line in lines
    ]
    return protocol.PrepaidOrder.model_validate(
        {
            "uuid": invoice.uuid,
            "number": invoice.number,
            "client": invoice.client.uuid,
            "session": invoice.session.uuid if invoice.session else None,
            "currency": invoice.currency,
            "total": invoice.total,
            "paid": invoice_paid(invoice),
            "items": items,
        }
    )


@transaction.atomic
def prepaid_uploaded(invoice_id: int, revision: int) -> None:
    """The gallery took revision ``revision``. A change made meanwhile stays pending."""
    invoice = Invoice.objects.select_for_update().filter(pk=invoice_id).first()
    if invoice is None:
        return
    invoice.prepaid_uploaded_at = timezone.now()
    invoice.prepaid_problem = ""
    if invoice.prepaid_revision == revision:
        invoice.prepaid_needs_upload = False
    elif not invoice.prepaid_online:
        # Unticked while it was being sent: the next sync takes it off again.
        invoice.prepaid_needs_upload = True
    invoice.save(update_fields=["prepaid_uploaded_at", "prepaid_problem", "prepaid_needs_upload"])


def prepaid_failed(invoice_id: int, problem: str) -> None:
    """The gallery refused it; the Other tab shows why, and the next sync tries again."""
    Invoice.objects.filter(pk=invoice_id).update(prepaid_problem=problem[:300])


@transaction.atomic
def prepaid_withdrawn(invoice_id: int) -> None:
    """The gallery no longer offers it. Ticked again meanwhile: it stays marked for upload."""
    Invoice.objects.filter(pk=invoice_id).update(prepaid_uploaded_at=None, prepaid_problem="")
    Invoice.objects.filter(pk=invoice_id, prepaid_online=False).update(prepaid_needs_upload=False)


@transaction.atomic
def prepaid_picks_apply(data: protocol.PrepaidChange) -> None:
    """The client's image per item, from the newest submission; older ones are ignored."""
    invoice = Invoice.objects.select_for_update().filter(uuid=data.order).first()
    if invoice is None:
        return
    submitted = invoice.prepaid_picks_submitted_at
    if submitted is not None and submitted >= data.submitted_at:
        return
    lines = {
        line.uuid: line
        for line in InvoiceLine.objects.filter(
            invoice=invoice, uuid__in=[pick.item for pick in data.picks]
        )
    }
    images = (
        {
            image.uuid: image
            for image in Image.objects.filter(
                session_id=invoice.session_id, uuid__in=[pick.image for pick in data.picks]
            )
        }
        if invoice.session_id is not None
        else {}
    )
    changed = []
    for pick in data.picks:
        line, image = lines.get(pick.item), images.get(pick.image)
        if line is not None and image is not None and line.image_id != image.pk:
            line.image = image
            changed.append(line)
    InvoiceLine.objects.bulk_update(changed, ["image"])
    invoice.prepaid_picks_submitted_at = data.submitted_at
    invoice.save(update_fields=["prepaid_picks_submitted_at"])
