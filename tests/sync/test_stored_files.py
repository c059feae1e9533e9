"""Stored derivatives are whole or absent, and racing puts leave one file under its hash.

A live gallery over a real HTTP hop; the file system and the database are real.
"""

from __future__ import annotations

import hashlib
import random
import resource
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from django.core.files.storage import default_storage

from proofroom.gallery.blob_writes import blob_put
from proofroom.gallery.blobs import Blob, blob_key
from proofroom.gallery.tenants import Studio as GalleryStudio
from proofroom.gallery.tenants import api_key_create
from proofroom.imaging.samples import make_sample_photo
from proofroom.studio.derivatives import derivative_key
from proofroom.studio.images import Image
from proofroom.studio.synchronizer.runs import SyncStatus
from tests.conftest import needs_postgresql
from tests.sync.conftest import mark

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

# A race needs a database that lets writers overlap; the test run's in-memory SQLite
# refuses a second writer outright ("table is locked"), whatever the code does.


def _preview(live_server, image: Image) -> httpx.Response:  # type: ignore[no-untyped-def]
    return httpx.get(f"{live_server.url}/s/northlight/i/{image.uuid}/preview/")


def _studio_bytes(sha256: str) -> bytes:
    with default_storage.open(derivative_key(sha256), "rb") as handle:
        return handle.read()


def _gallery_files(gallery_studio: GalleryStudio) -> list[str]:
    """The names of every file in the studio's derivative folder, temporary ones too."""
    folder = Path(default_storage.path(f"gallery/{gallery_studio.pk}"))
    return sorted(p.name for p in folder.rglob("*") if p.is_file())


def test_a_derivative_truncated_at_its_final_path_is_sent_again_and_served_whole(  # type: ignore[no-untyped-def]
    wedding, sync, live_server, gallery_studio
) -> None:
    """Issue 13, defect 2: a preview cut to a third of its bytes on the gallery is not served
    as a 200 with part of a picture; the next sync is told it is missing, sends it again, and
    the gallery then serves it whole."""
    mark(wedding, event_type="public")
    assert sync().status == SyncStatus.SUCCEEDED
    image = Image.objects.filter(session=wedding).order_by("position").first()
    assert image is not None
    whole = _studio_bytes(image.preview_sha256)
    path = Path(default_storage.path(blob_key(gallery_studio.pk, image.preview_sha256)))
    path.write_bytes(whole[: len(whole) // 3])

    assert _preview(live_server, image).status_code == 404

    mark(wedding, event_type="public")
    again = sync()
    assert again.status == SyncStatus.SUCCEEDED, again.log
    assert again.images_sent == 1
    served = _preview(live_server, image)
    assert served.status_code == 200 and served.content == whole


@contextmanager
def disk_full_past(limit: int) -> Iterator[None]:
    """Writes past ``limit`` bytes fail in this process, as on a full disk (EFBIG)."""
    old_limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, old_limit[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, old_limit)
        signal.signal(signal.SIGXFSZ, old_handler)


def test_a_write_that_fails_midway_leaves_nothing_served_and_the_next_sync_sends_it(  # type: ignore[no-untyped-def]
    wedding, sync, live_server, gallery_studio
) -> None:
    """Issue 13, defect 2: a put whose write fails part-way (a full disk; a crash between
    the write and the rename leaves the same) leaves no file under the derivative's name, so
    the next sync sends it and the gallery serves it whole, not the part that was written."""
    image = Image.objects.filter(session=wedding).order_by("position").first()
    assert image is not None
    whole = _studio_bytes(image.preview_sha256)

    with disk_full_past(len(whole) // 3), pytest.raises(OSError):
        blob_put(studio_id=gallery_studio.pk, sha256=image.preview_sha256, data=whole)

    assert not default_storage.exists(blob_key(gallery_studio.pk, image.preview_sha256))
    mark(wedding, event_type="public")
    run = sync()
    assert run.status == SyncStatus.SUCCEEDED, run.log
    assert run.images_sent == 12
    served = _preview(live_server, image)
    assert served.status_code == 200 and served.content == whole
    assert [name for name in _gallery_files(gallery_studio) if name.startswith(".")] == []


def _jpegs(tmp_path: Path, count: int) -> list[tuple[str, bytes]]:
    made = []
    for n in range(count):
        path = tmp_path / f"race-{n}.jpg"
        make_sample_photo(path, width=320, height=240, seed=500 + n, quality=85)
        data = path.read_bytes()
        made.append((hashlib.sha256(data).hexdigest(), data))
    return made


@needs_postgresql
def test_racing_puts_of_the_same_derivatives_leave_one_file_and_one_row_each(  # type: ignore[no-untyped-def]
    live_server, gallery_studio, tmp_path
) -> None:
    """Issue 13, defect 3: two desks (or a retry) sending the same derivatives at once, in
    single PUTs and batches from real threads, end with one file under each content key and
    one row each: no random-suffix copy that a take-down would never delete."""
    key = api_key_create(studio=gallery_studio)
    jpegs = _jpegs(tmp_path, 6)
    threads_count = 8
    start = threading.Barrier(threads_count)
    failures: list[str] = []

    def send(n: int) -> None:
        order = jpegs[:]
        random.Random(n).shuffle(order)
        with httpx.Client(
            base_url=f"{live_server.url}/api/sync/v1",
            headers={"Authorization": f"Bearer {key}"},
            timeout=60,
        ) as api:
            start.wait()
            if n % 2:
                files = [("blob", (f"{sha}.jpg", data, "image/jpeg")) for sha, data in order]
                response = api.post("/blobs/batch", files=files)
                if response.status_code != 200 or response.json()["refused"]:
                    failures.append(f"batch: {response.status_code} {response.text[:200]}")
                return
            for sha, data in order:
                response = api.put(
                    f"/blobs/{sha}", content=data, headers={"Content-Type": "image/jpeg"}
                )
                if response.status_code not in (200, 201):
                    failures.append(f"put: {response.status_code} {response.text[:200]}")

    threads = [threading.Thread(target=send, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    hashes = sorted(sha for sha, _ in jpegs)
    assert sorted(Blob.objects.filter(studio=gallery_studio).values_list("sha256", flat=True)) == (
        hashes
    )
    assert _gallery_files(gallery_studio) == sorted(f"{h}.jpg" for h in hashes)
    for sha, data in jpegs:
        assert Path(default_storage.path(blob_key(gallery_studio.pk, sha))).read_bytes() == data
