"""Previews and thumbnails of a session's images, made from the untouched originals."""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q

from proofroom.core.storage import store_verified
from proofroom.imaging import ImageRejected, Watermark, make_derivatives
from proofroom.studio.images import DerivativeStatus, Image, ImportRejection
from proofroom.studio.studios import Studio, studio_get

logger = logging.getLogger(__name__)

THUMBNAIL_SIZE = 400


def derivative_key(sha256: str) -> str:
    return f"derivatives/{sha256[:2]}/{sha256}.jpg"


@contextmanager
def original_on_disk(key: str) -> Iterator[Path]:
    """A local path of a stored original: the file itself, or a copy from object storage."""
    try:
        yield Path(default_storage.path(key))
        return
    except NotImplementedError:
        pass
    with default_storage.open(key, "rb") as src, tempfile.NamedTemporaryFile(suffix=".orig") as tmp:
        shutil.copyfileobj(src, tmp)
        tmp.flush()
        yield Path(tmp.name)


def watermark_for(studio: Studio | None) -> Watermark | None:
    if studio is None or not studio.watermark_enabled:
        return None
    opacity = studio.watermark_opacity / 100
    if studio.watermark_image and default_storage.exists(studio.watermark_image):
        with default_storage.open(studio.watermark_image, "rb") as handle:
            return Watermark(image=handle.read(), opacity=opacity)
    if studio.watermark_text:
        return Watermark(text=studio.watermark_text, opacity=opacity)
    return None


def _store(data: bytes) -> tuple[str, str]:
    digest = hashlib.sha256(data).hexdigest()
    key = derivative_key(digest)
    store_verified(key=key, content=data, sha256=digest)
    return key, digest


@transaction.atomic
def image_refuse(*, image: Image, reason: str) -> None:
    """An imported file turned out unreadable: it leaves the session and is listed as refused."""
    ImportRejection.objects.update_or_create(
        session_id=image.session_id,
        file_name=image.file_name,
        defaults={"reason": reason, "size_bytes": image.size_bytes},
    )
    key = image.original_key
    image.delete()
    if not Image.objects.filter(original_key=key).exists():
        transaction.on_commit(lambda: default_storage.delete(key))


def image_derivatives_make(*, image_id: int) -> DerivativeStatus | None:
    """Make one image's preview and thumbnail; a file that cannot be read is marked with why."""
    image = Image.objects.filter(pk=image_id).first()
    if image is None:
        return None
    studio = studio_get()
    preview_size = studio.preview_size if studio else 2048
    try:
        with original_on_disk(image.original_key) as path:
            made = make_derivatives(
                path,
                preview_size=preview_size,
                thumbnail_size=THUMBNAIL_SIZE,
                watermark=watermark_for(studio),
            )
    except ImageRejected as exc:
        image_refuse(image=image, reason=exc.reason)
        return DerivativeStatus.FAILED
    except (ValueError, RuntimeError) as exc:
        # The studio's watermark could not be drawn: keep the image, say why.
        Image.objects.filter(pk=image.pk).update(
            status=DerivativeStatus.FAILED, problem=f"The watermark could not be applied: {exc}"
        )
        return DerivativeStatus.FAILED
    except FileNotFoundError:
        Image.objects.filter(pk=image.pk).update(
            status=DerivativeStatus.FAILED, problem="The original is missing from storage."
        )
        return DerivativeStatus.FAILED
    preview_key, preview_sha = _store(made.preview)
    thumb_key, thumb_sha = _store(made.thumbnail)
    replaced = {image.preview_key, image.thumbnail_key} - {preview_key, thumb_key, ""}
    with transaction.atomic():
        Image.objects.filter(pk=image.pk).update(
            status=DerivativeStatus.READY,
            problem="",
            preview_key=preview_key,
            preview_sha256=preview_sha,
            preview_width=made.preview_width,
            preview_height=made.preview_height,
            thumbnail_key=thumb_key,
            thumbnail_sha256=thumb_sha,
        )
    for key in replaced:
        # Remade with another size or watermark: drop the old file unless shared.
        if not Image.objects.filter(Q(preview_key=key) | Q(thumbnail_key=key)).exists():
            default_storage.delete(key)
    return DerivativeStatus.READY
