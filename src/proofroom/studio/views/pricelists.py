"""Desk pages for price lists: the lists, and one list's products and packages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from proofroom.core.money import MoneyField, money_field
from proofroom.studio.areas import Area, desk_page
from proofroom.studio.pricelists import (
    PackageItem,
    PriceList,
    ProductCategory,
    pricelist_load_sample,
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
    if request.method == "POST" and request.POST.get("action") == "sample":
        studio = studio_get()
        price_list = pricelist_load_sample(currency=studio.currency if studio else "USD")
        messages.success(request, f"“{price_list}” is ready.")
        return redirect("studio:pricelist_detail", pk=price_list.pk)
    lists = PriceList.objects.annotate(product_count=Count("products")).order_by("name")
    return render(request, "studio/pricelists/list.html", {"lists": lists})


@desk_page(Area.SETTINGS)
def pricelist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    price_list = get_object_or_404(PriceList, pk=pk)
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
    products = price_list.products.prefetch_related(
        Prefetch("package_items", queryset=PackageItem.objects.select_related("product"))
    )
    return render(
        request,
        "studio/pricelists/detail.html",
        {"price_list": price_list, "products": products, "form": form},
    )
