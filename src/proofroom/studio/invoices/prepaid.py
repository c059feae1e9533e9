"""Prepaid orders: an invoice the client picks images for online.

A prepaid invoice is marked for upload with a revision, like a session's online
settings, so a change made while a sync uploads it is not lost.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from proofroom.core.money import format_money
from proofroom.studio.images import Image
from proofroom.studio.invoices.editing import Actor, check_may_edit
from proofroom.studio.invoices.models import Invoice, InvoiceLine
from proofroom.studio.invoices.selectors import invoice_paid
from proofroom.sync import protocol


def prepaid_touch(invoice: Invoice) -> None:
    """What the client sees of a prepaid order changed: send it again at the next sync."""
    if invoice.prepaid_online:
        Invoice.objects.filter(pk=invoice.pk).update(
            prepaid_needs_upload=True, prepaid_revision=F("prepaid_revision") + 1
        )
        invoice.refresh_from_db(fields=["prepaid_needs_upload", "prepaid_revision"])


# --- Invoice services ---------------------------------------------------------------


@transaction.atomic
def prepaid_set(
    *, invoice: Invoice, flag: bool, actor: Actor, unpaid_confirmed: bool = False
) -> Invoice:
    """The Other tab's "prepaid order for online ordering": ticking it marks the invoice for
    upload; unticking one that is online marks it to be taken off the gallery. Ticking it on
    an invoice the payments do not cover needs ``unpaid_confirmed``: the gallery tells the
    client what is still to pay, but the studio should mean it."""
    check_may_edit(invoice, actor)
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
        paid = invoice_paid(locked)
        if paid < locked.total and not unpaid_confirmed:
            raise ValidationError(
                f"Invoice {locked.number} is not paid: "
                f"{format_money(paid, locked.currency)} of "
                f"{format_money(locked.total, locked.currency)}. "
                "Confirm to offer it online as a prepaid order all the same.",
                code="unpaid",
            )
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


def _split_by_copies(line: InvoiceLine, further: list[Image]) -> bool:
    """A line of quantity 2 or more whose further copies the client chose other photographs
    for becomes a line per photograph, each with its share of the quantity (a copy not named
    is made from the first pick's). The lines' sum, and so the invoice, stays the same."""
    further = further[: line.quantity - 1]
    if all(image.pk == line.image_id for image in further):
        return False
    counts: dict[Image, int] = {}
    for image in further:
        if image.pk != line.image_id:
            counts[image] = counts.get(image, 0) + 1
    line.quantity -= sum(counts.values())
    line.total = line.quantity * line.unit_price
    line.save(update_fields=["quantity", "total", "image"])
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice_id=line.invoice_id,
            product_id=line.product_id,
            image=image,
            description=line.description,
            size=line.size,
            quantity=count,
            unit_price=line.unit_price,
            total=count * line.unit_price,
            position=line.position,
        )
        for image, count in counts.items()
    )
    return True


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
    chosen: dict[InvoiceLine, list[Image]] = {}
    for pick in data.picks:
        line, image = lines.get(pick.item), images.get(pick.image)
        if line is not None and image is not None:
            chosen.setdefault(line, []).append(image)
    changed, split = [], False
    for line, picked in chosen.items():
        if line.image_id != picked[0].pk:
            line.image = picked[0]
            changed.append(line)
        split = _split_by_copies(line, picked[1:]) or split
    InvoiceLine.objects.bulk_update(changed, ["image"])
    if split:
        prepaid_touch(invoice)
    invoice.prepaid_picks_submitted_at = data.submitted_at
    invoice.save(update_fields=["prepaid_picks_submitted_at"])
