"""Web orders downloaded from the gallery become invoices (called by the synchronizer inside
its transaction): one invoice per order, keyed by the order's uuid, with its online payments."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower

from proofroom.core.bulk import rows_insert, values_insert
from proofroom.studio.clients import Client
from proofroom.studio.dates import local, studio_date
from proofroom.studio.guests import GuestLink
from proofroom.studio.images import Image
from proofroom.studio.invoices.models import (
    Invoice,
    InvoiceLine,
    Payment,
    PaymentMethod,
    StatusRole,
)
from proofroom.studio.invoices.numbering import numbered_bulk_create
from proofroom.studio.invoices.statuses import status_for_role
from proofroom.studio.pricelists import Product
from proofroom.studio.sessions import Session
from proofroom.studio.studios import Studio, studio_get
from proofroom.sync import protocol


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
    numbered_bulk_create(invoices)

    products: dict[uuid.UUID, int] = dict(
        Product.objects.filter(
            uuid__in={line.product for o in todo for line in o.lines}
            | {pick.product for o in todo for line in o.lines for pick in line.picks}
        ).values_list("uuid", "pk")
    )
    wanted = {line.image for o in todo for line in o.lines if line.image is not None} | {
        pick.image for o in todo for line in o.lines for pick in line.picks
    }
    images: dict[uuid.UUID, int] = (
        dict(Image.objects.filter(uuid__in=wanted).values_list("uuid", "pk")) if wanted else {}
    )
    # Nothing points at the lines: one statement run for each (no SQL assembled per row,
    # no model instance).
    values_insert(
        InvoiceLine,
        [
            new_line
            for invoice, order in zip(invoices, todo, strict=True)
            for index, line in enumerate(order.lines)
            for new_line in _web_order_lines(invoice, index, line, products, images)
        ],
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
    products: dict[uuid.UUID, int],
    images: dict[uuid.UUID, int],
) -> list[dict[str, Any]]:
    """An ordered line as the invoice's line (its columns); a package's line is followed by
    one line per piece at no charge, each with the photograph the client chose, for
    production."""
    made: list[dict[str, Any]] = [
        {
            "uuid": line.uuid,
            "invoice_id": invoice.pk,
            "product_id": products.get(line.product),
            "image_id": images.get(line.image) if line.image is not None else None,
            "description": f"{line.name} {line.size}".strip()[:200],
            "size": line.size[:40],
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "total": line.total,
            "position": (index + 1) * 1000,
        }
    ]
    for n, pick in enumerate(line.picks, start=1):
        made.append(
            {
                # Stable, so a page downloaded again makes the same lines.
                "uuid": uuid.uuid5(PACKAGE_PIECE, f"{line.uuid}:{n}"),
                "invoice_id": invoice.pk,
                "product_id": products.get(pick.product),
                "image_id": images.get(pick.image),
                "description": f"In {line.name}: {pick.name} {pick.size}".strip()[:200],
                "size": pick.size[:40],
                "quantity": line.quantity,
                "unit_price": 0,
                "total": 0,
                "position": (index + 1) * 1000 + n,
            }
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
                invoice_id=invoice.pk,
                amount=payment.amount,
                method=PaymentMethod.CARD_ONLINE,
                reference=reference,
                received_on=studio_date(payment.paid_at, studio),
                online=True,
            )
        )
    rows_insert(new)


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
