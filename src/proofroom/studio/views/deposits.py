"""Make a Deposit: pick a day, see its undeposited payments by method, record the deposit."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from proofroom.core.money import format_money
from proofroom.studio.areas import Area, desk_page
from proofroom.studio.dates import studio_today
from proofroom.studio.deposits import (
    deposit_by_method,
    deposit_by_pk,
    deposit_candidates,
    deposit_make,
    deposit_payments,
    deposits_recent,
)
from proofroom.studio.studios import studio_get


class DayForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


def _currency() -> str:
    studio = studio_get()
    return studio.currency if studio else "USD"


@desk_page(Area.INVOICES)
def deposit_list(request: HttpRequest) -> HttpResponse:
    form = DayForm(request.GET or None, initial={"date": studio_today()})
    day = form.cleaned_data["date"] if form.is_valid() else studio_today()
    payments = list(deposit_candidates(date=day))
    return render(
        request,
        "studio/deposits/list.html",
        {
            "form": form,
            "day": day,
            "payments": payments,
            "methods": deposit_by_method(payments),
            "total": sum(p.amount for p in payments),
            "currency": _currency(),
            "recent": deposits_recent(),
        },
    )


@desk_page(Area.INVOICES)
@require_POST
def deposit_record(request: HttpRequest) -> HttpResponse:
    form = DayForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Pick the day to deposit.")
        return redirect("studio:deposit_list")
    day = form.cleaned_data["date"]
    try:
        deposit = deposit_make(
            date=day, user=request.user if isinstance(request.user, User) else None
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"{reverse('studio:deposit_list')}?date={day:%Y-%m-%d}")
    messages.success(
        request,
        f"Deposit of {format_money(deposit.total, _currency())} recorded for {day:%d %b %Y}.",
    )
    return redirect("studio:deposit_detail", pk=deposit.pk)


@desk_page(Area.INVOICES)
def deposit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    deposit = deposit_by_pk(pk)
    if deposit is None:
        raise Http404("No such deposit.")
    payments = deposit_payments(deposit)
    return render(
        request,
        "studio/deposits/detail.html",
        {
            "deposit": deposit,
            "payments": payments,
            "methods": deposit_by_method(payments),
            "currency": _currency(),
        },
    )
