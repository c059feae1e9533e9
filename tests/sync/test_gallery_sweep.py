"""The gallery's sweep: derivatives no session uses and stray files leave its storage,
never one a session uses or a sync was just told the gallery has."""

from __future__ import annotations

import datetime as dt
import os
import threading
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from proofroom.cli import main as proofroom
from proofroom.gallery.blobs import Blob, blob_key, blobs_missing
from proofroom.gallery.db import atomic
from proofroom.gallery.events import OnlineSession
from proofroom.gallery.tenants import Studio as GalleryStudio
from proofroom.gallery.tenants import api_key_create
from proofroom.studio.images import Image
from proofroom.studio.online import OnlineSettings
from proofroom.studio.sessions import Session
from proofroom.studio.synchronizer import transport as synchronizer_transport
from proofroom.studio.synchronizer.runs import SyncKind, SyncStatus
from tests.factories import ClientFactory, make_session
from tests.sync.conftest import add_photos, days_from_today, mark
from tests.sync.test_session_upload import CutAfter

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

# A race needs a database that lets writers overlap; the test run's in-memory SQLite
# refuses a second writer outright ("table is locked"), whatever the code does.
ON_POSTGRESQL = pytest.mark.skipif(
    connections[settings.GALLERY_DB].vendor != "postgresql",
    reason="a race test: run with DATABASE_URL=postgres://…",
)


def _files(gallery_studio: GalleryStudio) -> set[str]:
    """Every file in the studio's derivative folder, by name, temporary ones too."""
    folder = Path(default_storage.path(f"gallery/{gallery_studio.pk}"))
    return {p.name for p in folder.rglob("*") if p.is_file()}


def _derivative_files(images: list[Image]) -> set[str]:
    return {f"{sha}.jpg" for i in images for sha in (i.preview_sha256, i.thumbnail_sha256)}


def _sweep(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    proofroom(["gallery", "sweep", *args])
    return capsys.readouterr().out


def _cut_upload(wedding: Session, sync, monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    """Upload the whole wedding on a connection that drops after one batch of 5 files."""
    monkeypatch.setattr(synchronizer_transport, "BATCH_MAX_FILES", 5)
    mark(wedding)
    cut = CutAfter(requests=1)
    assert sync(transport=cut).status == SyncStatus.FAILED
    return [sha.decode() for sha in cut.sent]


def test_take_down_after_a_cut_upload_and_a_changed_selection_leaves_none_of_its_photos(  # type: ignore[no-untyped-def]
    wedding, sync, live_server, gallery_studio, tmp_path, monkeypatch, capsys
) -> None:
    """Issue 13, defect 4: an upload cut after some bytes arrived, whose selection then
    changes, leaves derivatives no session uses; after the take-down and the sweep none of
    the client's photographs is on the gallery's disk, while a photograph another session
    still shows stays and is served."""
    other = make_session(client=ClientFactory(first_name="Bea"), description="Bea's portraits")
    add_photos(other, tmp_path, 1, start=0)  # the same photograph as the wedding's first
    shared = list(Image.objects.filter(session=other))
    mark(other, event_type="public")
    assert sync().status == SyncStatus.SUCCEEDED
    images = list(Image.objects.filter(session=wedding).order_by("position"))
    assert images[0].preview_sha256 == shared[0].preview_sha256

    sent = _cut_upload(wedding, sync, monkeypatch)
    assert len(sent) == 5
    mark(wedding, image_ids=[i.pk for i in images[-2:]])  # the client now wants two others
    assert sync().status == SyncStatus.SUCCEEDED
    assert OnlineSession.objects.get(uuid=wedding.uuid).images.count() == 2
    OnlineSettings.objects.filter(session=wedding).update(expire_date=days_from_today(-1))
    assert sync([SyncKind.REMOVE_EXPIRED]).sessions_removed == 1

    out = _sweep(capsys, "--grace-hours", "0")

    assert "Unused derivatives deleted: 5" in out
    assert _files(gallery_studio) & _derivative_files(images[1:]) == set()
    assert _derivative_files(shared) <= _files(gallery_studio)
    served = httpx.get(f"{live_server.url}/s/northlight/i/{shared[0].uuid}/preview/")
    assert served.status_code == 200
    assert Blob.objects.filter(studio=gallery_studio).count() == 2


def test_the_sweep_keeps_what_a_sync_was_just_told_the_gallery_has(  # type: ignore[no-untyped-def]
    wedding, sync, live_server, gallery_studio, monkeypatch, capsys
) -> None:
    """Issue 13, defect 4: between the gallery's "I have these" and the session that uses
    them, the sweep takes none of them, however old they are; what nobody asked about for
    longer than the grace period goes."""
    sent = _cut_upload(wedding, sync, monkeypatch)
    assert "Unused derivatives deleted: 0" in _sweep(capsys)  # young: a sync may resume
    Blob.objects.update(touched_at=timezone.now() - dt.timedelta(hours=30))

    told, forgotten = sent[:3], sent[3:]
    api = httpx.Client(
        base_url=f"{live_server.url}/api/sync/v1",
        headers={"Authorization": f"Bearer {api_key_create(studio=gallery_studio)}"},
    )
    assert api.post("/blobs/missing", json={"hashes": told}).json()["missing"] == []
    assert "Unused derivatives deleted: 2" in _sweep(capsys)

    mark(wedding)
    resumed = sync()
    assert resumed.status == SyncStatus.SUCCEEDED, resumed.log
    assert resumed.images_sent == 12 - len(told)
    assert set(told) | set(forgotten) <= set(Blob.objects.values_list("sha256", flat=True))


def test_stray_and_damaged_files_go_once_older_than_the_grace_period(  # type: ignore[no-untyped-def]
    wedding, sync, live_server, gallery_studio, capsys
) -> None:
    """Issue 13, defects 2 and 3: a temporary file a crash left, a random-suffix copy from
    an old race and a file no row names go after the grace period (a young one stays, it may
    be a put in progress); --verify drops a file that does not hash to its name, and the
    next sync sends it again."""
    mark(wedding, event_type="public")
    assert sync().status == SyncStatus.SUCCEEDED
    image = Image.objects.filter(session=wedding).order_by("position").first()
    assert image is not None
    key = blob_key(gallery_studio.pk, image.preview_sha256)
    folder = Path(default_storage.path(key)).parent
    whole = Path(default_storage.path(key)).read_bytes()
    old = (timezone.now() - dt.timedelta(hours=30)).timestamp()
    strays = {".partial-k2j4h1": whole[:1000], f"{image.preview_sha256}_AbC12xY.jpg": whole}
    for name, data in strays.items():
        (folder / name).write_bytes(data)
        os.utime(folder / name, (old, old))
    (folder / ".partial-young").write_bytes(whole[:500])
    damaged = bytearray(whole)
    damaged[len(damaged) // 2] ^= 0xFF
    Path(default_storage.path(key)).write_bytes(bytes(damaged))

    out = _sweep(capsys, "--verify")

    assert "Stray files deleted: 2" in out and "Damaged files deleted: 1" in out
    left = _files(gallery_studio)
    assert not set(strays) & left and ".partial-young" in left
    url = f"{live_server.url}/s/northlight/i/{image.uuid}/preview/"
    assert httpx.get(url).status_code == 404
    mark(wedding, event_type="public")
    again = sync()
    assert again.images_sent == 1, again.log
    served = httpx.get(url)
    assert served.status_code == 200 and served.content == whole


def test_a_put_books_the_sweep_in_the_worker_which_sweeps_when_it_is_due(  # type: ignore[no-untyped-def]
    wedding, sync, gallery_studio, monkeypatch
) -> None:
    """Issue 13, defect 4: nobody has to remember the sweep: the first put books one run
    for after the grace period (one for many puts), and that run, once due, removes what the
    cut upload left and no session uses."""
    _cut_upload(wedding, sync, monkeypatch)
    images = list(Image.objects.filter(session=wedding).order_by("position"))
    mark(wedding, image_ids=[i.pk for i in images[-2:]])
    assert sync().status == SyncStatus.SUCCEEDED
    booked = DBTaskResult.objects.filter(task_path="proofroom.gallery.sweep.sweep_task")
    assert booked.count() == 1
    assert booked.get().run_after >= timezone.now() + dt.timedelta(hours=23)
    assert Blob.objects.count() == 9

    Blob.objects.update(touched_at=timezone.now() - dt.timedelta(hours=30))
    from proofroom.gallery.sweep import sweep_task as booked_sweep

    result = booked_sweep.call()

    assert result["derivatives_deleted"] == 5
    assert set(Blob.objects.values_list("sha256", flat=True)) == {
        sha for i in images[-2:] for sha in (i.preview_sha256, i.thumbnail_sha256)
    }


@ON_POSTGRESQL
def test_a_sweep_skips_derivatives_a_publish_is_checking_at_that_moment(  # type: ignore[no-untyped-def]
    wedding, sync, gallery_studio, monkeypatch
) -> None:
    """Issue 13, defect 4 (the race): while a session's publish holds its derivatives (it
    has checked they are there and not committed yet), a sweep that finds them old and
    unused leaves them alone, so the publish never commits a session whose photographs the
    sweep deleted under it. Real threads on PostgreSQL."""
    sent = _cut_upload(wedding, sync, monkeypatch)
    Blob.objects.update(touched_at=timezone.now() - dt.timedelta(hours=30))
    checked, release = threading.Event(), threading.Event()
    answers: list[list[str]] = []

    def publish_in_progress() -> None:
        try:
            with atomic():
                answers.append(blobs_missing(studio_id=gallery_studio.pk, hashes=sent))
                checked.set()
                release.wait(timeout=60)
        finally:
            connections.close_all()

    from proofroom.gallery.sweep import blobs_sweep

    publisher = threading.Thread(target=publish_in_progress)
    publisher.start()
    assert checked.wait(timeout=60)
    try:
        report = blobs_sweep(grace=dt.timedelta(hours=24))
    finally:
        release.set()
        publisher.join()

    assert answers == [[]] and report.derivatives_deleted == 0
    assert set(Blob.objects.values_list("sha256", flat=True)) == set(sent)
    assert set(sent) <= {name.removesuffix(".jpg") for name in _files(gallery_studio)}
