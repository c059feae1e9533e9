"""Invoice numbers: from 1, one after the other; a number taken meanwhile means try the next."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from proofroom.core.bulk import rows_insert
from proofroom.studio.invoices.models import Invoice


def _next_number() -> int:
    highest = Invoice.objects.aggregate(n=Max("number"))["n"]
    return 1 if highest is None else highest + 1


def numbered_save(invoice: Invoice) -> None:
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


def numbered_bulk_create(invoices: list[Invoice]) -> None:
    """Number new invoices one after the other from the next free number and insert them in
    one statement run for each; a number taken meanwhile (staff made an invoice) means try
    again. Their ids are then read back by their numbers (unique), in one query."""
    if not invoices:
        return
    for _attempt in range(5):
        first = _next_number()
        for offset, invoice in enumerate(invoices):
            invoice.number = first + offset
        try:
            with transaction.atomic():
                rows_insert(invoices)
        except IntegrityError:
            continue
        ids = dict(
            Invoice.objects.filter(number__gte=first, number__lt=first + len(invoices)).values_list(
                "number", "pk"
            )
        )
        for invoice in invoices:
            invoice.pk = ids[invoice.number]
            invoice._state.adding = False
        return
    raise ValidationError("Could not number the web orders' invoices; please sync again.")
