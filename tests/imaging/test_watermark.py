"""A watermark marks the preview only, where it was asked to, and never the thumbnail."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from proofroom.imaging import Watermark, make_derivatives
from proofroom.imaging.samples import make_sample_photo, sample_image

from .pixels import decode


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "photo.jpg"
    make_sample_photo(path, width=1800, height=1200, seed=6)
    return path


def _changed(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs(a - b).max(axis=2) > 12


def test_text_watermark_bottom_right_marks_preview_not_thumbnail(photo: Path) -> None:
    plain = make_derivatives(photo, preview_size=900, thumbnail_size=200)
    marked = make_derivatives(
        photo,
        preview_size=900,
        thumbnail_size=200,
        watermark=Watermark(text="© Northlight Studio", opacity=0.6),
    )
    assert marked.thumbnail == plain.thumbnail
    assert (marked.preview_width, marked.preview_height) == (900, 600)

    changed = _changed(decode(marked.preview), decode(plain.preview))
    ys, xs = np.nonzero(changed)
    assert changed.sum() > 1500, "the text must be visible"
    assert xs.min() > 900 * 0.6 and ys.min() > 600 * 0.8, "only in the bottom-right corner"
    width = xs.max() - xs.min()
    assert 0.2 * 900 <= width <= 0.3 * 900, "about scale x preview width (0.25)"


def test_center_position_and_scale(photo: Path) -> None:
    plain = make_derivatives(photo, preview_size=900, thumbnail_size=200)
    marked = make_derivatives(
        photo,
        preview_size=900,
        thumbnail_size=200,
        watermark=Watermark(text="PROOF", opacity=0.5, position="center", scale=0.5),
    )
    ys, xs = np.nonzero(_changed(decode(marked.preview), decode(plain.preview)))
    assert abs((xs.min() + xs.max()) / 2 - 450) < 30
    assert abs((ys.min() + ys.max()) / 2 - 300) < 30
    assert 0.42 * 900 <= xs.max() - xs.min() <= 0.52 * 900


def test_markup_characters_are_shown_as_text(photo: Path) -> None:
    marked = make_derivatives(
        photo,
        preview_size=600,
        thumbnail_size=200,
        watermark=Watermark(text="Smith & Sons <proofs>", opacity=0.8),
    )
    assert marked.preview_width == 600


def test_png_logo_watermark_with_transparency(photo: Path) -> None:
    """A 200 x 100 logo: a red 100 x 50 block in the middle, transparent around it."""
    red = sample_image(200, 100, seed=1).new_from_image([220, 0, 0]).copy(interpretation="srgb")
    alpha = red[0].new_from_image(0).copy_memory().draw_rect(255, 50, 25, 100, 50, fill=True)
    logo = red.bandjoin(alpha).cast("uchar").pngsave_buffer()
    plain = make_derivatives(photo, preview_size=900, thumbnail_size=200)
    marked = make_derivatives(
        photo,
        preview_size=900,
        thumbnail_size=200,
        watermark=Watermark(image=logo, opacity=1.0, position="center", scale=0.2),
    )
    assert marked.thumbnail == plain.thumbnail
    preview = decode(marked.preview)
    red_now = (preview[..., 0] > 170) & (preview[..., 1] < 60) & (preview[..., 2] < 60)
    red_before = decode(plain.preview)[..., 0] > 170
    ys, xs = np.nonzero(red_now & ~red_before)
    # The logo is 0.2 x 900 = 180 px wide, so its opaque middle is 90 x 45, centred.
    assert abs((xs.max() - xs.min() + 1) - 90) <= 3
    assert abs((ys.max() - ys.min() + 1) - 45) <= 3
    assert abs((xs.min() + xs.max()) / 2 - 450) <= 2
    assert abs((ys.min() + ys.max()) / 2 - 300) <= 2


def test_zero_opacity_changes_nothing_visible(photo: Path) -> None:
    plain = make_derivatives(photo, preview_size=600, thumbnail_size=200)
    marked = make_derivatives(
        photo,
        preview_size=600,
        thumbnail_size=200,
        watermark=Watermark(text="invisible", opacity=0.0),
    )
    assert np.abs(decode(marked.preview) - decode(plain.preview)).max() <= 2


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"text": "a", "image": b"\x89PNG\r\n\x1a\n"},
        {"text": "   "},
        {"image": b"GIF89a"},
        {"text": "a", "opacity": 1.5},
        {"text": "a", "scale": 0},
        {"text": "a", "position": "top-left"},
    ],
)
def test_invalid_watermarks(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Watermark(**kwargs)  # type: ignore[arg-type]


def test_broken_logo_is_a_watermark_error_not_a_photo_rejection(photo: Path) -> None:
    broken = Watermark(image=b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    with pytest.raises(ValueError, match="watermark PNG"):
        make_derivatives(photo, preview_size=300, thumbnail_size=100, watermark=broken)
