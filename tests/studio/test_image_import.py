"""Import of real files: odd names kept, duplicates recognised, bad files refused with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from proofroom.imaging.samples import make_sample_photo
from proofroom.studio.images import DerivativeStatus, Image, ImportRejection
from proofroom.studio.imports import files_in_folder, session_import_files
from tests.factories import make_session
from tests.imaging.bad_files import (
    make_bomb_png,
    make_empty_file,
    make_non_image,
    make_truncated_jpeg,
)

pytestmark = pytest.mark.django_db

ODD_NAMES = ["Smith & Co @ #1 $.jpg", "wedding day 014.jpg", "Été à Québec.jpg", "東京-夜景_03.jpg"]


@pytest.fixture(autouse=True)
def _tasks_run_inline(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "images", "sync"],
        }
    }


@pytest.fixture
def shoot(tmp_path: Path) -> Path:
    folder = tmp_path / "shoot"
    (folder / "second card").mkdir(parents=True)
    for seed, name in enumerate(ODD_NAMES):
        make_sample_photo(
            folder / name, width=1200, height=800, seed=seed, exif={"gps": (44.95, -93.09)}
        )
    make_sample_photo(folder / "second card" / "IMG_0002.JPG", width=800, height=1200, seed=9)
    return folder


def _import(session, folder: Path):  # type: ignore[no-untyped-def]
    return session_import_files(
        session=session, files=[(p, str(p.relative_to(folder))) for p in files_in_folder(folder)]
    )


def test_odd_file_names_are_kept_for_display_and_stored_under_safe_keys(
    studio: object,
    shoot: Path,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    session = make_session()
    with django_capture_on_commit_callbacks(execute=True):
        summary = _import(session, shoot)
    assert (summary.imported, summary.already_there, summary.refused) == (5, 0, [])
    names = set(Image.objects.filter(session=session).values_list("file_name", flat=True))
    assert names == {*ODD_NAMES, "IMG_0002.JPG"}
    for image in Image.objects.filter(session=session):
        assert image.original_key.startswith("originals/")
        assert all(ch.isalnum() or ch in "/._" for ch in image.original_key)
        assert default_storage.size(image.original_key) == image.size_bytes


def test_originals_are_kept_byte_for_byte(studio: object, shoot: Path) -> None:
    session = make_session()
    _import(session, shoot)
    image = Image.objects.get(file_name="wedding day 014.jpg")
    with default_storage.open(image.original_key, "rb") as stored:
        assert stored.read() == (shoot / "wedding day 014.jpg").read_bytes()


def test_reimport_adds_nothing(studio: object, shoot: Path) -> None:
    session = make_session()
    _import(session, shoot)
    again = _import(session, shoot)
    assert (again.imported, again.already_there) == (0, 5)
    assert Image.objects.filter(session=session).count() == 5


def test_derivatives_are_made_by_the_task_after_commit(
    studio: object,
    shoot: Path,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    session = make_session()
    with django_capture_on_commit_callbacks(execute=True):
        _import(session, shoot)
    portrait = Image.objects.get(file_name="IMG_0002.JPG")
    assert portrait.status == DerivativeStatus.READY
    assert (portrait.preview_width, portrait.preview_height) == (800, 1200)
    with default_storage.open(portrait.thumbnail_key, "rb") as thumb:
        data = thumb.read()
    assert data[:2] == b"\xff\xd8" and b"GPS" not in data and b"Exif" not in data


def test_each_bad_file_gets_its_reason_and_the_good_ones_import(
    studio: object,
    tmp_path: Path,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    make_sample_photo(folder / "good 1.jpg", width=900, height=600, seed=1)
    make_truncated_jpeg(folder / "truncated.jpg")
    make_empty_file(folder / "empty.jpg")
    make_non_image(folder / "invoice.jpg", "pdf")
    make_bomb_png(folder / "bomb.png")
    make_sample_photo(folder / "good 2.jpg", width=900, height=600, seed=2)
    (folder / "good 2.xmp").write_text("<x:xmpmeta/>")  # an editor's sidecar: not imported at all
    session = make_session()
    with django_capture_on_commit_callbacks(execute=True):
        _import(session, folder)
    ready = Image.objects.filter(session=session, status=DerivativeStatus.READY)
    assert sorted(ready.values_list("file_name", flat=True)) == ["good 1.jpg", "good 2.jpg"]
    assert Image.objects.filter(session=session).count() == 2
    reasons = dict(
        ImportRejection.objects.filter(session=session).values_list("file_name", "reason")
    )
    assert set(reasons) == {"truncated.jpg", "empty.jpg", "invoice.jpg", "bomb.png"}
    assert "empty" in reasons["empty.jpg"].lower()
    assert "pdf" in reasons["invoice.jpg"].lower()
    assert "decompression bomb" in reasons["bomb.png"].lower()
    assert (
        "truncated" in reasons["truncated.jpg"].lower()
        or "corrupt" in reasons["truncated.jpg"].lower()
    )


def test_a_fixed_file_reimported_clears_its_refusal(studio: object, tmp_path: Path) -> None:
    folder = tmp_path / "card"
    folder.mkdir()
    make_empty_file(folder / "frame 7.jpg")
    session = make_session()
    _import(session, folder)
    assert ImportRejection.objects.filter(session=session, file_name="frame 7.jpg").exists()
    make_sample_photo(folder / "frame 7.jpg", width=600, height=400, seed=7)
    summary = _import(session, folder)
    assert summary.imported == 1
    assert not ImportRejection.objects.filter(session=session).exists()


def test_upload_through_the_desk_page(
    client,
    owner,
    tmp_path: Path,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    session = make_session()
    client.force_login(owner)
    photo = tmp_path / "up.jpg"
    make_sample_photo(photo, width=640, height=480, seed=3)
    files = [
        SimpleUploadedFile("Smith & Co #7.jpg", photo.read_bytes(), "image/jpeg"),
        SimpleUploadedFile("zero.jpg", b"", "image/jpeg"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/desk/sessions/{session.number}/import/",
            {"files": files},
            HTTP_ACCEPT="application/json",
        )
    got = response.json()
    assert (got["imported"], got["already_there"]) == (1, 0)
    assert got["refused"][0]["name"] == "zero.jpg"
    assert Image.objects.get(session=session).file_name == "Smith & Co #7.jpg"
    page = client.get(f"/desk/sessions/{session.number}/import/").content.decode()
    assert "zero.jpg" in page
