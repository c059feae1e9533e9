"""Settings, price lists and image files on the desk."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as Browser

from proofroom.studio.images import Image
from proofroom.studio.pricelists import PriceList, Product
from proofroom.studio.studios import Studio
from tests.factories import make_session

pytestmark = pytest.mark.django_db

PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f80f000001010001c8d6d6a40000000049454e44ae426082"
)


def test_sample_price_list_loads_once_with_a_package(desk: Browser) -> None:
    response = desk.post("/desk/price-lists/sample/", follow=True)
    body = response.content.decode()
    price_list = PriceList.objects.get()
    assert price_list.web_enabled
    assert "$25.00" in body and "2 × Print 8×10 in" in body
    desk.post("/desk/price-lists/sample/")
    assert PriceList.objects.count() == 1


def test_add_a_product_in_minor_units(desk: Browser) -> None:
    desk.post("/desk/price-lists/sample/")
    price_list = PriceList.objects.get()
    desk.post(
        f"/desk/price-lists/{price_list.pk}/",
        {"name": "Metal print", "category": "print", "size": "20×30 in", "price": "189.99"},
    )
    assert Product.objects.get(name="Metal print").price == 18999
    again = desk.post(
        f"/desk/price-lists/{price_list.pk}/",
        {"name": "Metal print", "category": "print", "size": "20×30 in", "price": "1"},
    )
    assert "already has a product with that name and size" in again.content.decode()


def test_settings_save_preferences_and_a_png_watermark(desk: Browser, studio: Studio) -> None:
    form = {
        "name": "Northlight Studio",
        "currency": "EUR",
        "time_zone": "Europe/Berlin",
        "preview_size": 1600,
        "watermark_enabled": "on",
        "watermark_text": "© Northlight",
        "watermark_opacity": 40,
        "expire_warning_days": 7,
    }
    not_png = SimpleUploadedFile("logo.png", b"GIF89a...", "image/png")
    refused = desk.post("/desk/settings/", {**form, "watermark_file": not_png})
    assert "The watermark must be a PNG file." in refused.content.decode()
    logo = SimpleUploadedFile("logo.png", PNG_1PX, "image/png")
    desk.post("/desk/settings/", {**form, "watermark_file": logo})
    studio.refresh_from_db()
    assert (studio.currency, studio.time_zone, studio.preview_size) == (
        "EUR",
        "Europe/Berlin",
        1600,
    )
    assert studio.watermark_image.startswith("watermarks/")


def test_assistant_cannot_change_studio_settings(client: Browser, assistant: object) -> None:
    client.force_login(assistant)  # type: ignore[arg-type]
    assert client.get("/desk/settings/").status_code == 403


def test_image_files_need_login_and_a_real_kind(client: Browser, owner: object) -> None:
    session = make_session()
    image = Image.objects.create(
        session=session,
        file_name="a.jpg",
        sha256="a" * 64,
        original_key="",
        size_bytes=1,
        format="jpeg",
        width=1,
        height=1,
    )
    assert client.get(f"/desk/images/{image.uuid}/thumb/").status_code == 302
    client.force_login(owner)  # type: ignore[arg-type]
    assert client.get(f"/desk/images/{image.uuid}/thumb/").status_code == 404  # not made yet
    assert client.get(f"/desk/images/{image.uuid}/secret/").status_code == 404


def test_each_settings_form_posts_to_its_own_page_and_a_get_there_changes_nothing(
    desk: Browser, studio: Studio
) -> None:
    """One view per action: the previews and the schedule have their own URLs; the
    settings page's Save changes only the studio's details."""
    page = desk.get("/desk/settings/").content.decode()
    assert 'action="/desk/settings/remake-previews/"' in page
    assert 'action="/desk/settings/auto-sync/"' in page
    assert 'name="action"' not in page

    assert desk.get("/desk/settings/remake-previews/").status_code == 405
    assert desk.get("/desk/settings/auto-sync/").status_code == 405
    remade = desk.post("/desk/settings/remake-previews/", follow=True).content.decode()
    assert "previews are being made again in the background" in remade

    refused = desk.post("/desk/settings/auto-sync/", {"minutes": "-5"})
    assert refused.status_code == 200
    assert "Ensure this value is greater than or equal to 0." in refused.content.decode()
    studio.refresh_from_db()
    assert studio.auto_sync_minutes == 0
