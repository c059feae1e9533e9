"""Web derivatives held by the gallery, stored once per studio under their SHA-256.

Keyed per studio so that one studio can never learn, by asking which hashes
are missing, what another studio has uploaded.

A file is whole or absent (:mod:`proofroom.core.storage` writes it to a temporary
name, checks it and renames it into place). What is checked where, by cost: the size
of each file (one ``stat``, or a HEAD on object storage) whenever a sync asks what is
missing and whenever an image is served, so a file cut short or lost is sent again and
never served in part; its full SHA-256 when a put finds a file already there, and for
every file in ``proofroom gallery sweep --verify``, which deletes one that does not
hash to its name so that the next sync sends it again.
"""

from __future__ import annotations

import hashlib

from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

from proofroom.core.storage import store_verified_many, stored_size
from proofroom.gallery.db import atomic

MAX_BLOB_BYTES = 40 * 1024 * 1024


class Blob(models.Model):
    studio = models.ForeignKey("gallery.Studio", on_delete=models.CASCADE, related_name="blobs")
    sha256 = models.CharField(max_length=64)
    size_bytes = models.PositiveIntegerField()
    key = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    # When a sync was last told the gallery has it, or sent it: the sweep's grace runs from here.
    touched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["studio", "sha256"]
        constraints = [
            models.UniqueConstraint(fields=["studio", "sha256"], name="blob_once_per_studio")
        ]

    def __str__(self) -> str:
        return self.sha256


class BlobRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def blob_key(studio_id: int, sha256: str) -> str:
    return f"gallery/{studio_id}/{sha256[:2]}/{sha256}.jpg"


def blobs_missing(*, studio_id: int, hashes: list[str]) -> list[str]:
    """Which of these derivatives the gallery lacks: no row, or a file absent or of the
    wrong size (cut short by a crash, or damaged). Those it has are touched, in a row lock,
    so a sweep leaves them alone now that a sync has been told they are here."""
    wanted = list(dict.fromkeys(hashes))
    with atomic():
        rows = (
            Blob.objects.select_for_update()
            .filter(studio_id=studio_id, sha256__in=wanted)
            .order_by("sha256")
            .values_list("sha256", "key", "size_bytes")
        )
        have = {sha for sha, key, size in rows if stored_size(key) == size}
        Blob.objects.filter(studio_id=studio_id, sha256__in=have).update(touched_at=timezone.now())
    return [h for h in wanted if h not in have]


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
    from proofroom.gallery.sweep import sweep_book

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
    from proofroom.gallery.events import OnlineImage
    from proofroom.gallery.sweep import sweep_book

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
