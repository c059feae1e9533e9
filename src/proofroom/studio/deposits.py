"""Make a Deposit: the day's payments not yet taken to the bank, by method, deposited once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet

from proofroom.studio.invoices.models import Deposit, Payment, PaymentMethod


@dataclass(frozen=True)
class MethodTotal:
    method: str
    label: str
    count: int
    total: int


def deposit_candidates(*, date: dt.date) -> QuerySet[Payment]:
    """The payments received on a day (online card payments included) not yet deposited."""
    return (
        Payment.objects.filter(received_on=date, deposit__isnull=True)
        .select_related("invoice__client")
        .order_by("method", "pk")
    )


def deposit_by_method(payments: Iterable[Payment]) -> list[MethodTotal]:
    """Totals per payment method, in the order the methods are listed."""
    counts: dict[str, int] = {}
    totals: dict[str, int] = {}
    for payment in payments:
        counts[payment.method] = counts.get(payment.method, 0) + 1
        totals[payment.method] = totals.get(payment.method, 0) + payment.amount
    return [
        MethodTotal(
            method=m.value, label=str(m.label), count=counts[m.value], total=totals[m.value]
        )
        for m in PaymentMethod
        if m.value in counts
    ]


@transaction.atomic
def deposit_make(*, date: dt.date, user: User | None) -> Deposit:
    """Record the day's deposit. A payment is deposited once, even when two desks press at
    the same moment: the rows are locked and only undeposited ones are taken."""
    payments = list(deposit_candidates(date=date).select_for_update(of=("self",)))
    if not payments:
        raise ValidationError(f"There are no payments left to deposit for {date:%d %b %Y}.")
    deposit = Deposit.objects.create(
        date=date, created_by=user, total=sum(p.amount for p in payments)
    )
    Payment.objects.filter(pk__in=[p.pk for p in payments], deposit__isnull=True).update(
        deposit=deposit
    )
    return deposit


def deposits_recent(*, limit: int = 20) -> QuerySet[Deposit]:
    return (
        Deposit.objects.select_related("created_by")
        .annotate(payment_count=Count("payments"))
        .order_by("-date", "-pk")[:limit]
    )


def deposit_by_pk(pk: int) -> Deposit | None:
    """A deposit with who recorded it."""
    return Deposit.objects.select_related("created_by").filter(pk=pk).first()


def deposit_payments(deposit: Deposit) -> list[Payment]:
    """A deposit's payments by method, each with its invoice's client."""
    return list(deposit.payments.select_related("invoice__client").order_by("method", "pk"))
