"""Ordering terms on the desk's Settings page: tax as a percentage, shipping as money."""

from __future__ import annotations

import pytest
from django.test import Client as Browser

from proofroom.studio.invoices.services import invoice_create
from proofroom.studio.studios import Studio
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

SETTINGS = {
    "name": "Northlight Studio",
    "currency": "USD",
    "time_zone": "America/Chicago",
    "preview_size": 2048,
    "watermark_opacity": 35,
    "expire_warning_days": 7,
}


def test_settings_save_8_25_percent_as_825_basis_points(desk: Browser, studio: Studio) -> None:
    response = desk.post(
        "/desk/settings/",
        {
            **SETTINGS,
            "tax_rate": "8.25",
            "tax_label": "Sales tax",
            "shipping_fee": "7.50",
            "offer_pickup": "on",
        },
    )
    assert response.status_code == 302
    studio.refresh_from_db()
    assert (
        studio.tax_rate,
        studio.tax_label,
        studio.shipping_fee,
        studio.offer_shipping,
        studio.offer_pickup,
    ) == (825, "Sales tax", 750, False, True)
    page = desk.get("/desk/settings/").content.decode()
    assert 'name="tax_rate" value="8.25"' in page
    assert 'name="shipping_fee" value="7.50"' in page
    assert "Ordering online" in page
    assert invoice_create(client=ClientFactory()).tax_rate == 825


def test_an_emptied_rate_is_no_tax_and_a_rate_over_100_is_refused(
    desk: Browser, studio: Studio
) -> None:
    studio.tax_rate, studio.shipping_fee = 825, 750
    studio.save()
    refused = desk.post("/desk/settings/", {**SETTINGS, "tax_rate": "150", "shipping_fee": ""})
    assert refused.status_code == 200
    assert "less than or equal to 100" in refused.content.decode()
    studio.refresh_from_db()
    assert studio.tax_rate == 825
    desk.post("/desk/settings/", {**SETTINGS, "tax_rate": "", "shipping_fee": "", "tax_label": ""})
    studio.refresh_from_db()
    assert (studio.tax_rate, studio.shipping_fee, studio.tax_label) == (0, 0, "Tax")


def test_the_invoice_page_names_the_tax_as_the_studio_does(desk: Browser, studio: Studio) -> None:
    studio.tax_label = "VAT"
    studio.save()
    invoice = invoice_create(client=ClientFactory())
    assert "<dt>VAT</dt>" in desk.get(f"/desk/invoices/{invoice.number}/").content.decode()
