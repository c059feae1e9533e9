"""Every EXIF orientation (1-8) comes out upright, with swapped sizes for 5-8.

The test card is red top-left, green top-right, blue bottom-left, grey bottom-right,
and 600 x 400 when upright; each file stores it transformed the way a camera would for
that orientation tag.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from proofroom.imaging import inspect_original, make_derivatives
from tests.imaging.charts import MARKER_COLOURS, make_oriented_jpeg

from .pixels import Array, decode, region_mean

CORNERS = {
    "red": (0.08, 0.1),
    "green": (0.92, 0.1),
    "blue": (0.08, 0.9),
}


def assert_upright(array: Array) -> None:
    for name, (fx, fy) in CORNERS.items():
        found = region_mean(array, fx, fy)
        expected = np.array(MARKER_COLOURS[name], dtype=np.float64)
        assert np.abs(found - expected).max() < 30, f"{name} corner is {found.round()}"
    bottom_right = region_mean(array, 0.92, 0.9)
    assert bottom_right.max() - bottom_right.min() < 20, "bottom-right must stay grey"


@pytest.mark.parametrize("orientation", range(1, 9))
def test_test_cards_are_right_by_an_independent_reader(tmp_path: Path, orientation: int) -> None:
    """The generator is right: Pillow's exif_transpose shows each card upright."""
    data = make_oriented_jpeg(tmp_path / "card.jpg", orientation)
    with Image.open(io.BytesIO(data)) as image:
        assert image.getexif().get(0x0112) == orientation
        stored = image.size
        upright = ImageOps.exif_transpose(image)
        assert upright is not None
        assert upright.size == (600, 400)
        assert_upright(np.asarray(upright.convert("RGB"), dtype=np.float64))
    assert stored == ((400, 600) if orientation >= 5 else (600, 400))


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_comes_out_upright(tmp_path: Path, orientation: int) -> None:
    path = tmp_path / f"orientation-{orientation}.jpg"
    make_oriented_jpeg(path, orientation)

    info = inspect_original(path)
    assert (info.width, info.height, info.orientation) == (600, 400, orientation)

    out = make_derivatives(path, preview_size=300, thumbnail_size=120)
    assert (out.preview_width, out.preview_height) == (300, 200)
    assert (out.thumbnail_width, out.thumbnail_height) == (120, 80)
    preview, thumbnail = decode(out.preview), decode(out.thumbnail)
    assert preview.shape == (200, 300, 3)
    assert thumbnail.shape == (80, 120, 3)
    assert_upright(preview)
    assert_upright(thumbnail)
    with Image.open(io.BytesIO(out.preview)) as image:
        assert 0x0112 not in image.getexif()  # no orientation tag left to apply twice


def test_portrait_orientation_6_keeps_portrait_sizes(tmp_path: Path) -> None:
    path = tmp_path / "portrait.jpg"
    make_oriented_jpeg(path, 6, width=400, height=600)
    out = make_derivatives(path, preview_size=300, thumbnail_size=150)
    assert (out.preview_width, out.preview_height) == (200, 300)
    assert (out.thumbnail_width, out.thumbnail_height) == (100, 150)
    assert_upright(decode(out.preview))
