"""The desk's settings page: the studio's details and its preferences."""

from __future__ import annotations

import zoneinfo
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from proofroom.core.money import MoneyField, money_field
from proofroom.studio.areas import Area, desk_page
from proofroom.studio.studios import (
    ORDERING_FIELDS,
    STUDIO_FIELDS,
    Studio,
    studio_get,
    studio_update,
    watermark_image_set,
)
from proofroom.studio.synchronizer.runs import SyncKind
from proofroom.studio.synchronizer.schedule import AUTO_SYNC_MIN_MINUTES, auto_sync_configure
from proofroom.studio.tasks import studio_previews_remake


class StudioForm(forms.ModelForm):
    website = forms.URLField(required=False, assume_scheme="https")
    gallery_url = forms.URLField(
        label="Gallery address",
        required=False,
        assume_scheme="https",
        help_text="e.g. https://gallery.example.com — where clients see their photos.",
    )
    time_zone = forms.ChoiceField(choices=[(z, z) for z in sorted(zoneinfo.available_timezones())])
    watermark_file = forms.FileField(
        label="Watermark image (PNG with transparency)",
        required=False,
        help_text="Replaces the text watermark while set.",
    )
    remove_watermark_image = forms.BooleanField(label="Remove the watermark image", required=False)
    # Ordering terms are typed as people say them (8.25 %, 7.50) and kept in integer units.
    tax_rate = forms.DecimalField(
        label="Tax rate (%)",
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
        help_text="On the goods, before shipping, e.g. 8.25. Empty is no tax.",
    )
    tax_label = forms.CharField(
        label="Tax is called", max_length=40, required=False, help_text="e.g. Sales tax, VAT."
    )
    shipping_fee = MoneyField(
        label="Shipping fee per order",
        required=False,
        help_text="e.g. 7.50; charged when the client has an order shipped.",
    )

    class Meta:
        model = Studio
        fields = list(STUDIO_FIELDS)
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "gallery_api_key": forms.PasswordInput(render_value=True),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["tax_rate"] = Decimal(self.instance.tax_rate) / 100
            self.initial["shipping_fee"] = self.instance.shipping_fee
        # The fee is money of the currency being saved with it.
        posted = self.data.get(self.add_prefix("currency")) if self.is_bound else None
        money_field(self, "shipping_fee").currency = str(posted or self.instance.currency)

    @property
    def general_fields(self) -> list[forms.BoundField]:
        return [f for f in self if f.name not in ORDERING_FIELDS]

    @property
    def ordering_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ORDERING_FIELDS]

    def _absent(self, name: str) -> bool:
        """A post without the field at all (not an emptied one) keeps what is saved."""
        return self.add_prefix(name) not in self.data

    def clean_tax_rate(self) -> int:
        value = self.cleaned_data.get("tax_rate")
        if self._absent("tax_rate"):
            return int(self.instance.tax_rate)
        return 0 if value is None else int((value * 100).to_integral_value())

    def clean_tax_label(self) -> str:
        if self._absent("tax_label"):
            return str(self.instance.tax_label)
        return str(self.cleaned_data.get("tax_label") or "").strip() or "Tax"

    def clean_shipping_fee(self) -> int:
        value = self.cleaned_data.get("shipping_fee")
        if self._absent("shipping_fee"):
            return int(self.instance.shipping_fee)
        return 0 if value is None else int(value)

    def clean_watermark_file(self) -> bytes | None:
        upload = self.cleaned_data.get("watermark_file")
        if not upload:
            return None
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError("Use a PNG under 2 MB.")
        data = upload.read()
        if not data.startswith(b"\x89PNG\r\n\x1a\n"):
            raise forms.ValidationError("The watermark must be a PNG file.")
        return bytes(data)


class AutoSyncForm(forms.Form):
    minutes = forms.IntegerField(
        label="Sync automatically every (minutes)",
        min_value=0,
        max_value=24 * 60,
        help_text=f"0 turns it off; at least {AUTO_SYNC_MIN_MINUTES}.",
    )
    kinds = forms.MultipleChoiceField(
        label="What the automatic sync does",
        choices=SyncKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


def _page(
    request: HttpRequest, studio: Studio, form: StudioForm, auto_form: AutoSyncForm
) -> HttpResponse:
    return render(
        request,
        "studio/preferences.html",
        {"form": form, "auto_form": auto_form, "studio": studio},
    )


def _auto_form(studio: Studio, data: Any = None) -> AutoSyncForm:
    return AutoSyncForm(
        data, initial={"minutes": studio.auto_sync_minutes, "kinds": studio.auto_sync_kinds}
    )


@desk_page(Area.SETTINGS)
def preferences(request: HttpRequest) -> HttpResponse:
    """The studio's details; the schedule and the previews post to their own pages."""
    studio = studio_get()
    if studio is None:
        return redirect("studio:home")
    form = StudioForm(request.POST or None, request.FILES or None, instance=studio)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in STUDIO_FIELDS}
        studio_update(studio=studio, **data)
        if form.cleaned_data["remove_watermark_image"]:
            watermark_image_set(studio=studio, png=None)
        elif form.cleaned_data["watermark_file"]:
            watermark_image_set(studio=studio, png=form.cleaned_data["watermark_file"])
        messages.success(request, "Saved. New previews use these settings.")
        return redirect("studio:preferences")
    return _page(request, studio, form, _auto_form(studio))


@desk_page(Area.SETTINGS)
@require_POST
def preferences_auto_sync(request: HttpRequest) -> HttpResponse:
    """The automatic sync's schedule."""
    studio = studio_get()
    if studio is None:
        return redirect("studio:home")
    auto_form = _auto_form(studio, request.POST)
    if not auto_form.is_valid():
        return _page(request, studio, StudioForm(instance=studio), auto_form)
    auto_sync_configure(
        minutes=auto_form.cleaned_data["minutes"], kinds=auto_form.cleaned_data["kinds"]
    )
    messages.success(
        request,
        "Automatic sync is off."
        if not auto_form.cleaned_data["minutes"]
        else "Automatic sync is on; the first one runs now.",
    )
    return redirect("studio:preferences")


@desk_page(Area.SETTINGS)
@require_POST
def preferences_remake(request: HttpRequest) -> HttpResponse:
    """Make every image's previews again, in the background."""
    studio_previews_remake.enqueue()
    messages.success(request, "Every image's previews are being made again in the background.")
    return redirect("studio:preferences")
