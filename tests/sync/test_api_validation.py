"""The sync API answers bad input with a 4xx that names the field, never with a 500."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from proofroom.gallery.blob_writes import blob_put
from proofroom.gallery.events import OnlineSession
from proofroom.gallery.tenants import Studio, api_key_create
from tests.cast import make_client, photo

pytestmark = pytest.mark.django_db

PROFILE = {"name": "Northlight Studio", "currency": "USD", "email": "hello@northlight.example"}


@pytest.fixture
def api(client: Client, gallery_studio: Studio) -> Client:
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {api_key_create(studio=gallery_studio)}"
    return client


def put(client: Client, path: str, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    return client.put(f"/api/sync/v1{path}", body, content_type="application/json")


def fields_named(answer) -> set[str]:  # type: ignore[no-untyped-def]
    return {str(problem["loc"][-1]) for problem in answer.json()["detail"]}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "not an address"),
        ("website", "javascript:alert(document.cookie)"),
        ("name", ""),
        ("phone", "5" * 10_000),
        ("time_zone", "Mars/Olympus_Mons"),
        ("name", "North\x00light"),
    ],
)
def test_a_bad_studio_profile_is_a_422_naming_the_field_and_changes_nothing(
    api: Client, gallery_studio: Studio, field: str, value: str
) -> None:
    """Issue 13, defect 18: PUT /studio with a malformed email, a javascript: web site, an
    empty name or a 10 kB phone number answered 500; now a 422 names the field."""
    answer = put(api, "/studio", {**PROFILE, field: value})
    assert answer.status_code == 422, answer.content[:300]
    assert field in fields_named(answer)
    gallery_studio.refresh_from_db()
    assert (gallery_studio.name, gallery_studio.phone) == ("Northlight Studio", "")


def test_a_good_studio_profile_is_still_taken(api: Client, gallery_studio: Studio) -> None:
    profile = {**PROFILE, "website": "https://northlight.example/", "phone": "+1 207 555 0100"}
    assert put(api, "/studio", {**profile, "time_zone": "America/New_York"}).status_code == 200
    gallery_studio.refresh_from_db()
    assert gallery_studio.website == "https://northlight.example/"
    assert gallery_studio.time_zone == "America/New_York"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/clients/{uuid}",
            {"first_name": "Ada", "last_name": "Souza", "phone": "5" * 10_000},
            "phone",
        ),
        ("/clients/{uuid}", {"first_name": "Ada", "last_name": "Souza", "email": "@"}, "email"),
        (
            "/clients/{uuid}",
            {"first_name": "Ada", "last_name": "Souza", "address": {"postal_code": "9" * 500}},
            "postal_code",
        ),
        (
            "/price-lists/{uuid}",
            {
                "name": "Prints",
                "currency": "USD",
                "products": [
                    {
                        "uuid": str(uuid.uuid4()),
                        "name": "Print",
                        "category": "print",
                        "size": "8×10" * 100,
                        "price": 100,
                    }
                ],
            },
            "size",
        ),
        (
            "/price-lists/{uuid}",
            {
                "name": "Prints",
                "currency": "USD",
                "products": [
                    {
                        "uuid": str(uuid.uuid4()),
                        "name": "Print",
                        "category": "print",
                        "price": 2**40,
                    }
                ],
            },
            "price",
        ),
    ],
)
def test_a_value_the_gallery_cannot_store_is_a_422_naming_the_field(
    api: Client, path: str, body: dict[str, Any], field: str
) -> None:
    """Issue 13, defect 18: every endpoint, not only /studio — a value longer or larger
    than its column answered 500 on PostgreSQL; the schema now refuses it by name."""
    key = str(uuid.uuid4())
    answer = put(api, path.format(uuid=key), {"uuid": key, **body})
    assert answer.status_code == 422, answer.content[:300]
    assert field in fields_named(answer)


def test_a_session_naming_one_image_twice_is_a_409_naming_the_field(
    api: Client, gallery_studio: Studio
) -> None:
    """Issue 13, defect 18: a uniqueness the database enforces (one image uuid per session)
    answered 500; the API's one handler turns it into a 409 that names the field."""
    account = make_client(gallery_studio)
    sha, data = photo(1, 60, 40)
    blob_put(studio_id=gallery_studio.pk, sha256=sha, data=data)
    image = {
        "uuid": str(uuid.uuid4()),
        "file_name": "a.jpg",
        "position": 0,
        "preview": sha,
        "preview_width": 60,
        "preview_height": 40,
        "thumbnail": sha,
    }
    key = str(uuid.uuid4())
    session = {
        "uuid": key,
        "number": 1001,
        "client": str(account.client_uuid),
        "date": "2026-11-16",
        "title": "Souza wedding",
        "expire_date": "2099-12-31",
        "images": [image, {**image, "file_name": "b.jpg", "position": 1}],
    }
    answer = put(api, f"/sessions/{key}", session)
    assert answer.status_code == 409, answer.content[:300]
    assert "uuid" in answer.json()["fields"] and "uuid" in answer.json()["detail"]
    assert not OnlineSession.objects.filter(uuid=key).exists()
