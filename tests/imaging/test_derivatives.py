"""Preview and thumbnail: sizes, never upscaling, formats, alpha, metadata stripped."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import pyvips
from PIL import Image

from proofroom.imaging import Derivatives, make_derivatives
from proofroom.imaging.derivatives import jpeg_shrink
from proofroom.imaging.samples import make_sample_photo, sample_image
from tests.imaging.bad_files import make_png, make_tiff

from .pixels import decode, jpeg_markers, region_mean, resized

PRIVATE_EXIF = {
    "make": "Canon",
    "model": "Canon EOS R5",
    "datetime_original": "2024:06:01 14:02:03",
    "gps": (44.9537, -93.0900, 250.0),
    "serial_number": "032021001234",
    "artist": "Morgan Lee",
    "copyright": "(c) Northlight Studio",
    "maker_note": b"CanonMakerNote" + bytes(range(64)),
    "orientation": 1,
}


def _jpeg(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert image.mode == "RGB"
    return image


@pytest.mark.parametrize(
    ("size", "preview", "thumbnail"),
    [
        ((3000, 2000), (2048, 1365), (400, 267)),
        ((2000, 3000), (1365, 2048), (267, 400)),
        ((2500, 2500), (2048, 2048), (400, 400)),
        ((800, 600), (800, 600), (400, 300)),  # small: never upscaled
        ((300, 200), (300, 200), (300, 200)),  # smaller than the thumbnail, too
    ],
)
def test_long_edges_are_2048_and_400_and_small_images_are_not_upscaled(
    tmp_path: Path,
    size: tuple[int, int],
    preview: tuple[int, int],
    thumbnail: tuple[int, int],
) -> None:
    path = tmp_path / "photo.jpg"
    make_sample_photo(path, width=size[0], height=size[1], seed=3)
    out = make_derivatives(path)
    assert isinstance(out, Derivatives)
    assert (out.preview_width, out.preview_height) == preview
    assert (out.thumbnail_width, out.thumbnail_height) == thumbnail
    assert _jpeg(out.preview).size == preview
    assert _jpeg(out.thumbnail).size == thumbnail


@pytest.mark.parametrize(("size", "shrink"), [((6000, 4000), 2), ((8256, 5504), 4)])
def test_camera_sized_jpegs_use_shrink_on_load_and_still_hit_exact_sizes(
    tmp_path: Path, size: tuple[int, int], shrink: int
) -> None:
    assert jpeg_shrink(max(size), 2048) == shrink
    path = tmp_path / "camera.jpg"
    make_sample_photo(path, width=size[0], height=size[1], seed=11)
    out = make_derivatives(path)
    assert (out.preview_width, out.preview_height) == (2048, 1365)
    assert (out.thumbnail_width, out.thumbnail_height) == (400, 267)
    assert 150_000 < len(out.preview) < 2_000_000
    assert len(out.thumbnail) < 120_000


def test_thumbnail_never_exceeds_the_preview(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    make_sample_photo(path, width=1200, height=800)
    out = make_derivatives(path, preview_size=300, thumbnail_size=400)
    assert (out.preview_width, out.preview_height) == (300, 200)
    assert (out.thumbnail_width, out.thumbnail_height) == (300, 200)


def test_jpeg_shrink_factor_keeps_at_least_the_target() -> None:
    assert jpeg_shrink(2048, 2048) == 1
    assert jpeg_shrink(4095, 2048) == 1
    assert jpeg_shrink(4096, 2048) == 2
    assert jpeg_shrink(16384, 2048) == 8
    assert jpeg_shrink(60000, 2048) == 8
    assert jpeg_shrink(1000, 400) == 2


def test_preview_matches_the_original_pixels(tmp_path: Path) -> None:
    source = sample_image(1200, 800, seed=4).copy_memory()
    path = tmp_path / "photo.png"
    make_png(path, source, alpha=False)
    out = make_derivatives(path, preview_size=600, thumbnail_size=150)
    assert np.abs(decode(out.preview) - resized(source, 600, 400)).mean() < 2.5
    assert np.abs(decode(out.thumbnail) - resized(source, 150, 100)).mean() < 4


@pytest.mark.parametrize("bits", [8, 16])
def test_alpha_png_is_flattened_on_white(tmp_path: Path, chart: pyvips.Image, bits: int) -> None:
    path = tmp_path / "alpha.png"
    make_png(path, chart, alpha=True, bits=bits)  # type: ignore[arg-type]
    out = make_derivatives(path, preview_size=600, thumbnail_size=150)
    for data in (out.preview, out.thumbnail):
        image = decode(data)
        for corner in ((0.03, 0.03), (0.97, 0.03), (0.03, 0.97), (0.97, 0.97)):
            assert region_mean(image, *corner).min() > 250, "transparent corners are white"
        centre = region_mean(image, 0.5, 0.4)
        expected = region_mean(resized(chart, image.shape[1], image.shape[0]), 0.5, 0.4)
        assert np.abs(centre - expected).max() < 6, "opaque middle keeps the photo"


def test_no_metadata_survives_in_preview_or_thumbnail(tmp_path: Path) -> None:
    path = tmp_path / "private.jpg"
    original = make_sample_photo(
        path, width=1600, height=1067, seed=8, exif=PRIVATE_EXIF, xmp=True, iptc=True
    )
    # The original really carries it all.
    for marker in (
        b"Exif\0\0",
        b"http://ns.adobe.com/xap/1.0/",
        b"Photoshop 3.0",
        b"CanonMakerNote",
    ):
        assert marker in original
    with Image.open(path) as image:
        assert image.getexif().get_ifd(0x8825), "original has GPS"
    fields = pyvips.Image.new_from_file(str(path)).get_fields()
    assert {"exif-data", "xmp-data", "iptc-data"} <= set(fields)

    out = make_derivatives(path, preview_size=800, thumbnail_size=200)
    for data in (out.preview, out.thumbnail):
        for marker in (
            b"Exif",
            b"GPS",
            b"xap",
            b"xmp",
            b"Photoshop",
            b"8BIM",
            b"ICC_PROFILE",
            b"Canon",
            b"Morgan",
            b"032021001234",
            b"Northlight",
        ):
            assert marker not in data, marker
        # Only JFIF (APP0), tables, frame and scan headers before the image data.
        assert set(jpeg_markers(data)) <= {0xE0, 0xDB, 0xC0, 0xC4, 0xDD, 0xDA}
        with Image.open(io.BytesIO(data)) as image:
            assert len(image.getexif()) == 0
            assert "icc_profile" not in image.info
        image = pyvips.Image.new_from_buffer(data, "")
        kept = [
            f
            for f in image.get_fields()
            if f.startswith(("exif-", "xmp", "iptc", "icc", "gps", "orientation"))
        ]
        assert kept == []


def test_tiff_metadata_is_not_carried_over(tmp_path: Path) -> None:
    path = tmp_path / "export.tif"
    make_tiff(
        path, sample_image(600, 400), mode="rgb16", exif={"make": "FUJIFILM", "model": "GFX100S"}
    )
    out = make_derivatives(path, preview_size=300, thumbnail_size=100)
    for data in (out.preview, out.thumbnail):
        assert b"FUJIFILM" not in data and b"Exif" not in data
        assert set(jpeg_markers(data)) <= {0xE0, 0xDB, 0xC0, 0xC4, 0xDD, 0xDA}
