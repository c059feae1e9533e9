"""Recognising what a file is (by its magic bytes) and opening its header safely.

Nothing here decodes pixels.  The order is: empty-file check → our own magic-byte sniff (so an
unsupported or hostile file never reaches a libvips loader we did not choose) → the
format's own libvips loader, called explicitly, which reads the header only → the pixel
count check against the decompression-bomb limit.
"""

from __future__ import annotations

import os
import re
import struct
from pathlib import Path
from typing import Literal

import pyvips

from .errors import ImageRejected

Format = Literal["jpeg", "png", "tiff"]
PathLike = str | os.PathLike[str]

#: Largest image accepted, in pixels (width x height).  A 100 MP medium-format file is
#: well below; a 30000 x 30000 PNG "bomb" (2.7 GB once decoded) is far above.
MAX_PIXELS = 250_000_000

_TIMES = "\N{MULTIPLICATION SIGN}"

FORMAT_NAMES: dict[Format, str] = {"jpeg": "JPEG", "png": "PNG", "tiff": "TIFF"}

#: What a file of each format is served as: from what it is, never from its name.
MEDIA_TYPES: dict[str, str] = {"jpeg": "image/jpeg", "png": "image/png", "tiff": "image/tiff"}

#: libvips fail_on per format.  For JPEG we start stricter ("warning": libjpeg reports
#: corrupt entropy data only as a warning and then paints grey) and retry at "error"
#: when the only complaint is one of the harmless warnings below.  PNG and TIFF
#: libraries warn about many harmless things, so they use "error".
STRICT_FAIL_ON: dict[Format, str] = {"jpeg": "warning", "png": "error", "tiff": "error"}
BENIGN_JPEG_WARNINGS = (
    "extraneous bytes before marker",
    "invalid sos parameters",
    "unknown jfif revision",
    "inconsistent progression sequence",
    "unknown adobe color transform",
)


def _unsupported(name: str, extra: str = "") -> ImageRejected:
    return ImageRejected(f"Unsupported format: {name}.{extra} Use JPEG, PNG or TIFF.")


def _not_an_image(what: str) -> ImageRejected:
    return ImageRejected(f"Not an image file (looks like {what}).")


def _tiff_ifd0_tags(head: bytes) -> set[int]:
    """Tag numbers of the first TIFF directory, if it lies within ``head``."""
    try:
        order = "<" if head[:2] == b"II" else ">"
        (offset,) = struct.unpack(order + "I", head[4:8])
        (count,) = struct.unpack(order + "H", head[offset : offset + 2])
        tags = set()
        for i in range(min(count, 500)):
            entry = head[offset + 2 + 12 * i : offset + 14 + 12 * i]
            if len(entry) < 12:
                break
            (tag,) = struct.unpack(order + "H", entry[:2])
            tags.add(tag)
            if tag == 0x00FE:  # NewSubfileType: bit 0 = reduced-resolution copy
                (value,) = struct.unpack(order + "I", entry[8:12])
                if order == ">" and struct.unpack(">H", entry[2:4])[0] == 3:
                    value >>= 16
                if value & 1:
                    tags.add(-1)
        return tags
    except (struct.error, IndexError):
        return set()


def sniff(head: bytes) -> Format:
    """Decide the format from the first bytes of a file, or raise :class:`ImageRejected`."""
    result = _classify(head)
    if isinstance(result, ImageRejected):
        raise result
    return result


def _classify(head: bytes) -> Format | ImageRejected:
    if head.startswith(b"\xff\xd8"):  # SOI; libjpeg judges the rest
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\0", b"MM\0*"):
        if head[8:10] == b"CR":
            return _unsupported("Canon raw (CR2)", " Export a JPEG or TIFF first.")
        tags = _tiff_ifd0_tags(head)
        if 0xC612 in tags:
            return _unsupported("DNG raw", " Export a JPEG or TIFF first.")
        if -1 in tags:
            return _unsupported(
                "camera raw or a TIFF that starts with a preview", " Export a JPEG or TIFF first."
            )
        return "tiff"
    if head[:4] in (b"II+\0", b"MM\0+"):
        return _unsupported("BigTIFF")
    if head[:4] in (b"IIRO", b"IIRS", b"IIU\0") or head.startswith(b"FUJIFILMCCD-RAW"):
        return _unsupported("camera raw", " Export a JPEG or TIFF first.")
    if head.startswith((b"GIF87a", b"GIF89a")):
        return _unsupported("GIF")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _unsupported("WebP")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"avif", b"avis"):
            return _unsupported("AVIF")
        if brand in (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"):
            return _unsupported("HEIC/HEIF", " Set the camera or phone to JPEG, or export a JPEG.")
        if brand == b"crx ":
            return _unsupported("Canon raw (CR3)", " Export a JPEG or TIFF first.")
        return _not_an_image("a video")
    if head.startswith(b"BM"):
        return _unsupported("BMP")
    if head.startswith(b"8BPS"):
        return _unsupported("Photoshop document (PSD)")
    if head.startswith((b"\xff\x0a", b"\0\0\0\x0cJXL ")):
        return _unsupported("JPEG XL")
    if head.startswith(b"\0\0\0\x0cjP  \r\n\x87\n") or head.startswith(b"\xff\x4f\xff\x51"):
        return _unsupported("JPEG 2000")
    if head.startswith(b"%PDF"):
        return _not_an_image("a PDF document")
    if head.startswith(b"PK\x03\x04"):
        return _not_an_image("a ZIP archive or an Office document")
    if head.startswith((b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!")):
        return _not_an_image("a compressed archive")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in text):
        return _unsupported("SVG")
    if text.startswith((b"<!doctype html", b"<html")):
        return _not_an_image("a web page")
    if b"\0" not in head:
        decoded = head.decode("utf-8", errors="replace")
        printable = sum(c.isprintable() or c in "\r\n\t" for c in decoded)
        if printable >= 0.97 * len(decoded):
            return _not_an_image("a text file")
    return ImageRejected(
        "Not a supported image file: the content is not a JPEG, PNG or TIFF image."
    )


def sniff_file(path: PathLike) -> tuple[Format, int]:
    """Sniff a file on disk: ``(format, size in bytes)``; raises :class:`ImageRejected`."""
    # A missing or unreadable file is an operational problem, not a bad image: OSError
    # (FileNotFoundError, PermissionError, IsADirectoryError) propagates unchanged.
    size = os.stat(path).st_size
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if size == 0 or not head:
        raise ImageRejected("The file is empty (0 bytes).")
    return sniff(head), size


_DETAIL_PREFIX = re.compile(r"^(?:[\w.\- ]+?:\s+)+")


def vips_detail(error: pyvips.Error, path: PathLike | None = None) -> str:
    """A short, path-free summary of a libvips error for a photographer."""
    text = (getattr(error, "detail", "") or "") + "\n" + (getattr(error, "message", "") or "")
    if path is not None:  # libtiff says "<file name>: message"
        text = text.replace(str(path), "")
        text = re.sub(re.escape(Path(path).name) + r":", "", text)
    lines = [_DETAIL_PREFIX.sub("", line).strip(" .:") for line in text.splitlines()]
    lines = [
        line
        for line in lines
        if line
        and not line.startswith(
            (
                "unable to call",
                "unable to open",
                "vips__",
                "source input",
                "Failed to read directory",
                "out of order read",
            )
        )
    ]
    detail = lines[0] if lines else "unreadable data"
    if len(detail) > 100:
        detail = detail[:97].rstrip() + "…"
    return detail[0].lower() + detail[1:] if detail[:2].istitle() else detail


def is_benign(fmt: Format, error: pyvips.Error) -> bool:
    """True if a strict JPEG load failed only on a harmless libjpeg warning."""
    detail = (getattr(error, "detail", "") or "").lower()
    return fmt == "jpeg" and any(warning in detail for warning in BENIGN_JPEG_WARNINGS)


def corrupt(fmt: Format, error: pyvips.Error, path: PathLike | None = None) -> ImageRejected:
    return ImageRejected(
        f"The {FORMAT_NAMES[fmt]} is truncated or corrupt: {vips_detail(error, path)}."
    )


def format_megapixels(pixels: int) -> str:
    mp = pixels / 1e6
    return f"{mp:.0f}" if mp >= 10 or mp == int(mp) else f"{mp:.1f}"


def check_pixels(width: int, height: int, max_pixels: int) -> None:
    if width <= 0 or height <= 0:
        raise ImageRejected(f"The image has no pixels ({width} {_TIMES} {height}).")
    if width * height > max_pixels:
        raise ImageRejected(
            f"Too many pixels: {width} {_TIMES} {height} = {format_megapixels(width * height)} MP "
            f"exceeds the {format_megapixels(max_pixels)} MP limit "
            "(possible decompression bomb)."
        )


def load(
    path: PathLike, fmt: Format, *, fail_on: str | None = None, shrink: int = 1
) -> pyvips.Image:
    """Open with the format's own loader, sequential access; lazy (header only)."""
    options: dict[str, object] = {"access": "sequential", "fail_on": fail_on or STRICT_FAIL_ON[fmt]}
    filename = os.fspath(path)
    if fmt == "jpeg":
        if shrink > 1:
            options["shrink"] = shrink
        return pyvips.Image.jpegload(filename, **options)
    if fmt == "png":
        return pyvips.Image.pngload(filename, **options)
    return pyvips.Image.tiffload(filename, page=0, **options)


def _png_dimensions(path: PathLike) -> tuple[int, int] | None:
    with open(path, "rb") as handle:
        head = handle.read(24)
    if len(head) == 24 and head[12:16] == b"IHDR":
        width, height = struct.unpack(">II", head[16:24])
        return int(width), int(height)
    return None


def open_header(
    path: PathLike, *, max_pixels: int = MAX_PIXELS
) -> tuple[Format, int, pyvips.Image]:
    """Sniff, open the header and enforce the pixel limit. Decodes no pixels.

    Returns ``(format, size in bytes, lazy image)``.
    """
    fmt, size = sniff_file(path)
    if fmt == "png":  # our own look at IHDR first: absurd sizes never reach libpng
        dimensions = _png_dimensions(path)
        if dimensions is not None:
            check_pixels(*dimensions, max_pixels)
    try:
        image = load(path, fmt)
    except pyvips.Error as error:
        if not is_benign(fmt, error):
            raise corrupt(fmt, error, path) from error
        try:
            image = load(path, fmt, fail_on="error")
        except pyvips.Error as again:
            raise corrupt(fmt, again, path) from again
    check_pixels(image.width, image.height, max_pixels)
    return fmt, size, image
