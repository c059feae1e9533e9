"""A desk connected to a live gallery over real HTTP, and sessions with real derivatives."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from proofroom.gallery.events import OnlineImage
from proofroom.gallery.tenants import Studio as GalleryStudio
from proofroom.gallery.tenants import api_key_create
from proofroom.imaging.samples import make_sample_photo
from proofroom.studio.derivatives import image_derivatives_make
from proofroom.studio.images import Image, Rating
from proofroom.studio.imports import session_import_files
from proofroom.studio.online import OnlineSettings, session_mark_for_upload
from proofroom.studio.pricelists import pricelist_load_sample
from proofroom.studio.sessions import Session
from proofroom.studio.studios import Studio, studio_update
from proofroom.studio.synchronizer.runner import sync_run_execute
from proofroom.studio.synchronizer.runs import SyncKind, SyncRun, SyncTrigger, sync_claim
from tests.factories import ClientFactory, SessionTypeFactory, make_session

UPLOADS = [SyncKind.SESSIONS, SyncKind.CLIENTS, SyncKind.PRICE_LISTS]


@pytest.fixture
def connected(live_server, studio: Studio, gallery_studio: GalleryStudio) -> Studio:  # type: ignore[no-untyped-def]
    key = api_key_create(studio=gallery_studio)
    return studio_update(studio=studio, gallery_url=live_server.url, gallery_api_key=key)


def add_photos(session: Session, tmp_path: Path, count: int, start: int = 0) -> list[Image]:
    folder = tmp_path / f"card-{session.number}-{start}"
    folder.mkdir()
    files = []
    for n in range(start, start + count):
        path = folder / f"IMG_{n:04d}.jpg"
        make_sample_photo(path, width=480, height=320, seed=n, quality=80)
        files.append((path, path.name))
    session_import_files(session=session, files=files, enqueue=False)
    images = list(Image.objects.filter(session=session, file_name__in=[n for _, n in files]))
    for image in images:
        image_derivatives_make(image_id=image.pk)
    Image.objects.filter(pk__in=[i.pk for i in images]).update(rating=Rating.SELECTED)
    return images


@pytest.fixture
def wedding(connected: Studio, tmp_path: Path) -> Session:
    price_list = pricelist_load_sample()
    kind = SessionTypeFactory(name="Wedding", web_price_list=price_list, days_active=30)
    ana = ClientFactory(first_name="Ana", last_name="Souza", email="ana@example.com")
    session = make_session(client=ana, description="Ana & Sam")
    session.session_type = kind
    session.save()
    add_photos(session, tmp_path, 6)
    group = session.groups.create(name="Ceremony")
    group.images.set(Image.objects.filter(session=session)[:3])
    return session


def mark(session: Session, **overrides: object) -> OnlineSettings:
    fields: dict[str, object] = {
        "image_ids": list(Image.objects.filter(session=session).values_list("pk", flat=True)),
        "online_group_ids": list(session.groups.values_list("pk", flat=True)),
        "days_active": 30,
        "price_list": session.session_type.web_price_list,
        "event_type": "none",
        "event_code": "",
        "event_description": "Our wedding",
    }
    fields.update(overrides)
    return session_mark_for_upload(session=session, **fields)  # type: ignore[arg-type]


@pytest.fixture
def sync() -> Callable[..., SyncRun]:
    def run(kinds: list[str] | None = None, **kwargs: object) -> SyncRun:
        record = sync_claim(kinds=[str(k) for k in (kinds or UPLOADS)], trigger=SyncTrigger.DESK)
        return sync_run_execute(run_id=record.pk, **kwargs)  # type: ignore[arg-type]

    return run


def days_from_today(days: int) -> dt.date:
    from proofroom.studio.dates import studio_today

    return studio_today() + dt.timedelta(days=days)


def wait_for(condition: Callable[[], bool], what: str) -> None:
    """Poll ``condition`` (30 s at most): another thread or process is doing the work."""
    for _ in range(600):
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting: {what}")


def online_images(session: Session) -> list[OnlineImage]:
    """The gallery's images of a desk session, in their order."""
    return list(OnlineImage.objects.filter(session__uuid=session.uuid).order_by("position"))
