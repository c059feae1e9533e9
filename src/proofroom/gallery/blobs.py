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

from django.db import models
from django.utils import timezone

from proofroom.core.storage import stored_size
from proofroom.gallery.db import atomic


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
