"""Desk pages for invoices: the Invoices hub, an invoice's Lines, Payments and Other tabs,
a new invoice, and the list of invoice statuses."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from proofroom.core.money import MoneyField, format_money, money_field
from proofroom.studio.areas import Area, desk_page
from proofroom.studio.clients import clients_all
from proofroom.studio.dates import studio_today
from proofroom.studio.images import Image, images_of_session
from proofroom.studio.invoices.editing import WEB_ORDER_NOTICE, may_edit
from proofroom.studio.invoices.models import (
    Invoice,
    PaymentMethod,
    session_not_of_client,
)
from proofroom.studio.invoices.selectors import (
    invoice_by_number,
    invoice_line_of,
    invoice_lines,
    invoice_paid,
    invoice_payments_list,
    invoice_status_by_pk,
    invoice_statuses_all,
    invoices_search,
)
from proofroom.studio.invoices.services import (
    invoice_create,
    invoice_line_add,
    invoice_line_remove,
    invoice_other_update,
    payment_add,
)
from proofroom.studio.invoices.statuses import (
    invoice_status_add,
    invoice_status_update,
    invoice_statuses_ensure,
    statuses_with_counts,
)
from proofroom.studio.pricelists import Product, products_for_menu
from proofroom.studio.sessions import Session, sessions_for_menu

INVOICES_PER_PAGE = 50
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InvoiceSearchForm(forms.Form):
    status = forms.ModelChoiceField(
        queryset=invoice_statuses_all(), required=False, empty_label="Any status"
    )
    q = forms.CharField(required=False, max_length=100, label="Client or invoice no.")
    date_from = forms.DateField(required=False, label="From", widget=DATE_INPUT)
    date_to = forms.DateField(required=False, label="To", widget=DATE_INPUT)
    web_order = forms.CharField(required=False, max_length=20, label="Web order no.")


class NewInvoiceForm(forms.Form):
    client = forms.ModelChoiceField(queryset=clients_all(), required=False)
    session = forms.ModelChoiceField(
        queryset=sessions_for_menu(),
        required=False,
        help_text="The session the client chooses images from; a prepaid order needs one.",
    )
    date = forms.DateField(widget=DATE_INPUT)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("client") is None and data.get("session") is not None:
            data["client"] = data["session"].client
        if data.get("client") is None:
            self.add_error("client", "Choose the client, or one of their sessions.")
        elif data.get("session") is not None and data["session"].client_id != data["client"].pk:
            self.add_error("session", session_not_of_client(data["session"]))
        return data


class ProductChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Product) -> str:
        return f"{obj.price_list} · {obj} — {format_money(obj.price, obj.price_list.currency)}"


class LineForm(forms.Form):
    product = ProductChoiceField(queryset=products_for_menu())
    image: forms.ModelChoiceField[Image] = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="No image"
    )
    quantity = forms.IntegerField(min_value=1, max_value=999, initial=1)

    def __init__(self, *args: Any, session: Session | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        image_field = self.fields["image"]
        assert isinstance(image_field, forms.ModelChoiceField)
        image_field.queryset = images_of_session(session=session)
        if session is None:
            image_field.disabled = True
            image_field.help_text = "Give the invoice a session to choose one of its images."


class PaymentForm(forms.Form):
    amount = MoneyField(min_minor=1)
    method = forms.ChoiceField(
        choices=[c for c in PaymentMethod.choices if c[0] != PaymentMethod.CARD_ONLINE]
    )
    received_on = forms.DateField(label="Received on", widget=DATE_INPUT)
    reference = forms.CharField(
        required=False, max_length=120, label="Reference", help_text="e.g. the check number"
    )

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        money_field(self, "amount").currency = currency


class OtherForm(forms.Form):
    status = forms.ModelChoiceField(queryset=invoice_statuses_all(), empty_label=None)
    date = forms.DateField(widget=DATE_INPUT)
    shipping = MoneyField()
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 5}))
    prepaid_online = forms.BooleanField(
        required=False, label="This order is a prepaid order for online ordering"
    )
    confirm_unpaid = forms.BooleanField(
        required=False, label="Offer it online although it is not paid"
    )

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        money_field(self, "shipping").currency = currency


class StatusForm(forms.Form):
    name = forms.CharField(max_length=60)
    is_closed = forms.BooleanField(required=False, label="Closed (the invoice is finished)")


def _invoice_or_404(number: int) -> Invoice:
    invoice = invoice_by_number(number)
    if invoice is None:
        raise Http404("No such invoice.")
    return invoice


def _context(request: HttpRequest, invoice: Invoice, tab: str) -> dict[str, Any]:
    """What every tab of an invoice shows: its head, totals and whether you may change it."""
    paid = invoice_paid(invoice)
    return {
        "invoice": invoice,
        "tab": tab,
        "can_edit": may_edit(invoice=invoice, actor=request.user),
        "notice": WEB_ORDER_NOTICE,
        "paid": paid,
        "balance": invoice.total - paid,
    }


def _refused(request: HttpRequest, invoice: Invoice, exc: PermissionDenied) -> HttpResponse:
    return render(
        request,
        "studio/invoices/refused.html",
        {"invoice": invoice, "message": str(exc)},
        status=403,
    )


def _problem(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@desk_page(Area.INVOICES)
def invoice_list(request: HttpRequest) -> HttpResponse:
    invoice_statuses_ensure()
    form = InvoiceSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    invoices = invoices_search(
        status=filters.get("status"),
        client_query=filters.get("q") or "",
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        web_order_number=filters.get("web_order") or "",
    )
    page = Paginator(invoices, INVOICES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "studio/invoices/list.html",
        {
            "page": page,
            "form": form,
            "status": filters.get("status"),
            "searching": any(filters.values()),
            "statuses": statuses_with_counts(),
        },
    )


@desk_page(Area.INVOICES)
def invoice_new(request: HttpRequest) -> HttpResponse:
    initial = {
        "client": request.GET.get("client"),
        "session": request.GET.get("session"),
        "date": studio_today(),
    }
    form = NewInvoiceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            invoice = invoice_create(**form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, _problem(exc))
        else:
            messages.success(request, f"Invoice {invoice.number} was created; add its lines.")
            return redirect("studio:invoice_detail", number=invoice.number)
    return render(request, "studio/invoices/new.html", {"form": form})


def _lines_page(request: HttpRequest, invoice: Invoice, form: LineForm) -> HttpResponse:
    context = _context(request, invoice, "lines")
    context["form"] = form
    context["lines"] = invoice_lines(invoice)
    return render(request, "studio/invoices/lines.html", context)


@desk_page(Area.INVOICES)
def invoice_detail(request: HttpRequest, number: int) -> HttpResponse:
    """The Lines tab; its forms post to ``invoice_line_add`` and ``invoice_line_remove``."""
    invoice = _invoice_or_404(number)
    return _lines_page(request, invoice, LineForm(session=invoice.session))


@desk_page(Area.INVOICES)
@require_POST
def invoice_line_new(request: HttpRequest, number: int) -> HttpResponse:
    """Add a product (with an image of the session) as a line."""
    invoice = _invoice_or_404(number)
    form = LineForm(request.POST, session=invoice.session)
    if form.is_valid():
        try:
            line = invoice_line_add(invoice=invoice, actor=request.user, **form.cleaned_data)
        except PermissionDenied as exc:
            return _refused(request, invoice, exc)
        except ValidationError as exc:
            form.add_error(None, _problem(exc))
        else:
            messages.success(request, f"Added {line.quantity} × {line.description}.")
            return redirect("studio:invoice_detail", number=invoice.number)
    return _lines_page(request, invoice, form)


@desk_page(Area.INVOICES)
@require_POST
def invoice_line_delete(request: HttpRequest, number: int, line: int) -> HttpResponse:
    invoice = _invoice_or_404(number)
    found = invoice_line_of(invoice=invoice, pk=line)
    if found is None:
        raise Http404("No such line on this invoice.")
    try:
        invoice_line_remove(line=found, actor=request.user)
    except PermissionDenied as exc:
        return _refused(request, invoice, exc)
    messages.success(request, f"Removed {found.description}.")
    return redirect("studio:invoice_detail", number=invoice.number)


@desk_page(Area.INVOICES)
def invoice_payments(request: HttpRequest, number: int) -> HttpResponse:
    invoice = _invoice_or_404(number)
    balance = invoice.total - invoice_paid(invoice)
    form = PaymentForm(
        request.POST or None,
        initial={
            "received_on": studio_today(),
            "method": PaymentMethod.CASH,
            "amount": balance if balance > 0 else None,
        },
        currency=invoice.currency,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = payment_add(
                invoice=invoice,
                amount=data["amount"],
                method=data["method"],
                received_on=data["received_on"],
                reference=data["reference"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, _problem(exc))
        else:
            messages.success(
                request,
                f"Recorded {format_money(payment.amount, invoice.currency)} "
                f"({payment.get_method_display()}).",
            )
            return redirect("studio:invoice_payments", number=invoice.number)
    context = _context(request, invoice, "payments")
    context["form"] = form
    context["payments"] = invoice_payments_list(invoice)
    return render(request, "studio/invoices/payments.html", context)


@desk_page(Area.INVOICES)
def invoice_other(request: HttpRequest, number: int) -> HttpResponse:
    """Status, date, shipping, notes, and "prepaid order for online ordering"."""
    invoice = _invoice_or_404(number)
    form = OtherForm(
        request.POST or None,
        initial={
            "status": invoice.status,
            "date": invoice.date,
            "shipping": invoice.shipping,
            "notes": invoice.notes,
            "prepaid_online": invoice.prepaid_online,
        },
        currency=invoice.currency,
    )
    ask_unpaid = False
    if request.method == "POST" and form.is_valid():
        was_prepaid = invoice.prepaid_online
        try:
            invoice_other_update(invoice=invoice, actor=request.user, **form.cleaned_data)
        except PermissionDenied as exc:
            return _refused(request, _invoice_or_404(number), exc)
        except ValidationError as exc:
            invoice = _invoice_or_404(number)
            form.add_error(None, _problem(exc))
            ask_unpaid = any(e.code == "unpaid" for e in exc.error_list)
        else:
            if invoice.prepaid_online and not was_prepaid:
                messages.success(request, "Saved. It is marked for upload at the next sync.")
            elif was_prepaid and not invoice.prepaid_online and invoice.prepaid_needs_upload:
                messages.success(request, "Saved. The next sync takes it off the gallery.")
            else:
                messages.success(request, "Saved.")
            return redirect("studio:invoice_other", number=invoice.number)
    context = _context(request, invoice, "other")
    context["form"] = form
    context["ask_unpaid"] = ask_unpaid
    return render(request, "studio/invoices/other.html", context)


def _statuses_page(request: HttpRequest, form: StatusForm) -> HttpResponse:
    return render(
        request,
        "studio/invoices/statuses.html",
        {"statuses": statuses_with_counts(), "form": form, "hub": reverse("studio:invoice_list")},
    )


@desk_page(Area.INVOICES)
def invoice_statuses(request: HttpRequest) -> HttpResponse:
    """The maintenance list of invoice statuses; its forms post to ``invoice_status_new``
    and ``invoice_status_rename``."""
    invoice_statuses_ensure()
    return _statuses_page(request, StatusForm())


@desk_page(Area.INVOICES)
@require_POST
def invoice_status_new(request: HttpRequest) -> HttpResponse:
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            status = invoice_status_add(**form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, _problem(exc))
            form.add_error(None, _problem(exc))
        else:
            messages.success(request, f"“{status.name}” was added.")
            return redirect("studio:invoice_statuses")
    return _statuses_page(request, form)


@desk_page(Area.INVOICES)
@require_POST
def invoice_status_rename(request: HttpRequest, pk: int) -> HttpResponse:
    status = invoice_status_by_pk(pk)
    if status is None:
        raise Http404("No such invoice status.")
    try:
        invoice_status_update(
            status=status,
            name=request.POST.get("name", ""),
            is_closed=request.POST.get("is_closed") == "on",
        )
    except ValidationError as exc:
        messages.error(request, _problem(exc))
    else:
        messages.success(request, f"Saved “{status.name}”.")
    return redirect("studio:invoice_statuses")
