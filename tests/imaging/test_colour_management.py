"""Wide-gamut and CMYK originals come out as sRGB that looks like the photo.

Each case makes an original from a known sRGB source, runs the pipeline, and measures
the mean CIE76 ΔE of the preview against the source resized to the same size.  The same
measure on the file read *without* colour management (Pillow's plain convert("RGB"),
which ignores ICC profiles) must fail the threshold, so the test can tell the two apart.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import pyvips
from PIL import Image

from proofroom.imaging import make_derivatives
from proofroom.imaging.samples import encode_jpeg
from tests.imaging.bad_files import make_adobe_rgb_jpeg, make_cmyk_jpeg, make_png, make_tiff

from .pixels import Array, decode, mean_delta_e, resized

# ΔE 76 ≈ 2.3 is a "just noticeable difference"; our own JPEG encoding (Q85, 4:2:0) of
# saturated patches costs about 1.3 on an sRGB original.
THRESHOLD = 3.0


def _preview_and_reference(path: Path, chart: pyvips.Image) -> tuple[Array, Array, Array]:
    out = make_derivatives(path, preview_size=600, thumbnail_size=200)
    preview = decode(out.preview)
    height, width = preview.shape[:2]
    reference = resized(chart, width, height)
    with Image.open(path) as unmanaged:
        naive = unmanaged.convert("RGB").resize((width, height), Image.Resampling.LANCZOS)
    return preview, reference, np.asarray(naive, dtype=np.float64)


MAKERS: dict[str, Callable[..., bytes]] = {
    "adobe-rgb-profile": lambda p, src: make_adobe_rgb_jpeg(p, src),
    "adobe-rgb-exif-hint-no-profile": lambda p, src: make_adobe_rgb_jpeg(
        p, src, embed_profile=False
    ),
}


@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_adobe_rgb_original_is_converted_to_srgb(
    tmp_path: Path, chart: pyvips.Image, kind: str
) -> None:
    path = tmp_path / "adobe.jpg"
    MAKERS[kind](path, chart)
    preview, reference, naive = _preview_and_reference(path, chart)

    managed = mean_delta_e(preview, reference)
    unmanaged = mean_delta_e(naive, reference)
    assert managed < THRESHOLD, f"converted preview is off by ΔE {managed:.2f}"
    assert unmanaged > THRESHOLD * 1.5, f"unconverted file only off by ΔE {unmanaged:.2f}"


@pytest.mark.parametrize("embed_profile", [True, False], ids=["with-profile", "no-profile"])
def test_cmyk_jpeg_is_converted_to_srgb(
    tmp_path: Path, chart: pyvips.Image, embed_profile: bool
) -> None:
    path = tmp_path / "cmyk.jpg"
    make_cmyk_jpeg(path, chart, embed_profile=embed_profile)
    preview, reference, naive = _preview_and_reference(path, chart)
    assert preview.shape == (400, 600, 3)

    # The photo part: colours within the CMYK gamut, so the round trip is close.  (The
    # saturated chart patches below it are clipped by the press gamut, as in print.)
    photo = slice(0, preview.shape[0] * 2 // 3)
    managed = mean_delta_e(preview[photo], reference[photo])
    unmanaged = mean_delta_e(naive[photo], reference[photo])
    assert managed < THRESHOLD, f"converted preview is off by ΔE {managed:.2f}"
    assert unmanaged > THRESHOLD * 3, f"naive CMYK->RGB only off by ΔE {unmanaged:.2f}"
    assert mean_delta_e(preview, reference) < 2 * THRESHOLD


SRGB_LIKE: dict[str, Callable[..., bytes]] = {
    "srgb-jpeg": lambda p, src: encode_jpeg(src, p, quality=95),
    "tiff-rgb-8bit": lambda p, src: make_tiff(p, src, mode="rgb8"),
    "tiff-rgb-16bit": lambda p, src: make_tiff(p, src, mode="rgb16"),
    "png-16bit": lambda p, src: make_png(p, src, alpha=False, bits=16),
    "tiff-cmyk-with-profile": lambda p, src: make_tiff(p, src, mode="cmyk8"),
}


@pytest.mark.parametrize("kind", sorted(SRGB_LIKE))
def test_rgb_and_16_bit_originals_keep_their_colours(
    tmp_path: Path, chart: pyvips.Image, kind: str
) -> None:
    path = tmp_path / "original"
    SRGB_LIKE[kind](path, chart)
    out = make_derivatives(path, preview_size=600, thumbnail_size=200)
    preview = decode(out.preview)
    reference = resized(chart, 600, 400)
    photo = slice(0, 400 * 2 // 3)
    assert preview.shape == (400, 600, 3)
    assert mean_delta_e(preview[photo], reference[photo]) < THRESHOLD


@pytest.mark.parametrize("mode", ["grey8", "grey16"])
def test_greyscale_tiff_comes_out_grey(tmp_path: Path, chart: pyvips.Image, mode: str) -> None:
    path = tmp_path / "grey.tif"
    make_tiff(path, chart, mode=mode)  # type: ignore[arg-type]
    out = make_derivatives(path, preview_size=600, thumbnail_size=200)
    preview = decode(out.preview)
    assert preview.shape == (400, 600, 3)
    spread = preview.max(axis=2) - preview.min(axis=2)
    assert spread.mean() < 1.5  # R = G = B (up to JPEG rounding)
    luminance = resized(chart.colourspace("b-w").colourspace("srgb"), 600, 400)
    assert np.abs(preview - luminance).mean() < 3
