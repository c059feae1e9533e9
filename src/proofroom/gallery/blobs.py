"""Web derivatives held by the gallery, stored once per studio under their SHA-256.

Keyed per studio so that one studio can never learn, by asking which hashes
are missing, what another studio has uploaded.
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models

from proofroom.gallery.db import atomic, on_commit

MAX_BLOB_BYTES = 40 * 1024 * 1024


class Blob(models.Model):
    studio = models.ForeignKey("gallery.Studio", on_delete=models.CASCADE, related_name="blobs")
    sha256 = models.CharField(max_length=64)
    size_bytes = models.PositiveIntegerField()
    key = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

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
    wanted = list(dict.fromkeys(hashes))
    have = set(
        Blob.objects.filter(studio_id=studio_id, sha256__in=wanted).values_list("sha256", flat=True)
    )
    return [h for h in wanted if h not in have]


def blob_put(*, studio_id: int, sha256: str, data: bytes) -> bool:
    """Store a derivative; True when it was new. The body must hash to the name it is put under."""
    _check(sha256, data)
    if Blob.objects.filter(studio_id=studio_id, sha256=sha256).exists():
        return False
    key = blob_key(studio_id, sha256)
    if not default_storage.exists(key):
        key = default_storage.save(key, ContentFile(data))
    with atomic():
        _, created = Blob.objects.get_or_create(
            studio_id=studio_id, sha256=sha256, defaults={"size_bytes": len(data), "key": key}
        )
    return created


def blobs_put_many(
    *, studio_id: int, items: list[tuple[str, bytes]]
) -> tuple[list[str], list[tuple[str, str]]]:
    """Store several derivatives: one query for what is there, one insert for what is new.

    Returns (stored, refused with reasons); each item is checked on its own.
    """
    have = set(
        Blob.objects.filter(studio_id=studio_id, sha256__in=[sha for sha, _ in items]).values_list(
            "sha256", flat=True
        )
    )
    stored: list[str] = []
    refused: list[tuple[str, str]] = []
    new: list[Blob] = []
    for sha256, data in items:
        try:
            _check(sha256, data)
        except BlobRefused as exc:
            refused.append((sha256, exc.reason))
            continue
        stored.append(sha256)
        if sha256 in have:
            continue
        have.add(sha256)
        key = blob_key(studio_id, sha256)
        if not default_storage.exists(key):
            key = default_storage.save(key, ContentFile(data))
        new.append(Blob(studio_id=studio_id, sha256=sha256, size_bytes=len(data), key=key))
    Blob.objects.bulk_create(new, ignore_conflicts=True)
    return stored, refused


def _check(sha256: str, data: bytes) -> None:
    if len(data) > MAX_BLOB_BYTES:
        raise BlobRefused("The file is larger than a web derivative may be.")
    if hashlib.sha256(data).hexdigest() != sha256:
        raise BlobRefused("The body does not match its SHA-256; it was damaged on the way.")
    if not data.startswith(b"\xff\xd8\xff"):
        raise BlobRefused("A derivative must be a JPEG.")


def blobs_delete_unused(*, studio_id: int, hashes: set[str]) -> int:
    """Delete the given derivatives of a studio that no online image uses any more."""
    from proofroom.gallery.events import OnlineImage

    used: set[str] = set()
    for preview, thumbnail in (
        OnlineImage.objects.filter(session__studio_id=studio_id)
        .filter(models.Q(preview__in=hashes) | models.Q(thumbnail__in=hashes))
        .values_list("preview", "thumbnail")
    ):
        used.update((preview, thumbnail))
    doomed = list(Blob.objects.filter(studio_id=studio_id, sha256__in=hashes - used))
    keys = [blob.key for blob in doomed]
    Blob.objects.filter(pk__in=[blob.pk for blob in doomed]).delete()
    on_commit(lambda: _delete_files(keys))
    return len(doomed)


def _delete_files(keys: list[str]) -> None:
    for key in keys:
        default_storage.delete(key)
