"""The session uploader's first half of the sync, over a real HTTP hop to a live gallery."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from django.core.files.storage import default_storage

from proofroom.gallery.accounts import Account
from proofroom.gallery.blobs import Blob
from proofroom.gallery.events import OnlineSession
from proofroom.gallery.tenants import api_key_create
from proofroom.studio.images import Image
from proofroom.studio.online import OnlineSettings, OnlineState, session_extend
from proofroom.studio.synchronizer import transport as synchronizer_transport
from proofroom.studio.synchronizer.runs import SyncKind, SyncStatus
from proofroom.studio.workflow import StageRole
from tests.sync.conftest import add_photos, days_from_today, mark

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def test_upload_publishes_client_session_groups_and_images(wedding, sync) -> None:  # type: ignore[no-untyped-def]
    mark(wedding)
    run = sync()
    assert run.status == SyncStatus.SUCCEEDED, run.log
    online = OnlineSession.objects.get(uuid=wedding.uuid)
    assert online.images.count() == 6
    assert online.groups.get().name == "Ceremony" and online.groups.get().images.count() == 3
    assert online.price_list is not None and online.price_list.products.count() == 9
    account = Account.objects.get(client_uuid=wedding.client.uuid)
    assert (account.username, account.must_set_password) == ("ana@example.com", True)
    assert run.images_sent == 12 and run.bytes_sent > 0
    settings = OnlineSettings.objects.get(session=wedding)
    assert settings.state == OnlineState.ONLINE and not settings.needs_upload
    wedding.refresh_from_db()
    assert wedding.stage.role == StageRole.ONLINE


def test_resync_without_changes_moves_no_image_bytes(wedding, sync) -> None:  # type: ignore[no-untyped-def]
    mark(wedding)
    sync()
    mark(wedding)
    again = sync()
    assert again.status == SyncStatus.SUCCEEDED, again.log
    assert (again.images_sent, again.bytes_sent) == (0, 0)


def test_added_images_send_only_new_bytes_and_deselected_ones_leave(
    wedding, sync, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    mark(wedding)
    sync()
    new = add_photos(wedding, tmp_path, 2, start=100)
    keep = list(Image.objects.filter(session=wedding).exclude(pk__in=[i.pk for i in new])[:4])
    dropped = set(Image.objects.filter(session=wedding).exclude(pk__in=[i.pk for i in new + keep]))
    mark(wedding, image_ids=[i.pk for i in keep + new])
    run = sync()
    assert run.images_sent == 4  # two new images x (preview + thumbnail)
    online = OnlineSession.objects.get(uuid=wedding.uuid)
    assert set(online.images.values_list("uuid", flat=True)) == {i.uuid for i in keep + new}
    for image in dropped:
        assert not Blob.objects.filter(sha256=image.preview_sha256).exists()


def test_extend_sends_the_new_expire_date(wedding, sync) -> None:  # type: ignore[no-untyped-def]
    mark(wedding)
    sync()
    session_extend(session=wedding, expire_date=days_from_today(90))
    run = sync()
    assert run.images_sent == 0
    assert OnlineSession.objects.get(uuid=wedding.uuid).expire_date == days_from_today(90)


def test_take_down_deletes_every_derivative(wedding, sync, live_server) -> None:  # type: ignore[no-untyped-def]
    mark(wedding, event_type="public")
    sync()
    image = Image.objects.filter(session=wedding).first()
    assert image is not None
    urls = [
        f"{live_server.url}/s/northlight/i/{image.uuid}/{kind}/" for kind in ("thumb", "preview")
    ]
    assert [httpx.get(u).status_code for u in urls] == [200, 200]
    keys = list(Blob.objects.values_list("key", flat=True))
    assert keys and all(default_storage.exists(k) for k in keys)
    OnlineSettings.objects.filter(session=wedding).update(expire_date=days_from_today(-1))
    run = sync([SyncKind.REMOVE_EXPIRED])
    assert run.sessions_removed == 1, run.log
    online = OnlineSession.objects.get(uuid=wedding.uuid)
    assert online.taken_down_at is not None and online.images.count() == 0
    assert not Blob.objects.exists()
    assert not any(default_storage.exists(k) for k in keys)
    assert OnlineSettings.objects.get(session=wedding).state == OnlineState.REMOVED
    assert [httpx.get(u).status_code for u in urls] == [404, 404]
    assert sync([SyncKind.REMOVE_EXPIRED]).sessions_removed == 0


class CutAfter(httpx.BaseTransport):
    """A connection that drops after a number of image requests, like a pulled cable.

    It records which derivatives each request carried (single PUTs and batches)."""

    def __init__(self, requests: int) -> None:
        self.left = requests
        self.inner = httpx.HTTPTransport()
        self.sent: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if "/blobs/" in request.url.path and not request.url.path.endswith("/missing"):
            if self.left == 0:
                raise httpx.ReadError("connection dropped", request=request)
            self.left -= 1
            body = request.read()
            self.sent += re.findall(rb'filename="([0-9a-f]{64})\.jpg"', body) or [
                request.url.path.rsplit("/", 1)[1].encode()
            ]
        return self.inner.handle_request(request)


def test_sync_cut_mid_upload_then_rerun_ends_whole_with_nothing_sent_twice(  # type: ignore[no-untyped-def]
    wedding, sync, monkeypatch
) -> None:
    monkeypatch.setattr(synchronizer_transport, "BATCH_MAX_FILES", 5)
    mark(wedding)
    cut = CutAfter(requests=1)
    broken = sync(transport=cut)
    assert broken.status == SyncStatus.FAILED
    assert "Cannot reach the gallery" in broken.log
    assert not OnlineSession.objects.filter(uuid=wedding.uuid).exists()  # nothing half-published
    assert OnlineSettings.objects.get(session=wedding).needs_upload
    assert Blob.objects.count() == 5  # the first batch arrived whole

    resumed = CutAfter(requests=1000)
    again = sync(transport=resumed)
    assert again.status == SyncStatus.SUCCEEDED, again.log
    assert len(cut.sent) == 5 and len(resumed.sent) == 7
    assert not set(cut.sent) & set(resumed.sent)
    assert OnlineSession.objects.get(uuid=wedding.uuid).images.count() == 6


def test_an_older_gallery_without_batches_gets_single_puts(wedding, sync) -> None:  # type: ignore[no-untyped-def]
    class NoBatches(httpx.BaseTransport):
        def __init__(self) -> None:
            self.inner = httpx.HTTPTransport()
            self.puts = 0

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/blobs/batch"):
                return httpx.Response(404, json={"detail": "Not Found"})
            if request.method == "PUT" and "/blobs/" in request.url.path:
                self.puts += 1
            return self.inner.handle_request(request)

    old = NoBatches()
    mark(wedding)
    run = sync(transport=old)
    assert run.status == SyncStatus.SUCCEEDED, run.log
    assert old.puts == 12 and run.images_sent == 12


def test_a_damaged_derivative_in_a_batch_is_refused_by_name(live_server, connected) -> None:  # type: ignore[no-untyped-def]
    from proofroom.gallery.tenants import Studio as GalleryStudio

    key = api_key_create(studio=GalleryStudio.objects.get(slug="northlight"))
    jpeg = b"\xff\xd8\xff" + b"x" * 100
    import hashlib

    good = hashlib.sha256(jpeg).hexdigest()
    response = httpx.post(
        f"{live_server.url}/api/sync/v1/blobs/batch",
        headers={"Authorization": f"Bearer {key}"},
        files=[
            ("blob", (f"{good}.jpg", jpeg, "image/jpeg")),
            ("blob", (f"{'0' * 64}.jpg", jpeg, "image/jpeg")),
        ],
    )
    answer = response.json()
    assert answer["stored"] == [good]
    assert answer["refused"][0]["sha256"] == "0" * 64
    assert "damaged" in answer["refused"][0]["detail"]


def test_a_rival_studios_key_sees_nothing_of_ours(wedding, sync, live_server, rival_studio) -> None:  # type: ignore[no-untyped-def]
    mark(wedding)
    sync()
    rival = httpx.Client(
        base_url=f"{live_server.url}/api/sync/v1",
        headers={"Authorization": f"Bearer {api_key_create(studio=rival_studio)}"},
    )
    assert rival.get(f"/sessions/{wedding.uuid}").status_code == 404
    assert rival.delete(f"/sessions/{wedding.uuid}").status_code == 404
    blob = Blob.objects.first()
    assert blob is not None
    missing = rival.post("/blobs/missing", json={"hashes": [blob.sha256]}).json()["missing"]
    assert missing == [blob.sha256]  # our derivatives are not theirs
    assert OnlineSession.objects.get(uuid=wedding.uuid).taken_down_at is None


def test_wrong_key_is_refused_with_a_clear_message(wedding, sync, connected) -> None:  # type: ignore[no-untyped-def]
    from proofroom.studio.studios import studio_update

    studio_update(studio=connected, gallery_api_key="prk_nope_nope")
    mark(wedding)
    run = sync()
    assert run.status == SyncStatus.FAILED
    assert "refused the API key" in run.log


class LoseSessionAnswer(httpx.BaseTransport):
    """The gallery applies the session PUT but its answer never arrives (killed studio)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.method == "PUT" and "/sessions/" in request.url.path:
            response.read()
            raise httpx.ReadError("the studio died before it read the answer", request=request)
        return response


def test_answer_lost_after_the_gallery_applied_it_then_rerun_changes_nothing_twice(
    wedding, sync
) -> None:  # type: ignore[no-untyped-def]
    mark(wedding)
    first = sync(transport=LoseSessionAnswer())
    assert first.status == SyncStatus.FAILED
    assert OnlineSession.objects.get(uuid=wedding.uuid).images.count() == 6  # the gallery has it
    assert OnlineSettings.objects.get(session=wedding).needs_upload  # the studio does not know yet
    again = sync()
    assert again.status == SyncStatus.SUCCEEDED, again.log
    assert again.images_sent == 0
    assert OnlineSession.objects.filter(studio__slug="northlight").count() == 1
    assert OnlineSession.objects.get(uuid=wedding.uuid).images.count() == 6
    assert OnlineSettings.objects.get(session=wedding).state == OnlineState.ONLINE
