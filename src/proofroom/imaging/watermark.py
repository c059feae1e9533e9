"""Visible watermarks for client previews (text or a PNG logo)."""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import pyvips

Position = Literal["center", "bottom-right"]

#: Tried in order for text: a fontconfig family first, then font files known to exist on
#: Debian-like systems (pyvips-binary renders with Pango + fontconfig).
FONT = "sans bold"
FALLBACK_FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)
MAX_LOGO_PIXELS = 40_000_000


@dataclass(frozen=True)
class Watermark:
    """A watermark put on previews (never on thumbnails).

    Exactly one of ``text`` or ``image`` (PNG bytes, transparency respected).
    ``opacity`` 0..1; ``scale`` is the watermark's width as a fraction of the preview
    width; ``position`` is "center" or "bottom-right" (with a margin of 3 % of the
    short edge).  Text is white with a soft dark shadow, so it reads on any photo.
    """

    text: str | None = None
    image: bytes | None = None
    opacity: float = 0.4
    position: Position = "bottom-right"
    scale: float = 0.25

    def __post_init__(self) -> None:
        if (self.text is None) == (self.image is None):
            raise ValueError("a watermark has either text or an image")
        if self.text is not None and not self.text.strip():
            raise ValueError("watermark text is empty")
        if self.image is not None and not self.image.startswith(b"\x89PNG\r\n\x1a\n"):
            raise ValueError("watermark image must be PNG bytes")
        if not 0.0 <= self.opacity <= 1.0:
            raise ValueError("opacity must be between 0 and 1")
        if not 0.0 < self.scale <= 1.0:
            raise ValueError("scale must be in (0, 1]")
        if self.position not in ("center", "bottom-right"):
            raise ValueError("position must be 'center' or 'bottom-right'")


def _render_text_mask(text: str, dpi: int) -> pyvips.Image:
    markup = html.escape(text)  # pyvips text takes Pango markup
    options: dict[str, object] = {"dpi": dpi, "wrap": "none"}
    mask = pyvips.Image.text(markup, font=FONT, **options)
    if mask.width > 2 and mask.max() > 0:
        return mask
    for fontfile in FALLBACK_FONT_FILES:
        if os.path.exists(fontfile):
            mask = pyvips.Image.text(markup, font=FONT, fontfile=fontfile, **options)
            if mask.width > 2 and mask.max() > 0:
                return mask
    raise RuntimeError("no font available to render the watermark text")


def _text_overlay(text: str, width: int, opacity: float) -> pyvips.Image:
    probe = _render_text_mask(text, 72)
    dpi = max(8, min(2400, round(72 * width / max(1, probe.width))))
    mask = _render_text_mask(text, dpi)
    if mask.width > width:
        mask = mask.resize(width / mask.width)
    pad = max(2, round(mask.height * 0.12))
    shadow = mask.embed(pad, pad, mask.width + 2 * pad, mask.height + 2 * pad)
    shadow = shadow.gaussblur(max(0.5, pad / 2.5))
    offset = max(1, pad // 3)
    glyphs = mask.embed(pad - offset, pad - offset, shadow.width, shadow.height)
    shadow_alpha = (shadow * (0.55 * opacity)).cast("uchar")
    text_alpha = (glyphs * opacity).cast("uchar")
    black = shadow.new_from_image([0, 0, 0]).copy(interpretation="srgb")
    white = shadow.new_from_image([255, 255, 255]).copy(interpretation="srgb")
    layers = [black.bandjoin(shadow_alpha), white.bandjoin(text_alpha)]
    overlay: pyvips.Image = layers[0].composite2(layers[1], "over")
    return overlay.cast("uchar").copy(interpretation="srgb")


def _logo_overlay(png: bytes, width: int, opacity: float) -> pyvips.Image:
    logo = pyvips.Image.pngload_buffer(png, access="sequential")
    if logo.width * logo.height > MAX_LOGO_PIXELS:
        raise ValueError("watermark image is too large")
    if logo.interpretation != "srgb" or logo.bands < 3:
        logo = logo.colourspace("srgb")
    if logo.format != "uchar":
        logo = logo.cast("uchar")
    if not logo.hasalpha():
        logo = logo.bandjoin(255)
    scale = width / logo.width
    logo = logo.premultiply().resize(scale).unpremultiply().cast("uchar")
    alpha = (logo[3] * opacity).cast("uchar")
    return logo.extract_band(0, n=3).bandjoin(alpha).copy(interpretation="srgb")


@lru_cache(maxsize=16)
def _overlay(watermark: Watermark, preview_width: int) -> pyvips.Image:
    width = max(8, round(preview_width * watermark.scale))
    if watermark.text is not None:
        return _text_overlay(watermark.text, width, watermark.opacity).copy_memory()
    assert watermark.image is not None
    try:
        return _logo_overlay(watermark.image, width, watermark.opacity).copy_memory()
    except pyvips.Error as error:
        raise ValueError(f"the watermark PNG cannot be read: {error.message}") from error


def apply_watermark(image: pyvips.Image, watermark: Watermark) -> pyvips.Image:
    """``image`` (8-bit sRGB, 3 bands) with the watermark composited on it."""
    overlay = _overlay(watermark, image.width)
    if watermark.position == "center":
        x = (image.width - overlay.width) // 2
        y = (image.height - overlay.height) // 2
    else:
        margin = round(0.03 * min(image.width, image.height))
        x = image.width - overlay.width - margin
        y = image.height - overlay.height - margin
    out = image.composite2(overlay, "over", x=x, y=y)
    return out.extract_band(0, n=3).cast("uchar").copy(interpretation="srgb")
