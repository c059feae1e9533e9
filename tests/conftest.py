"""The named cast of every test (CONVENTIONS.md): who does what, and who must see nothing.

- ``studio``: the desk's studio; ``owner``: its owner (every right), and ``desk``: a
  browser signed in as her; ``assistant``: staff without the owner's rights (no invoice
  edits).
- ``gallery_studio``: the same studio's site on the gallery; ``ada``: our client, with
  ``published``, her session; ``guest``: a guest login of ours.
- ``rival_studio``: another studio on the same gallery, and ``rival_client``, its client:
  they must see nothing of ours.

Each fixture is defined once, here or in the conftest of the one folder that uses it;
the helpers behind them (publishing, signing in) are in ``tests/cast.py``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client

from proofroom import demo
from proofroom.gallery.accounts import Account
from proofroom.gallery.tenants import Studio as GalleryStudio
from proofroom.gallery.tenants import studio_create
from proofroom.studio.sessions import Session
from proofroom.studio.setup import ASSISTANT_GROUP, OWNER_GROUP, desk_setup, staff_user_create
from proofroom.studio.studios import Studio
from tests.cast import PASSWORD, Published, free_port, make_client, make_guest, publish
from tests.factories import make_session
from tests.smtp import Inbox, smtp_at

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
def session(studio: Studio) -> Session:
    """A shoot of ours on the desk (a client's lake wedding), at the workflow's first stage."""
    return make_session(description="Lake wedding")


@pytest.fixture
def gallery_studio(db: None) -> GalleryStudio:
    return studio_create(
        name="Northlight Studio", slug="northlight", email="hello@northlight.example"
    )


@pytest.fixture
def rival_studio(db: None) -> GalleryStudio:
    return studio_create(name="Rival Portraits", slug="rival")


@pytest.fixture
def desk(client: Client, owner: User) -> Client:
    """The desk in a browser, signed in as the studio's owner."""
    client.force_login(owner)
    return client


@pytest.fixture
def ada(gallery_studio: GalleryStudio) -> Account:
    """Our studio's client, still on the default login (email, last name)."""
    return make_client(gallery_studio)


@pytest.fixture
def published(gallery_studio: GalleryStudio, ada: Account) -> Published:
    """Ada's session: 12 images, two groups, client-only (event type None)."""
    return publish(gallery_studio, ada)


@pytest.fixture
def guest(gallery_studio: GalleryStudio) -> Account:
    """A guest login of our studio (as a guest signs up on an event; no client record)."""
    return make_guest(gallery_studio)


@pytest.fixture
def rival_client(rival_studio: GalleryStudio) -> Account:
    return make_client(rival_studio, first="Rex", last="Rival", email="rex@rival.example")


@pytest.fixture
def smtp() -> Iterator[Inbox]:
    """A real SMTP server on loopback, and the settings that send mail to it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with smtp_at(port):
            yield inbox
    finally:
        controller.stop()


@pytest.fixture
def small_demo(settings, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The demo studio made in the test's own folder, with small photos."""
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(demo, "DEMO_PHOTO_SIZE", (360, 240))
