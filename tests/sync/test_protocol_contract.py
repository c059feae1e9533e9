"""The wire contract: the OpenAPI document is pinned, and unknown fields are accepted."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from proofroom.gallery.sync_api import api
from proofroom.sync import protocol

PINNED = Path(__file__).parent / "openapi-v1.json"


def current_schema() -> dict[str, object]:
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix=protocol.PREFIX + "/")))


def test_openapi_document_matches_the_pinned_contract() -> None:
    """A change to the wire format must be deliberate: regenerate the pinned file with
    PROOFROOM_PIN_OPENAPI=1 and review the diff (additive changes only in v1)."""
    schema = current_schema()
    if os.environ.get("PROOFROOM_PIN_OPENAPI") == "1":
        PINNED.write_text(json.dumps(schema, indent=1, sort_keys=True) + "\n")
    assert schema == json.loads(PINNED.read_text())


def test_every_path_is_versioned_and_needs_the_studio_key() -> None:
    schema = current_schema()
    paths = schema["paths"]
    assert isinstance(paths, dict) and paths
    for path, operations in paths.items():
        assert path.startswith("/api/sync/v1/")
        for operation in operations.values():
            assert operation["security"] == [{"StudioKey": []}]


def test_an_unknown_field_is_kept_not_refused() -> None:
    session = protocol.Session.model_validate(
        {
            "uuid": "5b0c1f2e-8a7d-4c2b-9a55-0d2f4f3b9a11",
            "number": 1001,
            "client": "9e4f0a6c-3a1b-4f5e-8d2c-7b6a5e4d3c21",
            "date": "2026-11-16",
            "title": "Ana & Sam",
            "expire_date": "2026-12-16",
            "a_field_from_protocol_v1_5": {"anything": True},
        }
    )
    assert session.model_extra == {"a_field_from_protocol_v1_5": {"anything": True}}
    assert "a_field_from_protocol_v1_5" in session.model_dump_json()


@pytest.mark.django_db
def test_unauthenticated_calls_are_refused(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/sync/v1/ping").status_code == 401
    bad = client.get("/api/sync/v1/ping", HTTP_AUTHORIZATION="Bearer prk_0000_nope")
    assert bad.status_code == 401


def test_the_desks_download_checkboxes_are_the_protocols_change_kinds() -> None:
    """Each download the desk can tick reads the feed under the protocol's name for it, and
    every kind the gallery emits has its checkbox — but the clients' activated logins, read
    back by Upload Client Logins (tests/letters/test_first_password.py)."""
    from proofroom.studio.synchronizer.runs import DOWNLOAD_KINDS, SyncKind

    own_checkbox = [k for k in protocol.ChangeKind if k != protocol.ChangeKind.ACCOUNT]
    assert sorted(DOWNLOAD_KINDS) == sorted(own_checkbox)
    assert all(kind in SyncKind.values for kind in own_checkbox)
