"""The session gallery: groups as filters, a paged grid that stays fast, a page per image
without JavaScript, and image bytes served only through access-checked URLs."""

from __future__ import annotations

import re

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from proofroom.gallery.accounts import Account
from proofroom.gallery.blobs import Blob
from proofroom.gallery.tenants import Studio
from proofroom.gallery.views import PER_PAGE
from proofroom.sync.protocol import EventType
from tests.cast import Published, photo, publish, queries_for, sign_in

pytestmark = pytest.mark.django_db


def tiles(body: str) -> list[str]:
    return re.findall(r'<a class="tile" href="([^"]+)"', body)


def test_the_gallery_shows_the_session_its_groups_and_lazy_fixed_ratio_tiles(
    viewer: Client, published: Published
) -> None:
    session = published.session
    body = viewer.get(f"/s/northlight/e/{session.uuid}/").content.decode()
    assert "<h1>Souza wedding</h1>" in body
    assert f"{session.date.day} {session.date:%B %Y}" in body
    assert "A summer wedding by the lake." in body
    assert "12 photographs" in body
    for group in published.groups:
        assert f'href="?group={group.uuid}"' in body and group.name in body
    assert len(tiles(body)) == 12
    first = published.images[0]
    assert f'href="/s/northlight/e/{session.uuid}/i/{first.uuid}/"' in body
    assert f'src="/s/northlight/i/{first.uuid}/thumb/"' in body
    assert f'data-preview="/s/northlight/i/{first.uuid}/preview/"' in body
    assert body.count('loading="lazy"') == 12
    assert f"aspect-ratio:{first.preview_width}/{first.preview_height}" in body
    assert 'data-name="IMG_0001.jpg"' in body


def test_a_group_filters_the_grid(viewer: Client, published: Published) -> None:
    ceremony, portraits = published.groups
    url = f"/s/northlight/e/{published.session.uuid}/"
    body = viewer.get(f"{url}?group={ceremony.uuid}").content.decode()
    assert len(tiles(body)) == 5 and "5 photographs in Ceremony" in body
    body = viewer.get(f"{url}?group={portraits.uuid}").content.decode()
    assert len(tiles(body)) == 4
    assert all(f"?group={portraits.uuid}" in href for href in tiles(body))
    # A group of another session, or rubbish, shows everything.
    for wanted in ("not-a-uuid", "9b2f0f1e-1111-4111-8111-111111111111"):
        assert len(tiles(viewer.get(f"{url}?group={wanted}").content.decode())) == 12


def test_the_grid_is_paged(client: Client, gallery_studio: Studio, ada: Account) -> None:
    big = publish(gallery_studio, ada, images=PER_PAGE + 5, event_type=EventType.PUBLIC)
    url = f"/s/northlight/e/{big.session.uuid}/"
    first = client.get(url).content.decode()
    assert len(tiles(first)) == PER_PAGE
    assert "Page 1 of 2" in first and 'data-next-page="?page=2"' in first
    assert f'data-total="{PER_PAGE + 5}"' in first and 'data-offset="0"' in first
    second = client.get(f"{url}?page=2").content.decode()
    assert len(tiles(second)) == 5 and f'data-offset="{PER_PAGE}"' in second
    assert len(tiles(client.get(f"{url}?page=99").content.decode())) == 5


def test_the_gallery_page_makes_as_many_queries_for_100_images_as_for_10(
    client: Client, gallery_studio: Studio, ada: Account
) -> None:
    small = publish(gallery_studio, ada, images=10, title="Small")
    large = publish(gallery_studio, ada, images=100, title="Large")
    sign_in(client, ada)
    few = queries_for(client, f"/s/northlight/e/{small.session.uuid}/")
    many = queries_for(client, f"/s/northlight/e/{large.session.uuid}/")
    assert few == many
    # studio, visitor session, account, online session, groups, page count, images,
    # what the client chose: favourites, own groups (the yearbook adds one more), and the
    # cart count in the header
    assert many <= 10


def test_the_image_page_works_without_javascript(viewer: Client, published: Published) -> None:
    session, images = published.session, published.images
    body = viewer.get(f"/s/northlight/e/{session.uuid}/i/{images[4].uuid}/").content.decode()
    assert "5 / 12" in body and "IMG_0005.jpg" in body
    assert f'src="/s/northlight/i/{images[4].uuid}/preview/"' in body
    assert f"/i/{images[3].uuid}/" in body and f"/i/{images[5].uuid}/" in body
    last = viewer.get(f"/s/northlight/e/{session.uuid}/i/{images[11].uuid}/").content.decode()
    assert "12 / 12" in last and 'rel="next"' not in last


def test_the_image_page_follows_the_group(viewer: Client, published: Published) -> None:
    portraits = published.groups[1]
    session, images = published.session, published.images
    url = f"/s/northlight/e/{session.uuid}/i/{images[5].uuid}/?group={portraits.uuid}"
    body = viewer.get(url).content.decode()
    assert "1 / 4" in body and 'rel="prev"' not in body
    assert f"/i/{images[6].uuid}/?group={portraits.uuid}" in body


def test_an_image_of_another_session_is_not_found_on_the_image_page(
    viewer: Client, gallery_studio: Studio, ada: Account, published: Published
) -> None:
    other = publish(gallery_studio, ada, images=1)
    url = f"/s/northlight/e/{published.session.uuid}/i/{other.images[0].uuid}/"
    assert viewer.get(url).status_code == 404


def test_image_bytes_are_private_jpegs_with_the_stored_bytes(
    viewer: Client, published: Published
) -> None:
    image = published.images[0]
    response = viewer.get(f"/s/northlight/i/{image.uuid}/preview/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"].startswith("private, max-age=")
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert body == photo(0, image.preview_width, image.preview_height)[1]
    assert "gallery/" not in response.get("Content-Disposition", "")
    assert image.preview not in response.get("Content-Disposition", "")
    assert viewer.head(f"/s/northlight/i/{image.uuid}/preview/").status_code == 200
    thumb = viewer.get(f"/s/northlight/i/{image.uuid}/thumb/")
    assert b"".join(thumb.streaming_content) == photo(0, 300, 200)[1]  # type: ignore[attr-defined]


def test_an_unchanged_image_is_not_sent_again(viewer: Client, published: Published) -> None:
    url = f"/s/northlight/i/{published.images[0].uuid}/thumb/"
    etag = viewer.get(url)["ETag"]
    again = viewer.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again["Cache-Control"].startswith("private")


def test_a_missing_blob_is_not_found(viewer: Client, published: Published) -> None:
    image = published.images[0]
    blob = Blob.objects.get(sha256=image.thumbnail)
    default_storage.delete(blob.key)
    assert viewer.get(f"/s/northlight/i/{image.uuid}/thumb/").status_code == 404
    Blob.objects.filter(sha256=image.preview).delete()
    assert viewer.get(f"/s/northlight/i/{image.uuid}/preview/").status_code == 404


def test_the_landing_page_has_login_code_search_and_contact(
    client: Client, gallery_studio: Studio
) -> None:
    body = client.get("/s/northlight/").content.decode()
    assert 'action="/s/northlight/login/"' in body and 'name="username"' in body
    assert 'action="/s/northlight/code/"' in body and 'name="code"' in body
    assert 'action="/s/northlight/events/"' in body and 'type="date"' in body
    assert "hello@northlight.example" in body
    assert "<h1>Northlight Studio</h1>" in body


def test_the_root_is_the_only_studios_landing_with_its_forms(
    client: Client, gallery_studio: Studio
) -> None:
    body = client.get("/").content.decode()
    assert 'action="/s/northlight/login/"' in body


def test_an_unknown_studio_is_not_found(client: Client) -> None:
    for path in ("/s/nobody/", "/s/nobody/home/", "/s/nobody/code/"):
        assert client.get(path).status_code == 404


def test_the_gallery_script_and_styles_are_served(client: Client) -> None:
    for path in ("/static/gallery/gallery.js", "/static/gallery/gallery.css"):
        response = client.get(path)
        assert response.status_code == 200, path
