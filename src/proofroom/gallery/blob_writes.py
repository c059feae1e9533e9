"""Storing derivatives a sync puts, and dropping those no online image uses any more.

Each write books the sweep (:mod:`proofroom.gallery.sweep`) for what a crash or a grace
period leaves behind.
"""

from __future__ import annotations

import hashlib

from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

from proofroom.core.storage import store_verified_many
from proofroom.gallery.blobs import Blob, blob_key
from proofroom.gallery.db import atomic
from proofroom.gallery.events import OnlineImage
from proofroom.gallery.sweep import sweep_book

MAX_BLOB_BYTES = 40 * 1024 * 1024


class BlobRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def blob_put(*, studio_id: int, sha256: str, data: bytes) -> bool:
    """Store a derivative; True when its bytes were written (it was new, or its file was
    missing or damaged). The body must hash to the name it is put under."""
    _check(sha256, data)
    return bool(_store(studio_id=studio_id, items=[(sha256, data)]))


def blobs_put_many(
    *, studio_id: int, items: list[tuple[str, bytes]]
) -> tuple[list[str], list[tuple[str, str]]]:
    """Store several derivatives in one transaction. Returns (stored, refused with reasons);
    each item is checked on its own."""
    stored: list[str] = []
    refused: list[tuple[str, str]] = []
    good: list[tuple[str, bytes]] = []
    for sha256, data in items:
        try:
            _check(sha256, data)
        except BlobRefused as exc:
            refused.append((sha256, exc.reason))
            continue
        stored.append(sha256)
        good.append((sha256, data))
    _store(studio_id=studio_id, items=good)
    return stored, refused


def _store(*, studio_id: int, items: list[tuple[str, bytes]]) -> list[str]:
    """Write each file under its content key while holding its row, in one transaction.

    The row is made (or locked) first and the file written before the commit: racing puts of
    one hash queue on the row and end in one row and one file; a sweep skips a locked row;
    a crash leaves at most a file without a row, which the sweep removes. Rows are taken in
    hash order so that two batches never wait on each other in a circle.
    """
    unique = sorted(dict(items).items())
    if not unique:
        return []
    now = timezone.now()
    with atomic():
        Blob.objects.bulk_create(
            [
                Blob(
                    studio_id=studio_id,
                    sha256=sha,
                    size_bytes=len(data),
                    key=blob_key(studio_id, sha),
                    touched_at=now,
                )
                for sha, data in unique
            ],
            ignore_conflicts=True,
        )
        held = Blob.objects.select_for_update().filter(
            studio_id=studio_id, sha256__in=[sha for sha, _ in unique]
        )
        named = list(held.order_by("sha256").values_list("sha256", "key", "size_bytes"))
        data_of = dict(unique)
        Blob.objects.filter(studio_id=studio_id, sha256__in=[sha for sha, _ in unique]).update(
            touched_at=now
        )
        for sha, key, size in named:
            if key != blob_key(studio_id, sha) or size != len(data_of[sha]):
                # An older row may name a random-suffix copy: the content key is the only name.
                Blob.objects.filter(studio_id=studio_id, sha256=sha).update(
                    key=blob_key(studio_id, sha), size_bytes=len(data_of[sha])
                )
        sha_of = {blob_key(studio_id, sha): sha for sha, _ in unique}
        keys = store_verified_many([(key, data_of[sha], sha) for key, sha in sha_of.items()])
        written = [sha_of[key] for key in keys]
        sweep_book()
    return written


def _check(sha256: str, data: bytes) -> None:
    if len(data) > MAX_BLOB_BYTES:
        raise BlobRefused("The file is larger than a web derivative may be.")
    if hashlib.sha256(data).hexdigest() != sha256:
        raise BlobRefused("The body does not match its SHA-256; it was damaged on the way.")
    if not data.startswith(b"\xff\xd8\xff"):
        raise BlobRefused("A derivative must be a JPEG.")


def blobs_delete_unused(*, studio_id: int, hashes: set[str]) -> int:
    """Delete the given derivatives of a studio that no online image uses any more.

    Called inside the transaction that dropped their last use. The rows are locked before
    their use is checked, so a session published meanwhile (which locks them too, in
    :func:`blobs_missing`) either is seen using them or finds them gone and is sent them
    again; the files go before the commit, so a put waiting on a row never keeps a file that
    is about to be deleted.
    """
    if not hashes:
        return 0
    candidates = dict(
        Blob.objects.select_for_update()
        .filter(studio_id=studio_id, sha256__in=hashes)
        .order_by("sha256")
        .values_list("sha256", "pk")
    )
    used: set[str] = set()
    for preview, thumbnail in (
        OnlineImage.objects.filter(session__studio_id=studio_id)
        .filter(models.Q(preview__in=candidates) | models.Q(thumbnail__in=candidates))
        .values_list("preview", "thumbnail")
    ):
        used.update((preview, thumbnail))
    doomed = [pk for sha, pk in candidates.items() if sha not in used]
    for key in Blob.objects.filter(pk__in=doomed).values_list("key", flat=True):
        default_storage.delete(key)
    Blob.objects.filter(pk__in=doomed).delete()
    # Should the process die before the commit, the sweep finds what was left behind.
    sweep_book()
    return len(doomed)
