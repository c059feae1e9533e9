"""Writes of invoices made at the desk: invoices, their lines and payments, with their totals."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum

from proofroom.core.services import model_update
from proofroom.studio.clients import Client
from proofroom.studio.dates import studio_today
from proofroom.studio.images import Image
from proofroom.studio.invoices.editing import Actor, check_may_edit, staff
from proofroom.studio.invoices.models import (
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    StatusRole,
)
from proofroom.studio.invoices.numbering import numbered_save
from proofroom.studio.invoices.prepaid import prepaid_set, prepaid_touch
from proofroom.studio.invoices.statuses import status_for_role
from proofroom.studio.pricelists import Product
from proofroom.studio.sessions import Session
from proofroom.studio.studios import studio_get


def tax_on(subtotal: int, rate_bp: int) -> int:
    """Tax in minor units on a subtotal at a rate in basis points, half up: 1000 at 825 → 83."""
    return (subtotal * rate_bp + 5_000) // 10_000


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
        numbered_save(invoice)
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


class InvoiceFields(TypedDict, total=False):
    """What staff may change on an invoice (``INVOICE_FIELDS``); shipping in minor units."""

    date: dt.date
    notes: str
    shipping: int
    status: InvoiceStatus
    client: Client
    session: Session | None


@transaction.atomic
def invoice_update(*, invoice: Invoice, actor: Actor, **fields: Unpack[InvoiceFields]) -> Invoice:
    """Change an invoice's own fields; a web order only for staff allowed to edit web orders."""
    check_may_edit(invoice, actor)
    changed = model_update(instance=invoice, fields=INVOICE_FIELDS, data=fields)
    if invoice.prepaid_online and invoice.session_id is None:
        raise ValidationError({"session": "A prepaid order needs the session to choose from."})
    invoice.full_clean()
    invoice.save()
    # Only a change of shipping touches the totals: a web order keeps the tax it was sold with.
    if "shipping" in changed:
        invoice_recalculate(invoice=invoice)
    if {"client", "session"} & changed:
        prepaid_touch(invoice)
    return invoice


@transaction.atomic
def invoice_other_update(
    *,
    invoice: Invoice,
    actor: Actor,
    status: InvoiceStatus,
    date: dt.date,
    shipping: int,
    notes: str,
    prepaid_online: bool,
    confirm_unpaid: bool = False,
) -> Invoice:
    """The Other tab in one go: the invoice's status, date, shipping and notes, and whether
    it is a prepaid order for online ordering (on an unpaid invoice, once confirmed).
    Either all of it is saved or none."""
    invoice_update(
        invoice=invoice, actor=actor, status=status, date=date, shipping=shipping, notes=notes
    )
    return prepaid_set(
        invoice=invoice, flag=prepaid_online, actor=actor, unpaid_confirmed=confirm_unpaid
    )


@transaction.atomic
def invoice_set_status(*, invoice: Invoice, status: InvoiceStatus, actor: Actor) -> Invoice:
    check_may_edit(invoice, actor)
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
    check_may_edit(invoice, actor)
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
    prepaid_touch(invoice)
    return line


LINE_FIELDS = ("description", "size", "quantity", "unit_price", "image")


class LineFields(TypedDict, total=False):
    """What staff may change on an invoice line (``LINE_FIELDS``); the price in minor units."""

    description: str
    size: str
    quantity: int
    unit_price: int
    image: Image | None


@transaction.atomic
def invoice_line_update(
    *, line: InvoiceLine, actor: Actor, **fields: Unpack[LineFields]
) -> InvoiceLine:
    invoice = line.invoice
    check_may_edit(invoice, actor)
    if "image" in fields:
        _check_image(invoice, fields["image"])
    model_update(instance=line, fields=LINE_FIELDS, data=fields)
    line.total = line.quantity * line.unit_price
    line.full_clean()
    line.save()
    invoice_recalculate(invoice=invoice)
    prepaid_touch(invoice)
    return line


@transaction.atomic
def invoice_line_remove(*, line: InvoiceLine, actor: Actor) -> None:
    invoice = line.invoice
    check_may_edit(invoice, actor)
    line.delete()
    invoice_recalculate(invoice=invoice)
    prepaid_touch(invoice)


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
        created_by=staff(actor),
    )
    payment.full_clean()
    payment.save()
    prepaid_touch(invoice)
    return payment
