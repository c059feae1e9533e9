"""The named cast of every test (CONVENTIONS.md): who does what, and who must see nothing.

- ``studio``: the desk's studio; ``owner``: its owner (every right);
  ``assistant``: staff without the owner's rights (no invoice edits, later).
- ``gallery_studio``: the same studio's site on the gallery;
  ``rival_studio``: another studio on the same gallery, whose people must see
  nothing of ours.
Later issues add the client, the guest and the rival's client here.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection

from proofroom.gallery.tenants import Studio as GalleryStudio
from proofroom.gallery.tenants import studio_create
from proofroom.studio.setup import ASSISTANT_GROUP, OWNER_GROUP, desk_setup, staff_user_create
from proofroom.studio.studios import Studio

PASSWORD = "correct-horse-battery-42"

# Races between transactions are tested on PostgreSQL: SQLite serialises writers, and the
# test run's in-memory SQLite database is one connection shared by every thread.
needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a race between transactions: SQLite serialises writers and hides it; "
    "run with DATABASE_URL=postgres://… to test it",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Each side has its own database: a database test may touch both unless it says otherwise."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is not None and "databases" not in marker.kwargs:
            item.add_marker(
                pytest.mark.django_db(*marker.args, databases="__all__", **marker.kwargs),
                append=False,
            )


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_FILE_PATH = str(tmp_path / "outbox")


@pytest.fixture
def studio(db: None) -> Studio:
    return desk_setup(studio_name="Northlight Studio", email="hello@northlight.example").studio


@pytest.fixture
def owner(studio: Studio) -> User:
    return staff_user_create(
        username="alice", password=PASSWORD, group=OWNER_GROUP, first_name="Alice"
    )


@pytest.fixture
def assistant(studio: Studio) -> User:
    return staff_user_create(
        username="bob", password=PASSWORD, group=ASSISTANT_GROUP, first_name="Bob"
    )


@pytest.fixture
def gallery_studio(db: None) -> GalleryStudio:
    return studio_create(
        name="Northlight Studio", slug="northlight", email="hello@northlight.example"
    )


@pytest.fixture
def rival_studio(db: None) -> GalleryStudio:
    return studio_create(name="Rival Portraits", slug="rival")
