"""The named cast's people and helpers (CONVENTIONS.md), one definition for every test.

The fixtures that hand them out live in ``tests/conftest.py`` (the whole cast) and
``tests/gallery/conftest.py`` (the store's); tests import the helpers from here.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import socket
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from proofroom.gallery.accounts import Account, account_guest_create, account_set_password
from proofroom.gallery.blob_writes import blob_put
from proofroom.gallery.events import OnlineSession
from proofroom.gallery.publishing import client_put, session_publish
from proofroom.gallery.tenants import Studio
from proofroom.imaging.samples import make_sample_photo
from proofroom.sync import protocol

PASSWORD = "correct-horse-battery-42"  # the desk's staff
OWN_PASSWORD = "lanterns-over-the-bay-7"

# Landscape and portrait shapes, so the grid's tiles are not all alike.
SHAPES = [(600, 400), (400, 600), (600, 400), (600, 450), (400, 500), (600, 338)]


@functools.cache
def photo(seed: int, width: int, height: int) -> tuple[str, bytes]:
    data = make_sample_photo(None, width=width, height=height, seed=seed, grain=2.0)
    return hashlib.sha256(data).hexdigest(), data


def today() -> dt.date:
    return dt.date.today()


@dataclass
class Published:
    session: OnlineSession
    images: list[protocol.Image]
    groups: list[protocol.Group]


def make_client(
    studio: Studio, *, first: str = "Ada", last: str = "Souza", email: str = "ada@souza.example"
) -> Account:
    return client_put(
        studio=studio,
        data=protocol.Client(uuid=uuid.uuid4(), first_name=first, last_name=last, email=email),
    )


def publish(
    studio: Studio,
    account: Account,
    *,
    images: int = 12,
    kinds: int = 4,
    event_type: protocol.EventType = protocol.EventType.NONE,
    code: str = "",
    title: str = "Souza wedding",
    date: dt.date | None = None,
    expire_date: dt.date | None = None,
    description: str = "A summer wedding by the lake.",
    groups: bool = True,
    session_uuid: uuid.UUID | None = None,
    scale: int = 1,
    first_seed: int = 0,
) -> Published:
    """Publish a session as the sync would: derivatives first, then the session.

    ``kinds`` distinct photographs are reused across ``images`` images (the gallery
    stores a derivative once per hash), so large sessions stay quick to make.
    """
    made = []
    for n in range(images):
        width, height = (side * scale for side in SHAPES[n % kinds % len(SHAPES)])
        seed = first_seed + n % kinds
        preview_hash, preview = photo(seed, width, height)
        thumb_hash, thumb = photo(seed, width // 2, height // 2)
        blob_put(studio_id=studio.pk, sha256=preview_hash, data=preview)
        blob_put(studio_id=studio.pk, sha256=thumb_hash, data=thumb)
        made.append(
            protocol.Image(
                uuid=uuid.uuid4(),
                file_name=f"IMG_{n + 1:04d}.jpg",
                position=n,
                preview=preview_hash,
                preview_width=width,
                preview_height=height,
                thumbnail=thumb_hash,
            )
        )
    group_list = []
    if groups:
        group_list = [
            protocol.Group(uuid=uuid.uuid4(), name="Ceremony", images=[i.uuid for i in made[:5]]),
            protocol.Group(uuid=uuid.uuid4(), name="Portraits", images=[i.uuid for i in made[5:9]]),
        ]
    session = session_publish(
        studio=studio,
        data=protocol.Session(
            uuid=session_uuid or uuid.uuid4(),
            number=1001,
            client=account.client_uuid,
            date=date or today() - dt.timedelta(days=10),
            title=title,
            expire_date=expire_date or today() + dt.timedelta(days=60),
            event_type=event_type,
            event_code=code,
            event_description=description,
            groups=group_list,
            images=made,
        ),
    )
    return Published(session=session, images=made, groups=group_list)


def give_own_password(account: Account, password: str = OWN_PASSWORD) -> Account:
    account_set_password(account=account, password=password)
    return account


def sign_in(client: Client, account: Account, password: str = OWN_PASSWORD) -> None:
    """Sign ``account`` in on the test client (with its own password set first)."""
    if account.must_set_password:
        give_own_password(account, password)
    slug = account.studio.slug
    response = client.post(
        f"/s/{slug}/login/", {"username": account.username, "password": password}
    )
    assert response.status_code == 302, response.content.decode()[:500]


# --- For what visitors choose (favourites, own groups, guests, the yearbook) -------------

JSON = {"Accept": "application/json"}  # how the gallery's script asks


def make_guest(
    studio: Studio, *, first: str = "Mia", last: str = "Lund", email: str = "mia@lund.example"
) -> Account:
    return account_guest_create(
        studio_id=studio.pk, first_name=first, last_name=last, email=email, password=OWN_PASSWORD
    )


# A form's CSRF token as a page renders it (group 1: the token).
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')

LOGIN = "/s/northlight/login/"  # our studio's gallery sign-in page


def login(client: Client, username: str, password: str, **extra: str):  # type: ignore[no-untyped-def]
    """Post the gallery's sign-in form as typed (``sign_in`` is for a known account)."""
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def event(published: Published) -> str:
    """The gallery page of a published session."""
    return f"/s/northlight/e/{published.session.uuid}/"


def queries_for(client: Client, url: str) -> int:
    """How many gallery database queries one page view takes (the page must answer 200)."""
    with CaptureQueriesContext(connections[settings.GALLERY_DB]) as gallery_queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(gallery_queries)


def free_port() -> int:
    """A free TCP port on loopback, for a server a test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
