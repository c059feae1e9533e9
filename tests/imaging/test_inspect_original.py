"""inspect_original reports header facts; sha256_file hashes by streaming."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from proofroom.imaging import OriginalInfo, inspect_original, sha256_file
from proofroom.imaging.samples import make_sample_photo, sample_image
from tests.imaging.bad_files import make_png, make_tiff
from tests.imaging.charts import make_oriented_jpeg


def test_camera_jpeg_facts(tmp_path: Path) -> None:
    path = tmp_path / "IMG_0001.JPG"
    make_sample_photo(
        path,
        width=1200,
        height=800,
        exif={
            "make": "Canon",
            "model": "Canon EOS R5",
            "datetime_original": "2024:06:01 14:02:03",
        },
    )
    info = inspect_original(path)
    assert info == OriginalInfo(
        format="jpeg",
        width=1200,
        height=800,
        orientation=1,
        size_bytes=path.stat().st_size,
        taken_at=datetime(2024, 6, 1, 14, 2, 3),
        camera="Canon EOS R5",
    )
    assert info.megapixels == pytest.approx(0.96)


def test_time_zone_from_offset_time_original(tmp_path: Path) -> None:
    path = tmp_path / "a.jpg"
    make_sample_photo(
        path,
        width=300,
        height=200,
        exif={
            "datetime_original": datetime(2023, 12, 31, 23, 59, 58),
            "offset_time_original": "-06:00",
        },
    )
    taken = inspect_original(path).taken_at
    assert taken == datetime(2023, 12, 31, 23, 59, 58, tzinfo=timezone(timedelta(hours=-6)))


@pytest.mark.parametrize(
    ("make", "model", "camera"),
    [
        ("NIKON CORPORATION", "NIKON Z 9", "NIKON Z 9"),
        ("FUJIFILM", "X-T5", "FUJIFILM X-T5"),
        (None, "ILCE-7M4", "ILCE-7M4"),
    ],
)
def test_camera_name(tmp_path: Path, make: str | None, model: str, camera: str) -> None:
    path = tmp_path / "a.jpg"
    exif = {"model": model} | ({"make": make} if make else {})
    make_sample_photo(path, width=300, height=200, exif=exif)
    assert inspect_original(path).camera == camera


def test_no_exif_and_placeholder_dates(tmp_path: Path) -> None:
    plain = tmp_path / "plain.jpg"
    make_sample_photo(plain, width=300, height=200)
    info = inspect_original(plain)
    assert (info.taken_at, info.camera, info.orientation) == (None, None, 1)

    zeros = tmp_path / "zeros.jpg"
    make_sample_photo(
        zeros, width=300, height=200, exif={"datetime_original": "0000:00:00 00:00:00"}
    )
    assert inspect_original(zeros).taken_at is None


def test_displayed_size_follows_orientation(tmp_path: Path) -> None:
    path = tmp_path / "rotated.jpg"
    make_oriented_jpeg(path, 6, width=600, height=400)  # stored 400 x 600
    info = inspect_original(path)
    assert (info.width, info.height, info.orientation) == (600, 400, 6)


def test_png_and_tiff_are_accepted(tmp_path: Path) -> None:
    source = sample_image(320, 240, seed=2)
    make_png(tmp_path / "a.png", source, alpha=True)
    make_tiff(tmp_path / "a.tif", source, mode="rgb16")
    make_tiff(tmp_path / "c.tif", source, mode="cmyk8")
    assert inspect_original(tmp_path / "a.png").format == "png"
    for name in ("a.tif", "c.tif"):
        info = inspect_original(tmp_path / name)
        assert (info.format, info.width, info.height) == ("tiff", 320, 240)


def test_sha256_file_streams_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "blob"
    data = bytes(range(256)) * 9000  # > 2 chunks of 1 MiB
    path.write_bytes(data)
    assert sha256_file(path) == hashlib.sha256(data).hexdigest()
    assert sha256_file(path, chunk_size=1000) == hashlib.sha256(data).hexdigest()


def test_tiff_camera_exif_is_read_too(tmp_path: Path) -> None:
    """libvips does not expose TIFF EXIF; Lightroom/Capture One exports carry it."""
    path = tmp_path / "export.tif"
    make_tiff(
        path,
        sample_image(320, 240),
        mode="rgb16",
        exif={
            "make": "FUJIFILM",
            "model": "GFX100S",
            "datetime_original": "2025:01:02 03:04:05",
            "offset_time_original": "+01:00",
        },
    )
    info = inspect_original(path)
    assert info.camera == "FUJIFILM GFX100S"
    assert info.taken_at == datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=1)))
