"""Desk pages for price lists: the lists, and one list's products and packages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from proofroom.core.money import MoneyField, money_field
from proofroom.studio.areas import Area, desk_page
from proofroom.studio.pricelists import (
    ProductCategory,
    pricelist_by_pk,
    pricelist_load_sample,
    pricelist_products,
    pricelists_with_counts,
    product_add,
)
from proofroom.studio.studios import studio_get


class ProductForm(forms.Form):
    name = forms.CharField(max_length=120)
    category = forms.ChoiceField(choices=ProductCategory.choices)
    size = forms.CharField(max_length=40, required=False)
    price = MoneyField(help_text="e.g. 25.00")

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        money_field(self, "price").currency = currency


@desk_page(Area.SETTINGS)
def pricelist_list(request: HttpRequest) -> HttpResponse:
    return render(request, "studio/pricelists/list.html", {"lists": pricelists_with_counts()})


@desk_page(Area.SETTINGS)
@require_POST
def pricelist_sample(request: HttpRequest) -> HttpResponse:
    """Load the sample price list, in the studio's currency."""
    studio = studio_get()
    price_list = pricelist_load_sample(currency=studio.currency if studio else "USD")
    messages.success(request, f"“{price_list}” is ready.")
    return redirect("studio:pricelist_detail", pk=price_list.pk)


@desk_page(Area.SETTINGS)
def pricelist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A list's products; the form adds one."""
    price_list = pricelist_by_pk(pk)
    if price_list is None:
        raise Http404("No such price list.")
    form = ProductForm(request.POST or None, currency=price_list.currency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            product_add(
                price_list=price_list,
                name=data["name"],
                category=data["category"],
                size=data["size"],
                price=data["price"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{data['name']} was added.")
            return redirect("studio:pricelist_detail", pk=price_list.pk)
    return render(
        request,
        "studio/pricelists/detail.html",
        {"price_list": price_list, "products": pricelist_products(price_list), "form": form},
    )
