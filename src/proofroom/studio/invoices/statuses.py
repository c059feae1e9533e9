"""The configurable invoice statuses and the two the desk relies on (new invoices, web orders)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Max, QuerySet

from proofroom.studio.invoices.models import InvoiceStatus, StatusRole

WEB_ORDER_PLACED = "Web Order Placed"
DEFAULT_STATUSES: list[tuple[str, StatusRole, bool]] = [
    ("Open", StatusRole.OPEN, False),
    (WEB_ORDER_PLACED, StatusRole.WEB_ORDER, False),
    ("In Production", StatusRole.NONE, False),
    ("Ready", StatusRole.NONE, False),
    ("Completed", StatusRole.NONE, True),
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
