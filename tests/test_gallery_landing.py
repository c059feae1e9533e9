"""The gallery's root shows the studio's landing page."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_root_is_the_only_studios_landing_page(client: Client, gallery_studio: object) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "<h1>Northlight Studio</h1>" in response.content.decode()


def test_root_lists_studios_when_the_gallery_serves_several(
    client: Client, gallery_studio: object, rival_studio: object
) -> None:
    body = client.get("/").content.decode()
    assert 'href="/s/northlight/"' in body and 'href="/s/rival/"' in body


def test_each_studio_has_its_own_landing_page(
    client: Client, gallery_studio: object, rival_studio: object
) -> None:
    assert "Rival Portraits" in client.get("/s/rival/").content.decode()
    assert client.get("/s/nobody/").status_code == 404


def test_gallery_visitors_never_get_a_desk_session(client: Client, gallery_studio: object) -> None:
    client.get("/")
    assert "proofroom_desk" not in client.cookies


def test_health_check_reports_both_databases(client: Client) -> None:
    assert client.get("/healthz").json() == {
        "ok": True,
        "databases": {"default": "ok", "gallery": "ok"},
    }
