"""The forms of the store's pages: they parse input; the services price and decide.

No form here has a price field: whatever a browser posts as a price is never read.
"""

from __future__ import annotations

from typing import Any

from django import forms

from proofroom.gallery.store.carts import MAX_QUANTITY
from proofroom.sync.protocol import Delivery

ADDRESS_FIELDS = ("street", "city", "region", "postal_code", "country")
NEEDED_TO_SHIP = ("street", "city", "postal_code", "country")


class AddToCartForm(forms.Form):
    product = forms.UUIDField()
    image = forms.UUIDField()
    quantity = forms.IntegerField(min_value=1, max_value=MAX_QUANTITY, initial=1)
    next = forms.CharField(required=False)


class QuantityForm(forms.Form):
    quantity = forms.IntegerField(min_value=0, max_value=MAX_QUANTITY)


class CheckoutForm(forms.Form):
    delivery = forms.ChoiceField(
        choices=[(d.value, d.value) for d in Delivery], widget=forms.RadioSelect
    )
    street = forms.CharField(label="Street and number", max_length=200, required=False)
    city = forms.CharField(label="City", max_length=100, required=False)
    region = forms.CharField(label="State or region", max_length=100, required=False)
    postal_code = forms.CharField(label="Postal code", max_length=20, required=False)
    country = forms.CharField(label="Country", max_length=60, required=False)
    note = forms.CharField(
        label="A note for the studio",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, deliveries: list[Delivery], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        delivery = self.fields["delivery"]
        assert isinstance(delivery, forms.ChoiceField)
        delivery.choices = [(d.value, d.value) for d in deliveries]
        for name, autocomplete in zip(
            ADDRESS_FIELDS,
            ("street-address", "address-level2", "address-level1", "postal-code", "country-name"),
            strict=True,
        ):
            self.fields[name].widget.attrs["autocomplete"] = f"shipping {autocomplete}"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("delivery") == Delivery.SHIP:
            for name in NEEDED_TO_SHIP:
                if not data.get(name, "").strip():
                    self.add_error(name, "Needed to ship your order.")
        return data

    @property
    def address(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in ADDRESS_FIELDS}
