"""Web derivatives of an original: a preview (2048 px) and a thumbnail (400 px).

One decode per original.  For a JPEG the decoder itself shrinks by 2, 4 or 8 (libjpeg
DCT scaling) as far as the preview size allows; a Lanczos resize does the rest.  The
preview is computed once into memory, then rotated upright, and the thumbnail is made
from it.  Pixels stream (sequential access), so a 45 MP original never sits in memory.

Colour: embedded ICC profiles (Adobe RGB, CMYK, ...) are converted to sRGB; CMYK without
a profile uses libvips' CMYK profile; cameras' "Adobe RGB without a profile" (EXIF
ColorSpace = uncalibrated + Interop R03) uses our Adobe RGB profile; 16-bit becomes
8-bit; alpha is flattened on white.  Outputs carry no metadata at all (no EXIF, GPS,
XMP, IPTC, maker notes, ICC): untagged JPEG is sRGB by convention on the web.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyvips

from .errors import ImageRejected
from .formats import (
    FORMAT_NAMES,
    MAX_PIXELS,
    Format,
    PathLike,
    corrupt,
    is_benign,
    load,
    open_header,
)
from .icc import adobe_rgb_path
from .originals import exif_string, orientation
from .watermark import Watermark, apply_watermark

KEEP_NONE = pyvips.enums.ForeignKeep.NONE


@dataclass(frozen=True)
class Derivatives:
    """JPEG bytes of the preview and the thumbnail, with their pixel sizes."""

    preview: bytes
    thumbnail: bytes
    preview_width: int
    preview_height: int
    thumbnail_width: int
    thumbnail_height: int


def configure_worker(*, concurrency: int = 1) -> None:
    """Set libvips up for a worker process (call once at worker start).

    One libvips thread per process (run one worker process per core for parallelism),
    no operation cache (every original is new; the cache would only hold memory and file
    handles), and libvips' untrusted loaders blocked (we only use JPEG, PNG and TIFF).
    """
    pyvips.concurrency_set(concurrency)
    pyvips.cache_set_max(0)
    pyvips.cache_set_max_mem(0)
    pyvips.cache_set_max_files(0)
    pyvips.block_untrusted_set(True)


def jpeg_shrink(long_edge: int, target: int) -> int:
    """Largest libjpeg shrink-on-load factor that keeps at least ``target`` pixels."""
    for factor in (8, 4, 2):
        if long_edge // factor >= target:
            return factor
    return 1


def _fit(width: int, height: int, long_edge: int) -> tuple[int, int]:
    """Size that fits ``long_edge`` (never larger than the original)."""
    longest = max(width, height)
    if longest <= long_edge:
        return width, height
    scale = long_edge / longest
    return max(1, round(width * scale)), max(1, round(height * scale))


def _resize_to(image: pyvips.Image, width: int, height: int) -> pyvips.Image:
    if (image.width, image.height) == (width, height):
        return image
    out = image.resize(width / image.width, vscale=height / image.height, kernel="lanczos3")
    if (out.width, out.height) != (width, height):  # float rounding: at most one pixel
        out = out.crop(0, 0, min(width, out.width), min(height, out.height))
        if (out.width, out.height) != (width, height):
            out = out.embed(0, 0, width, height, extend="copy")
    return out


def _flatten(image: pyvips.Image) -> pyvips.Image:
    if not image.hasalpha():
        return image
    max_alpha = {"ushort": 65535.0, "float": 1.0, "double": 1.0}.get(image.format, 255.0)
    white = 0.0 if image.interpretation == "cmyk" else max_alpha
    return image.flatten(background=[white] * (image.bands - 1), max_alpha=max_alpha)


def _adobe_rgb_hint(image: pyvips.Image) -> bool:
    """EXIF says "uncalibrated" + DCF option file (R03): a camera in Adobe RGB mode."""
    space = exif_string(image, "exif-ifd2-ColorSpace")
    interop = exif_string(image, "exif-ifd4-InteroperabilityIndex")
    return bool(space and space.startswith("65535") and interop and interop.startswith("R03"))


def _to_srgb(image: pyvips.Image, fmt: Format) -> pyvips.Image:
    """8-bit, 3-band sRGB from whatever came out of the loader (after resizing)."""
    has_profile = image.get_typeof("icc-profile-data") != 0
    cmyk = image.interpretation == "cmyk"
    fallback: str | None = None
    if cmyk:
        fallback = "cmyk"
    elif image.bands >= 3 and not has_profile and _adobe_rgb_hint(image):
        fallback = adobe_rgb_path()
    elif image.bands >= 3:
        fallback = "srgb"
    if has_profile or fallback not in (None, "srgb"):
        try:
            return image.icc_transform(
                "srgb",
                embedded=has_profile,
                input_profile=fallback,
                intent="relative",
                depth=8,
            ).cast("uchar")
        except pyvips.Error:
            if cmyk:  # a broken embedded profile: fall back to the built-in CMYK one
                return image.icc_transform(
                    "srgb", embedded=False, input_profile="cmyk", intent="relative", depth=8
                ).cast("uchar")
    if image.interpretation != "srgb" or image.bands != 3:
        try:
            image = image.colourspace("srgb")
        except pyvips.Error as error:
            raise ImageRejected(
                f"Unsupported colour type in this {FORMAT_NAMES[fmt]}: "
                f"{image.interpretation} with {image.bands} channels."
            ) from error
    if image.bands > 3:
        image = image.extract_band(0, n=3)
    return image.cast("uchar") if image.format != "uchar" else image


def _decode_preview(
    path: PathLike, fmt: Format, header: pyvips.Image, size: tuple[int, int], fail_on: str | None
) -> pyvips.Image:
    """Decode + shrink + colour-convert into memory (stored orientation)."""
    width, height = size
    shrink = (
        jpeg_shrink(max(header.width, header.height), max(width, height)) if fmt == "jpeg" else 1
    )
    image = (
        header
        if shrink == 1 and fail_on is None
        else load(path, fmt, fail_on=fail_on, shrink=shrink)
    )
    image = _flatten(image)
    image = _resize_to(image, width, height)
    image = _to_srgb(image, fmt)
    return image.copy_memory()


def _upright(image: pyvips.Image, turn: int) -> pyvips.Image:
    if turn == 1:
        return image
    tagged = image.copy()
    tagged.set_type(pyvips.GValue.gint_type, "orientation", turn)
    return tagged.autorot().copy_memory()


def _encode(image: pyvips.Image, quality: int) -> bytes:
    data: bytes = image.jpegsave_buffer(
        Q=quality, keep=KEEP_NONE, optimize_coding=True, subsample_mode="auto"
    )
    return data


def make_derivatives(
    path: PathLike,
    *,
    preview_size: int = 2048,
    thumbnail_size: int = 400,
    quality: int = 85,
    watermark: Watermark | None = None,
    max_pixels: int = MAX_PIXELS,
) -> Derivatives:
    """Make the preview (long edge ``preview_size``) and thumbnail JPEGs of an original.

    Never upscales; the thumbnail is made from the preview, so it is never larger than
    the preview either.  The result is upright (EXIF orientation applied), sRGB, 8-bit and
    free of metadata.  ``watermark`` goes on the preview only.  Raises
    :class:`ImageRejected` for anything :func:`inspect_original` refuses and for data
    found truncated or corrupt while decoding.
    """
    if preview_size < 1 or thumbnail_size < 1:
        raise ValueError("preview_size and thumbnail_size must be positive")
    if not 1 <= quality <= 100:
        raise ValueError("quality must be 1..100")
    fmt, _, header = open_header(path, max_pixels=max_pixels)
    turn = orientation(header)
    target = _fit(header.width, header.height, preview_size)
    try:
        stored = _decode_preview(path, fmt, header, target, None)
    except pyvips.Error as error:
        if not is_benign(fmt, error):
            raise corrupt(fmt, error, path) from error
        try:  # only a harmless libjpeg warning: decode again, failing on real errors only
            stored = _decode_preview(path, fmt, header, target, "error")
        except pyvips.Error as again:
            raise corrupt(fmt, again, path) from again
    preview = _upright(stored, turn)

    thumb_w, thumb_h = _fit(preview.width, preview.height, thumbnail_size)
    thumbnail = _resize_to(preview, thumb_w, thumb_h)
    shown = apply_watermark(preview, watermark) if watermark is not None else preview
    return Derivatives(
        preview=_encode(shown, quality),
        thumbnail=_encode(thumbnail, quality),
        preview_width=preview.width,
        preview_height=preview.height,
        thumbnail_width=thumbnail.width,
        thumbnail_height=thumbnail.height,
    )
