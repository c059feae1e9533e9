"""The desk's stored files (originals and previews) are whole or replaced, never trusted
half-written because a file of that name exists."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from proofroom.imaging.samples import make_sample_photo
from proofroom.studio.derivatives import image_derivatives_make
from proofroom.studio.images import Image
from proofroom.studio.imports import session_import_files
from tests.factories import make_session

pytestmark = pytest.mark.django_db


def _on_disk(key: str) -> bytes:
    return Path(default_storage.path(key)).read_bytes()


def test_a_half_written_original_and_preview_are_written_whole_on_the_next_import(
    studio: object, tmp_path: Path
) -> None:
    """Issue 13, defect 2 (the desk's side): an original and a preview cut short under
    their final names (a crash mid-write) are written again, whole, when the same photograph
    is imported into another session, instead of being trusted because the name exists (the
    sound photograph was then refused as unreadable, and a damaged preview would be refused
    by the gallery on every sync)."""
    photo = tmp_path / "IMG_0001.jpg"
    make_sample_photo(photo, width=900, height=600, seed=3)
    first = make_session()
    session_import_files(session=first, files=[(photo, photo.name)], enqueue=False)
    image = Image.objects.get(session=first)
    image_derivatives_make(image_id=image.pk)
    image.refresh_from_db()
    preview = _on_disk(image.preview_key)
    for key in (image.original_key, image.preview_key):
        path = Path(default_storage.path(key))
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])

    second = make_session()
    session_import_files(session=second, files=[(photo, photo.name)], enqueue=False)
    again = Image.objects.get(session=second)
    image_derivatives_make(image_id=again.pk)
    again.refresh_from_db()

    assert again.original_key == image.original_key
    assert _on_disk(again.original_key) == photo.read_bytes()
    assert _on_disk(again.preview_key) == preview
    assert hashlib.sha256(preview).hexdigest() == again.preview_sha256
