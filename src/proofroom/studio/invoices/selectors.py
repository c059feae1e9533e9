"""Reads of invoices: what was paid, what is owed, the Invoices hub's search."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce

from proofroom.studio.clients import Client
from proofroom.studio.invoices.models import Invoice, InvoiceLine, InvoiceStatus, Payment
from proofroom.sync import protocol


def paid_subquery() -> Subquery:
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


def invoices_search(
    *,
    status: InvoiceStatus | None = None,
    client_query: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    web_order_number: str = "",
    client: Client | None = None,
) -> QuerySet[Invoice]:
    """The Invoices hub: newest first, with what each invoice has been paid (``paid``)."""
    invoices = (
        Invoice.objects.select_related("client", "status")
        .annotate(paid=Coalesce(paid_subquery(), 0))
        .annotate(balance=ExpressionWrapper(F("total") - F("paid"), output_field=IntegerField()))
        .order_by("-date", "-number")
    )
    if status is not None:
        invoices = invoices.filter(status=status)
    if client is not None:
        invoices = invoices.filter(client=client)
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


def invoice_by_number(number: int) -> Invoice | None:
    """An invoice with what its head shows (client, session, status)."""
    return (
        Invoice.objects.select_related("client", "session", "status").filter(number=number).first()
    )


def invoice_lines(invoice: Invoice) -> QuerySet[InvoiceLine]:
    """The Lines tab: the invoice's lines in order, with their images."""
    return invoice.lines.select_related("image")


def invoice_line_of(*, invoice: Invoice, pk: int) -> InvoiceLine | None:
    """One line, only among this invoice's."""
    return InvoiceLine.objects.filter(invoice=invoice, pk=pk).first()


def invoice_payments_list(invoice: Invoice) -> QuerySet[Payment]:
    """The Payments tab: the invoice's payments with the deposits they went into."""
    return invoice.payments.select_related("deposit")


def invoice_statuses_all() -> QuerySet[InvoiceStatus]:
    """Every status, in the desk's order (the status menus)."""
    return InvoiceStatus.objects.all()


def invoice_status_by_pk(pk: int) -> InvoiceStatus | None:
    return InvoiceStatus.objects.filter(pk=pk).first()
